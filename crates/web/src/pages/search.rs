//! `/app/search`: the header's one search box. A tracking code (with or without its dash) or a
//! case number opens that case straight away, if the user may see it; any other text is looked
//! for in the cases and the ledger, each count a link to the list it counts.

use super::{Answer, Ctx, see_other};
use crate::AppState;
use crate::site::Site;
use axum::extract::State;
use minijinja::context;
use rectify_domain::ids::CaseId;
use rectify_store::PageRequest;
use rectify_store::cases::CaseFilter;
use rectify_store::problems::ProblemFilter;

pub fn site() -> Site {
    Site::new().get("/app/search", search)
}

/// Matches listed on the page; the rest are one click away.
const SHOWN: u32 = 10;

async fn search(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    let Some(q) = ctx.query("q") else { return Ok(see_other("/app/cases")) };
    if let Some(id) = st.store.cases().find_by_tracking_code(actor, q).await? {
        return Ok(see_other(&format!("/app/cases/{id}")));
    }
    // A case number, as lists show it (`#12` or `12`).
    if let Ok(id) = q.trim_start_matches(['#', '＃']).parse::<CaseId>()
        && st.store.cases().get_case(actor, id).await.is_ok()
    {
        return Ok(see_other(&format!("/app/cases/{id}")));
    }
    let cases_filter = CaseFilter { q: Some(q.to_owned()), ..CaseFilter::default() };
    let problems_filter = ProblemFilter { q: Some(q.to_owned()), ..ProblemFilter::default() };
    let case_count = st.store.cases().count_cases(actor, std::slice::from_ref(&cases_filter)).await?;
    let problem_count = st.store.ledger().count_problems(actor, std::slice::from_ref(&problems_filter)).await?;
    let cases = st.store.cases().list_cases(actor, &cases_filter, &PageRequest::first(SHOWN)).await?;
    let encoded = serde_urlencoded::to_string([("q", q)]).unwrap_or_default();
    ctx.render(
        &st,
        "app/search.html",
        context! {
            q,
            case_count => case_count.first().copied().unwrap_or(0),
            problem_count => problem_count.first().copied().unwrap_or(0),
            cases => cases.items,
            cases_href => format!("/app/cases?box=all&{encoded}"),
            problems_href => format!("/app/problems?{encoded}"),
        },
    )
}
