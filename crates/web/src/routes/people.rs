use super::{Errors, created, download, idempotency, page};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, IdempotencyHeader, JsonBody, Params, PathId};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use rectify_app::documents::{self, DocFormat};
use rectify_domain::Issue;
use rectify_domain::ids::PersonId;
use rectify_domain::person::{NewPerson, Person, PersonKind, PersonPatch};
use rectify_domain::personal_plan::PersonalPlan;
use rectify_store::Page;
use rectify_store::people::PersonFilter;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_people, create_person))
        .routes(routes!(get_person, update_person))
        .routes(routes!(personal_plan))
        .routes(routes!(personal_plan_document))
}

#[utoipa::path(get, path = "/people", tag = "people",
    params(
        ("unit" = Option<String>, Query), ("kind" = Option<PersonKind>, Query), ("q" = Option<String>, Query),
        ("archived" = Option<bool>, Query), ("limit" = Option<i64>, Query), ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = Page<Person>), Errors))]
async fn list_people(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<Page<Person>>> {
    let filter = PersonFilter {
        unit: p.id("unit"),
        kind: p.parse("kind", PersonKind::parse, || Issue::NotOneOf {
            expected: vec!["staff".into(), "supervisor".into()],
        }),
        q: p.string("q"),
        include_archived: p.bool("archived").unwrap_or(false),
    };
    let page = page(&mut p);
    p.finish()?;
    Ok(Json(st.store.directory().list_people(&actor, &filter, &page).await?))
}

#[utoipa::path(post, path = "/people", tag = "people", request_body = NewPerson,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = Person), Errors))]
async fn create_person(
    State(st): State<AppState>,
    Auth(actor): Auth,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewPerson>,
) -> ApiResult<Response> {
    let key = idempotency(&actor, key, &body.digest)?;
    let c = st.store.directory().create_person(&actor, body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/people/{}", c.value.id), c))
}

#[utoipa::path(get, path = "/people/{id}", tag = "people", params(("id" = String, Path)),
    responses((status = 200, body = Person), Errors))]
async fn get_person(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<PersonId>,
) -> ApiResult<Json<Person>> {
    Ok(Json(st.store.directory().get_person(&actor, id).await?))
}

#[utoipa::path(patch, path = "/people/{id}", tag = "people", params(("id" = String, Path)), request_body = PersonPatch,
    responses((status = 200, body = Person), Errors))]
async fn update_person(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<PersonId>,
    body: JsonBody<PersonPatch>,
) -> ApiResult<Json<Person>> {
    Ok(Json(st.store.directory().update_person(&actor, id, body.value).await?))
}

/// The person's personal rectification plan (个人整改计划书): the problems they are responsible
/// for that the caller may see in the ledger (the rows of `GET /problems?responsible={id}`), with
/// root causes, measures and deadlines, owed work first, and counts of those rows. `scope` says
/// which rows the caller sees: the whole ledger, their units' and published ones, or published
/// ones only.
#[utoipa::path(get, path = "/people/{id}/plan", tag = "people", params(("id" = String, Path)),
    responses((status = 200, body = PersonalPlan), Errors))]
async fn personal_plan(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<PersonId>,
) -> ApiResult<Json<PersonalPlan>> {
    Ok(Json(st.store.ledger().personal_plan(&actor, id).await?))
}

/// The plan as a printable document in the official order (存在的问题, 原因分析, 整改措施,
/// 整改时限): `format=docx` (Word, East-Asian fonts set) or `pdf` (a CJK font embedded).
#[utoipa::path(get, path = "/people/{id}/plan/document", tag = "people",
    params(("id" = String, Path), ("format" = Option<String>, Query, description = "docx (default) or pdf")),
    responses((status = 200, description = "the document"), Errors))]
async fn personal_plan_document(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<PersonId>,
    mut p: Params,
) -> ApiResult<Response> {
    let format = DocFormat::read(&mut p);
    p.finish()?;
    let plan = st.store.ledger().personal_plan(&actor, id).await?;
    Ok(download(documents::personal_plan(plan, format.unwrap_or_default()).await?))
}
