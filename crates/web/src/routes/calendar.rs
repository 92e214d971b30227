use super::Errors;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, JsonBody, Params, PathId};
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use rectify_domain::calendar::{CalendarYear, MAX_WORKING_DAYS};
use rectify_domain::{DomainError, Issue};
use rectify_store::calendar::LoadedYear;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(loaded_years))
        .routes(routes!(get_year, put_year))
        .routes(routes!(deadline))
        .routes(routes!(working_days))
}

/// The loaded years of the working-day calendar.
#[utoipa::path(get, path = "/calendar", tag = "calendar", responses((status = 200, body = Vec<LoadedYear>), Errors))]
async fn loaded_years(State(st): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Vec<LoadedYear>>> {
    Ok(Json(st.store.reference().loaded_years(&actor).await?))
}

/// One year's holidays and make-up working days.
#[utoipa::path(get, path = "/calendar/{year}", tag = "calendar", params(("year" = i32, Path)),
    responses((status = 200, body = CalendarYear), Errors))]
async fn get_year(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(year): PathId<i32>,
) -> ApiResult<Json<CalendarYear>> {
    Ok(Json(st.store.reference().calendar_year(&actor, year).await?))
}

/// Loads or replaces one year from the State Council notice (administrators).
#[utoipa::path(put, path = "/calendar/{year}", tag = "calendar", params(("year" = i32, Path)), request_body = CalendarYear,
    responses((status = 200, body = LoadedYear), Errors))]
async fn put_year(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(year): PathId<i32>,
    body: JsonBody<CalendarYear>,
) -> ApiResult<Json<LoadedYear>> {
    if body.value.year != year {
        return Err(DomainError::field(
            "year",
            Issue::Malformed { expected: rectify_domain::Expected::YearInPath { year } },
        )
        .into());
    }
    Ok(Json(st.store.reference().load_calendar_year(&actor, body.value).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
struct Deadline {
    from: NaiveDate,
    working_days: u32,
    /// The `working_days`-th working day after `from`.
    due: NaiveDate,
    /// True when a day outside the loaded calendar years was counted by weekends alone.
    approximate: bool,
}

/// Deadline arithmetic: the date N working days after a date.
#[utoipa::path(get, path = "/calendar/deadline", tag = "calendar",
    params(("from" = NaiveDate, Query), ("working_days" = u32, Query)),
    responses((status = 200, body = Deadline), Errors))]
async fn deadline(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<Deadline>> {
    let from = p.date("from");
    let n = p.int("working_days");
    p.finish()?;
    let from = from.ok_or_else(|| ApiError::from(DomainError::field("from", Issue::Required)))?;
    let n = match n {
        None => return Err(DomainError::field("working_days", Issue::Required).into()),
        Some(n) if !(0..=i64::from(MAX_WORKING_DAYS)).contains(&n) => {
            return Err(DomainError::field(
                "working_days",
                Issue::OutOfRange { min: 0, max: i64::from(MAX_WORKING_DAYS) },
            )
            .into());
        }
        Some(n) => n as u32,
    };
    let r = st.store.reference().working_calendar(&actor).await?.add_working_days(from, n);
    Ok(Json(Deadline { from, working_days: n, due: r.value, approximate: r.approximate }))
}

#[derive(Serialize, utoipa::ToSchema)]
struct WorkingDays {
    from: NaiveDate,
    to: NaiveDate,
    /// Working days after `from` up to and including `to` (negative when `to` is earlier).
    working_days: i64,
    approximate: bool,
}

/// Counts working days between two dates.
#[utoipa::path(get, path = "/calendar/working-days", tag = "calendar",
    params(("from" = NaiveDate, Query), ("to" = NaiveDate, Query)),
    responses((status = 200, body = WorkingDays), Errors))]
async fn working_days(State(st): State<AppState>, Auth(actor): Auth, mut p: Params) -> ApiResult<Json<WorkingDays>> {
    let from = p.date("from");
    let to = p.date("to");
    p.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        let field = if from.is_none() { "from" } else { "to" };
        return Err(DomainError::field(field, Issue::Required).into());
    };
    if (to - from).num_days().abs() > 20 * 366 {
        return Err(DomainError::field("to", Issue::OutOfRange { min: 0, max: 20 * 366 }).into());
    }
    let r = st.store.reference().working_calendar(&actor).await?.working_days_between(from, to);
    Ok(Json(WorkingDays { from, to, working_days: r.value, approximate: r.approximate }))
}
