//! The holiday calendar: the loaded years of the State Council notice, each with its holidays
//! and the weekend days made into working days (调休). Loading a year is an administrator's job
//! through the API or the command line, from the official file.

use crate::AppState;
use crate::pages::{Ctx, PageError};
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use minijinja::context;
use rectify_domain::actor::{Party, Permission, authorize};

pub fn router() -> Router<AppState> {
    Router::new().route("/app/admin/calendar", get(calendar_page))
}

async fn calendar_page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let actor = ctx.staff()?;
    // The calendar reads take no actor (deadlines need them everywhere); this page is part of
    // the directory, so it asks the same permission as the other directory pages.
    authorize(actor, Permission::ViewDirectory, Party::Other)?;
    let loaded = st.store.loaded_years().await?;
    let mut years = Vec::with_capacity(loaded.len());
    // Newest first: this year and next are what people look for.
    for y in loaded.into_iter().rev() {
        let notice = st.store.calendar_year(y.year).await?;
        years.push(context! { loaded => y, notice });
    }
    ctx.render(&st, "app/admin/calendar.html", context! { years })
}
