//! The unit tree: everyone with an account may read it; office staff add and change units.

use super::{all_units, build_tree, choices, data_lang, names_of, path_id, unit_options};
use crate::AppState;
use crate::error::ApiError;
use crate::form::{FormData, Kind};
use crate::pages::{Answer, Ctx, FormErrors, Shown, see_other, settle};
use crate::site::Site;
use axum::extract::{Path, State};
use minijinja::context;
use rectify_domain::DomainError;
use rectify_domain::actor::Actor;
use rectify_domain::ids::UnitId;
use rectify_domain::unit::{NewUnit, Unit, UnitKind, UnitPatch, UnitTree};
use rectify_store::StoreError;
use std::collections::{BTreeMap, HashSet};

pub fn site() -> Site {
    Site::new()
        .get("/app/admin/units", units_page)
        .post("/app/admin/units", create_unit)
        .get("/app/admin/units/{id}", unit_page)
        .post("/app/admin/units/{id}", update_unit)
}

fn kinds(ctx: &Ctx, st: &AppState) -> Vec<[String; 2]> {
    choices(ctx, st, &UnitKind::ALL)
}

async fn units_page(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    units_view(&st, &ctx, actor, Shown::fresh()).await
}

/// The tree and the add form (`values` and `errors` refill it after a refused form).
async fn units_view(st: &AppState, ctx: &Ctx, actor: &Actor, shown: Shown) -> Answer {
    let Shown { status, values, errors } = shown;
    let show_archived = ctx.query("archived").is_some();
    let units = all_units(st, actor, show_archived).await?;
    let tree = build_tree(&units);
    let parent_options = unit_options(&units, &HashSet::new());
    ctx.render_status(
        st,
        status,
        "app/admin/units.html",
        context! {
            tree, count => units.len(), parent_options, kinds => kinds(ctx, st), values, errors,
            filters => ctx.query_map(),
        },
    )
}

async fn create_unit(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewUnit = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.directory().create_unit(actor, input, None).await?)
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(
        ctx.lang,
        attempt.await,
        |_| "/app/admin/units?done=created".into(),
        |errors| async move { units_view(st, ctx, actor, Shown::again(form, errors)).await },
    )
    .await
}

/// The form's values for a stored unit.
fn values_of(u: &Unit) -> BTreeMap<String, String> {
    let mut v = BTreeMap::from([
        ("name".to_owned(), u.name.clone()),
        ("kind".to_owned(), u.kind.as_str().to_owned()),
        ("version".to_owned(), u.version.to_string()),
    ]);
    let optional = [
        ("parent_id", u.parent_id.map(|p| p.to_string())),
        ("system", u.system.clone()),
        ("complaint_phone", u.complaint_phone.clone()),
        ("mailbox", u.mailbox.clone()),
    ];
    v.extend(optional.into_iter().filter_map(|(k, x)| Some((k.to_owned(), x?))));
    if u.archived {
        v.insert("archived".to_owned(), "true".to_owned());
    }
    v
}

async fn unit_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let actor = ctx.staff()?;
    let id: UnitId = path_id(&id)?;
    let unit = st.store.directory().get_unit(actor, id).await?;
    let values = values_of(&unit);
    unit_view(&st, &ctx, actor, unit, Shown::filled(values)).await
}

/// One unit: its facts, its sub-units, and (for those who may) the edit form.
async fn unit_view(st: &AppState, ctx: &Ctx, actor: &Actor, unit: Unit, shown: Shown) -> Answer {
    let Shown { status, values, errors } = shown;
    let units = all_units(st, actor, true).await?;
    let names = names_of(&units);
    let children: Vec<&Unit> = units.iter().filter(|u| u.parent_id == Some(unit.id) && !u.archived).collect();
    // A unit cannot move under itself or below itself: leave those out of the picker.
    let tree = UnitTree::new(units.iter().map(|u| (u.id, u.parent_id)));
    let below: HashSet<UnitId> = tree.subtree(unit.id).into_iter().collect();
    let parent_options = unit_options(&units, &below);
    ctx.render_status(
        st,
        status,
        "app/admin/unit.html",
        context! {
            name_lang => data_lang(&unit.name), unit, names, children, parent_options, kinds => kinds(ctx, st),
            values, errors,
        },
    )
}

/// Optional text fields: sent blank, they are cleared (`null`); not sent, they are kept.
const CLEARABLE: [&str; 4] = ["parent_id", "system", "complaint_phone", "mailbox"];

/// The edit form as a PATCH body: the fields present change, blank optional fields are
/// cleared, a blanked name is sent as blank (so it is refused as required rather than kept),
/// and the archive box is part of the form, so its absence means "not archived".
fn patch_of(form: &FormData) -> Result<UnitPatch, ApiError> {
    let mut body = form.to_json(&[("version", Kind::Number)], &["archived"])?;
    if let Some(obj) = body.as_object_mut() {
        let sent = |name: &str| form.fields.iter().any(|(k, _)| k == name);
        for name in CLEARABLE {
            if sent(name) && !obj.contains_key(name) {
                obj.insert(name.to_owned(), serde_json::Value::Null);
            }
        }
        if sent("name") && !obj.contains_key("name") {
            obj.insert("name".to_owned(), serde_json::Value::String(String::new()));
        }
        obj.insert("archived".to_owned(), serde_json::Value::Bool(form.get("archived").is_some()));
    }
    crate::form::decode_value(&body)
}

async fn update_unit(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: UnitId = path_id(&id)?;
    let attempt = async {
        let patch = patch_of(&form)?;
        Ok::<_, ApiError>(st.store.directory().update_unit(actor, id, patch).await?)
    };
    match attempt.await {
        Ok(_) => Ok(see_other(&format!("/app/admin/units/{id}?done=saved"))),
        Err(e) => {
            let stale = matches!(&e, ApiError::Store(StoreError::Domain(DomainError::StaleVersion { .. })));
            let errors = FormErrors::from_error(e, ctx.lang)?;
            let unit = st.store.directory().get_unit(actor, id).await?;
            let mut shown = Shown::again(&form, errors);
            if stale {
                // The page now shows the saved unit; sending the form again replaces it knowingly.
                shown.values.insert("version".to_owned(), unit.version.to_string());
            }
            unit_view(&st, &ctx, actor, unit, shown).await
        }
    }
}
