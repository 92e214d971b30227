//! The holiday calendar: the loaded years of the State Council notice, each with its holidays
//! and the weekend days made into working days (调休). Loading a year is an administrator's job
//! through the API or the command line, from the official file.

use crate::AppState;
use crate::pages::{Answer, Ctx};
use crate::site::Site;
use axum::extract::State;
use minijinja::context;

pub fn site() -> Site {
    Site::new().get("/app/admin/calendar", calendar_page)
}

async fn calendar_page(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    let loaded = st.store.reference().loaded_years(actor).await?;
    let mut years = Vec::with_capacity(loaded.len());
    // Newest first: this year and next are what people look for.
    for y in loaded.into_iter().rev() {
        let notice = st.store.reference().calendar_year(actor, y.year).await?;
        years.push(context! { loaded => y, notice });
    }
    ctx.render(&st, "app/admin/calendar.html", context! { years })
}
