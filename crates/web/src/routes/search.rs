//! Full-text search over cases, ledger problems and bulletins (`rectify_search`), filtered by what the
//! caller may open: the office everything, a unit's staff their own, everyone what is published.

use super::Errors;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{MaybeAuth, Params};
use axum::Json;
use axum::extract::State;
use rectify_domain::actor::Actor;
use rectify_domain::search::{DEFAULT_LIMIT, SearchKind};
use rectify_domain::{Expected, Issue};
use rectify_search::{Answer, Request};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

/// Searches cases, problems and bulletins: every word must appear (`"…"` a phrase, `-word` excluded; a
/// tracking code, a number or an id is matched exactly too). Hits, their total and the facets
/// count only what the caller may open; `snippet` is HTML with the words found in `<mark>`.
#[utoipa::path(get, path = "/search", tag = "search", security((), ("session" = [])),
    params(
        ("q" = String, Query, description = "words, \"a phrase\", -excluded; at most 2,000 characters"),
        ("kind" = Option<SearchKind>, Query), ("unit" = Option<String>, Query), ("state" = Option<String>, Query),
        ("from" = Option<String>, Query, description = "China date, included"),
        ("to" = Option<String>, Query, description = "China date, included; not before `from`"),
        ("limit" = Option<i64>, Query, description = "1–100, default 20"), ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = Answer), Errors))]
async fn search(State(st): State<AppState>, MaybeAuth(actor): MaybeAuth, mut p: Params) -> ApiResult<Json<Answer>> {
    let request = read_request(&mut p);
    p.finish()?;
    Ok(Json(st.store.search().search(&actor.unwrap_or_else(Actor::public), request).await?))
}

pub(crate) fn read_request(p: &mut Params) -> Request {
    let kinds: Vec<String> = SearchKind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
    let (from, to) = p.dates();
    Request {
        q: p.string("q").unwrap_or_default(),
        kind: p.parse("kind", SearchKind::parse, || Issue::NotOneOf { expected: kinds.clone() }),
        unit: p.id("unit"),
        state: p.string("state"),
        from,
        to,
        limit: p.int("limit").map_or(DEFAULT_LIMIT, |n| usize::try_from(n).unwrap_or(0)),
        cursor: p.parse("cursor", |c| Some(c.to_owned()), || Issue::Malformed { expected: Expected::Cursor }),
    }
}
