//! The public transparency record (公开透明): the verifiable draws and the audit chain's
//! published heads, with the evidence of ended draws. No account; what is not yet public
//! answers 404 like what does not exist.

use super::Errors;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Params, PathId};
use axum::Json;
use axum::extract::State;
use rectify_domain::ids::{ReinspectionId, RoundId};
use rectify_domain::inspection::{DrawEvidence, SampleEvidence};
use rectify_domain::{DomainError, Issue};
use rectify_store::PageRequest;
use rectify_store::transparency::{Transparency, TransparencyRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(transparency))
        .routes(routes!(public_round_evidence))
        .routes(routes!(public_sample_evidence))
}

/// Where each list starts: `rounds_cursor`, `reinspections_cursor`, `heads_cursor` (each the
/// `next_cursor` of that list). The page reads the same names.
pub(crate) fn request(p: &mut Params) -> TransparencyRequest {
    let first = TransparencyRequest::default();
    TransparencyRequest {
        rounds: list(p, "rounds_cursor", first.rounds),
        reinspections: list(p, "reinspections_cursor", first.reinspections),
        heads: list(p, "heads_cursor", first.heads),
    }
}

fn list(p: &mut Params, name: &'static str, first: PageRequest) -> PageRequest {
    let Some(cursor) = p.string(name) else { return first };
    PageRequest::new(Some(i64::from(first.limit)), Some(&cursor)).unwrap_or_else(|_| {
        p.record(DomainError::field(name, Issue::Malformed { expected: rectify_domain::Expected::Cursor }));
        first
    })
}

/// What is public of the verifiable draws and the audit chain, each list newest first: rounds
/// (overt ones from their seed commitment on, covert ones only once ended; the seed, the
/// snapshot digest and the evidence once ended), re-inspections likewise, and the audit chain's
/// published heads (one a day at most, appended only when the chain grew).
#[utoipa::path(get, path = "/transparency", tag = "transparency", security(()),
    params(("rounds_cursor" = Option<String>, Query), ("reinspections_cursor" = Option<String>, Query),
        ("heads_cursor" = Option<String>, Query)),
    responses((status = 200, body = Transparency), Errors))]
async fn transparency(State(st): State<AppState>, mut p: Params) -> ApiResult<Json<Transparency>> {
    let req = request(&mut p);
    p.finish()?;
    Ok(Json(st.store.portal().transparency(&req).await?))
}

/// An ended round's evidence (snapshot, commitment, seed, groups): save it and run
/// `rectify draw verify --evidence FILE`. 404 while the round has not ended (a covert round is
/// not even known before), or while the evidence would name a running covert round's targets.
#[utoipa::path(get, path = "/transparency/rounds/{id}/evidence", tag = "transparency", security(()),
    params(("id" = String, Path)), responses((status = 200, body = DrawEvidence), Errors))]
async fn public_round_evidence(
    State(st): State<AppState>,
    PathId(id): PathId<RoundId>,
) -> ApiResult<Json<DrawEvidence>> {
    Ok(Json(st.store.inspections().public_round_evidence(id).await?))
}

/// An ended re-inspection's sample evidence (population, share, commitment, seed, sample): save
/// it and run `rectify draw verify --evidence FILE`. 404 until the last check is in.
#[utoipa::path(get, path = "/transparency/reinspections/{id}/evidence", tag = "transparency", security(()),
    params(("id" = String, Path)), responses((status = 200, body = SampleEvidence), Errors))]
async fn public_sample_evidence(
    State(st): State<AppState>,
    PathId(id): PathId<ReinspectionId>,
) -> ApiResult<Json<SampleEvidence>> {
    Ok(Json(st.store.inspections().public_sample_evidence(id).await?))
}
