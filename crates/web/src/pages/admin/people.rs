//! People: staff of the units and the appointed outside supervisors.

use super::{all_units, choices, names_of, unit_options};
use crate::AppState;
use crate::error::ApiError;
use crate::form::FormData;
use crate::pages::{Answer, Ctx, Shown, settle};
use crate::site::Site;
use axum::extract::State;
use minijinja::context;
use rectify_domain::actor::Actor;
use rectify_domain::ids::UnitId;
use rectify_domain::person::{NewPerson, PersonKind};
use rectify_store::PageRequest;
use rectify_store::people::PersonFilter;
use std::collections::{BTreeMap, HashSet};

pub fn site() -> Site {
    Site::new().get("/app/admin/people", people_page).post("/app/admin/people", create_person)
}

/// People per page.
const PAGE: i64 = 50;

async fn people_page(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    // New people default to the unit being looked at.
    let values = ctx.query("unit").map(|u| BTreeMap::from([("unit_id".to_owned(), u.to_owned())])).unwrap_or_default();
    people_view(&st, &ctx, actor, Shown::filled(values)).await
}

async fn people_view(st: &AppState, ctx: &Ctx, actor: &Actor, shown: Shown) -> Answer {
    let Shown { status, values, errors } = shown;
    let filter = PersonFilter {
        unit: ctx.query("unit").and_then(|u| u.parse::<UnitId>().ok()),
        q: ctx.query("q").map(str::to_owned),
        ..PersonFilter::default()
    };
    // A cursor that does not decode (edited by hand) starts again from the first page.
    let page = PageRequest::new(Some(PAGE), ctx.query("cursor")).unwrap_or_else(|_| PageRequest::first(PAGE as u32));
    let people = st.store.directory().list_people(actor, &filter, &page).await?;
    let units = all_units(st, actor, true).await?;
    let names = names_of(&units);
    let unit_options = unit_options(&units, &HashSet::new());
    let kinds = choices(ctx, st, &PersonKind::ALL);
    ctx.render_status(
        st,
        status,
        "app/admin/people.html",
        context! { people, names, unit_options, kinds, values, errors, filters => ctx.query_map() },
    )
}

async fn create_person(State(st): State<AppState>, ctx: Ctx, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let attempt = async {
        let input: NewPerson = form.decode(&[], &[])?;
        Ok::<_, ApiError>(st.store.directory().create_person(actor, input, None).await?)
    };
    // Back to the list of the new person's unit, where they now show.
    let done = |c: rectify_store::idempotency::Created<rectify_domain::person::Person>| {
        let q = c.value.unit_id.map(|u| format!("unit={u}&")).unwrap_or_default();
        format!("/app/admin/people?{q}done=created")
    };
    let (st, ctx, form) = (&st, &ctx, &form);
    settle(ctx.lang, attempt.await, done, |errors| async move {
        people_view(st, ctx, actor, Shown::again(form, errors)).await
    })
    .await
}
