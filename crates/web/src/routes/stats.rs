use super::Errors;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use axum::Json;
use axum::extract::State;
use rectify_store::stats::{GroupBy, ProblemStats};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(problem_stats))
}

/// Figures of the ledger, grouped. `rate` = closed ÷ total, rounded half-up to 4 decimals.
/// Lights count only work the unit still owes (open, in progress); reported and closed
/// problems count as green, so red + yellow + green = total. Takes every filter of
/// `GET /api/v1/problems`, so each figure links to the list behind it. With
/// `group_by=unit&include_sub_units=true`, each group is a child of `parent` (default: the
/// top-level units) counted with every unit below it.
#[utoipa::path(get, path = "/stats/problems", tag = "stats",
    params(
        ("group_by" = Option<String>, Query, description = "unit (default), category, state, campaign, batch, type, level"),
        ("include_sub_units" = Option<bool>, Query), ("parent" = Option<String>, Query),
        ("unit" = Option<String>, Query), ("state" = Option<String>, Query), ("light" = Option<String>, Query),
        ("overdue" = Option<bool>, Query), ("campaign" = Option<String>, Query), ("batch" = Option<String>, Query),
        ("category" = Option<String>, Query), ("type" = Option<String>, Query), ("level" = Option<String>, Query),
        ("q" = Option<String>, Query), ("published" = Option<bool>, Query),
    ),
    responses((status = 200, body = ProblemStats), Errors))]
async fn problem_stats(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<ProblemStats>> {
    let by = match p.string("group_by") {
        None => Some(GroupBy::Unit),
        Some(s) => match GroupBy::parse(&s) {
            Ok(g) => Some(g),
            Err(e) => {
                p.record(e);
                None
            }
        },
    };
    let filter = rectify_app::filters::problems(&mut p);
    let parent = p.id("parent");
    // Sorting makes no difference to figures; accept and ignore it so list links can be reused.
    let _ = p.string("sort");
    p.finish()?;
    let by = by.unwrap_or(GroupBy::Unit);
    Ok(Json(st.store.ledger().problem_stats(&actor, by, &filter, filter.include_sub_units, parent).await?))
}
