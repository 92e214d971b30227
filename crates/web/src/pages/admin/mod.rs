//! The administration pages of the workbench: the unit tree, people, campaigns with their
//! batches and 立改清单, the holiday calendar and accounts. Every page reads and writes through
//! the store's use cases as the signed-in user, so the permission table decides who may see and
//! change what; the templates only hide the forms a user could not send anyway.

mod accounts;
mod calendar;
mod campaigns;
mod people;
mod settings;
mod units;

use super::picker::{Scope, UnitGroup, unit_picker};
use super::{Answer, Ctx, PageError, path_id};
use crate::AppState;
use crate::site::Site;
use axum::extract::State;
use minijinja::context;
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::ids::UnitId;
use rectify_domain::unit::Unit;
use rectify_domain::wire::Wire;
use rectify_store::PageRequest;
use rectify_store::units::UnitFilter;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

pub fn site() -> Site {
    Site::new()
        .get("/app/admin", index)
        .merge(units::site())
        .merge(people::site())
        .merge(campaigns::site())
        .merge(calendar::site())
        .merge(accounts::site())
        .merge(settings::site())
}

async fn index(State(st): State<AppState>, ctx: Ctx) -> Answer {
    // The menu of the directory pages: asks what they ask (deny by default).
    authorize(ctx.staff()?, Permission::ViewDirectory, Party::Other)?;
    ctx.render(&st, "app/admin/index.html", context! {})
}

/// Units fetched per page while reading the whole tree (the store's largest page).
const UNIT_PAGE: u32 = 500;

/// Every unit the actor may see, following the store's pages: the tree and the unit pickers need
/// them all, and a district has a few hundred.
pub(crate) async fn all_units(st: &AppState, actor: &Actor, include_archived: bool) -> Result<Vec<Unit>, PageError> {
    let filter = UnitFilter { include_archived, ..UnitFilter::default() };
    let mut units = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = PageRequest::new(Some(i64::from(UNIT_PAGE)), cursor.as_deref())?;
        let got = st.store.directory().list_units(actor, &filter, &page).await?;
        units.extend(got.items);
        match got.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(units),
        }
    }
}

/// A unit with the units below it, for the nested list.
#[derive(Serialize)]
struct TreeNode<'a> {
    unit: &'a Unit,
    children: Vec<TreeNode<'a>>,
}

/// The units as a forest. A unit whose parent is not in `units` (archived and not shown) is
/// shown at the top so that nothing goes missing.
fn build_tree(units: &[Unit]) -> Vec<TreeNode<'_>> {
    let present: HashSet<UnitId> = units.iter().map(|u| u.id).collect();
    let mut children: HashMap<UnitId, Vec<&Unit>> = HashMap::new();
    let mut roots = Vec::new();
    for u in units {
        match u.parent_id.filter(|p| present.contains(p)) {
            Some(p) => children.entry(p).or_default().push(u),
            None => roots.push(u),
        }
    }
    let mut seen = HashSet::new();
    roots.into_iter().filter_map(|u| grow(u, &children, &mut seen)).collect()
}

/// `seen` guards against a cycle in stored data (the store refuses to make one).
fn grow<'a>(
    unit: &'a Unit,
    children: &HashMap<UnitId, Vec<&'a Unit>>,
    seen: &mut HashSet<UnitId>,
) -> Option<TreeNode<'a>> {
    if !seen.insert(unit.id) {
        return None;
    }
    let kids = children.get(&unit.id).map(Vec::as_slice).unwrap_or_default();
    Some(TreeNode { unit, children: kids.iter().filter_map(|k| grow(k, children, seen)).collect() })
}

/// The unit picker's groups (`picker::unit_picker`) over every live unit, leaving out the units in
/// `except` (a unit cannot be moved below itself).
pub(crate) fn unit_options(units: &[Unit], except: &HashSet<UnitId>) -> Vec<UnitGroup> {
    let mut groups = unit_picker(units, &Scope::All, None);
    for g in &mut groups {
        g.options.retain(|o| o[0].parse().map(|id| !except.contains(&UnitId(id))).unwrap_or(true));
    }
    groups.retain(|g| !g.options.is_empty());
    groups
}

/// Unit names by id for tables (archived units included, so old records still show a name).
pub(crate) fn names_of(units: &[Unit]) -> HashMap<String, String> {
    units.iter().map(|u| (u.id.to_string(), u.name.clone())).collect()
}

/// `[value, label]` pairs for a select of fixed choices, labelled from the catalog
/// (`{prefix}.{value}`).
fn choices<T: Wire>(ctx: &Ctx, st: &AppState, values: &[T]) -> Vec<[String; 2]> {
    let names: Vec<&str> = values.iter().map(|v| v.as_str()).collect();
    st.view.catalog.options(&format!("{}.", T::KIND), &names, ctx.lang)
}

/// The language of a name typed in by staff, so a page can mark it where it differs from the
/// page's own (a Chinese unit name on an English page is then read with a Chinese voice).
pub(crate) fn data_lang(text: &str) -> &'static str {
    let cjk = |c: char| matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{3000}'..='\u{303f}');
    if text.chars().any(cjk) { "zh-CN" } else { "en" }
}
