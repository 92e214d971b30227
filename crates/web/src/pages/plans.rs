//! A cadre's personal rectification plan (个人整改计划书) on the workbench: the store's plan as
//! the signed-in user may see it, with its figures, its problems as cards on a phone, and links
//! to the same plan as DOCX and PDF.

use super::{Answer, Ctx, path_id};
use crate::AppState;
use crate::site::Site;
use axum::extract::{Path, State};
use minijinja::context;

pub fn site() -> Site {
    Site::new().get("/app/people/{id}/plan", show)
}

async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let actor = ctx.staff()?;
    let plan = st.store.ledger().personal_plan(actor, path_id(&id)?).await?;
    // The name is data: marked with its own language on an English page.
    let name_lang = super::admin::data_lang(&plan.person.name);
    ctx.render(&st, "app/plan.html", context! { plan, name_lang })
}
