//! The accountability pages: actions and their proposals (`/app/accountability`) and the
//! yearly points of staff (`/app/points`). The office decides; a unit's staff see their own.

mod actions;
mod points;

use super::admin::{all_units, unit_options};
use super::{Ctx, PageError};
use crate::AppState;
use crate::site::Site;
use rectify_domain::actor::Actor;
use rectify_domain::person::PersonKind;
use rectify_store::PageRequest;
use rectify_store::people::PersonFilter;
use std::collections::HashSet;

pub fn site() -> Site {
    Site::new().merge(actions::site()).merge(points::site())
}

/// Staff people per picker: a unit's cadres, or a district's, fit in one page.
const PEOPLE_PAGE: u32 = 500;

/// The unit picker and the `[id, name]` picker of staff people for the forms.
pub(super) async fn pickers(
    st: &AppState,
    actor: &Actor,
) -> Result<(Vec<super::picker::UnitGroup>, Vec<[String; 2]>), PageError> {
    let units = all_units(st, actor, false).await?;
    let filter = PersonFilter { kind: Some(PersonKind::Staff), ..PersonFilter::default() };
    let people = st.store.directory().list_people(actor, &filter, &PageRequest::first(PEOPLE_PAGE)).await?;
    let people = people.items.into_iter().map(|p| [p.id.to_string(), p.name]).collect();
    Ok((unit_options(&units, &HashSet::new()), people))
}

/// Whether the signed-in user decides (the office): the pages show the forms to them only.
fn decides(ctx: &Ctx) -> bool {
    use rectify_domain::actor::{Party, Permission, authorize};
    ctx.actor.as_ref().is_some_and(|a| authorize(a, Permission::ManageAccountability, Party::Office).is_ok())
}
