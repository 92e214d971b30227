//! `/app/hotspots` (热点问题): the hot spots among the cases the user may see in a window, each
//! with its messages and one click to take them into the ledger as one problem.

use super::{Answer, Ctx, FormErrors};
use crate::AppState;
use crate::error::ApiError;
use crate::site::Site;
use axum::extract::State;
use minijinja::context;
use serde::Serialize;

pub fn site() -> Site {
    Site::new().get("/app/hotspots", list)
}

/// Messages listed under a hot spot (the rest are counted).
const MEMBERS_SHOWN: usize = 10;

#[derive(Serialize)]
struct SpotView {
    #[serde(flatten)]
    spot: rectify_triage::hotspots::HotSpot,
    shown: Vec<rectify_domain::ids::CaseId>,
    /// The new-problem form with the spot's messages.
    to_ledger: String,
}

async fn list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    let mut p = ctx.params();
    let (from, to, limit) = crate::routes::triage::hot_spot_window(&mut p, st.store.today());
    let checked = p.finish();
    let (spots, errors) = match checked {
        Ok(()) => {
            (st.store.triage().hot_spots(actor, from, to, limit).await.map_err(ApiError::from)?, FormErrors::default())
        }
        Err(e) => (Vec::new(), FormErrors::from_error(e, ctx.lang)?),
    };
    let spots: Vec<SpotView> = spots
        .into_iter()
        .map(|spot| {
            let mut q: Vec<(&str, String)> = spot.case_ids.iter().map(|id| ("case_ids", id.to_string())).collect();
            let subject = spot.place.as_ref().or(spot.crowd.as_ref()).map(|s| format!("{s}：")).unwrap_or_default();
            q.push(("description", format!("{subject}{}", spot.description)));
            SpotView {
                shown: spot.case_ids.iter().take(MEMBERS_SHOWN).copied().collect(),
                to_ledger: format!("/app/problems/new?{}", serde_urlencoded::to_string(&q).unwrap_or_default()),
                spot,
            }
        })
        .collect();
    let may_merge = rectify_domain::actor::authorize(
        actor,
        rectify_domain::actor::Permission::LinkCases,
        rectify_domain::actor::Party::Office,
    )
    .is_ok();
    let values = context! { from => from.to_string(), to => to.to_string(), limit => limit.to_string() };
    ctx.render(&st, "app/hotspots.html", context! { spots, values, errors, from, to, may_merge })
}
