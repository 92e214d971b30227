//! Appointments and queue numbers (预约排号): an item's slots and the places left (public), a
//! citizen's booking, its lookup and cancellation by code and phone tail (public, limited per
//! client), and for staff the day's bookings, arrival at the window (the queue number and a
//! service case) and cancellation; the office or the item's unit set the slots.

use super::{Errors, Throttled, created, idempotency};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Auth, ClientIp, IdempotencyHeader, JsonBody, Params, PathId};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use rectify_domain::actor::Actor;
use rectify_domain::error::Issue;
use rectify_domain::ids::{AppointmentId, ServiceItemId};
use rectify_domain::service::appointment::{
    Appointment, AppointmentState, ArrivalRequest, ItemSlots, NewAppointment, NewSlots, PublicAppointment,
    PublicCancel, StaffCancel,
};
use rectify_domain::wire::Wire;
use rectify_domain::{DomainError, Entity};
use rectify_store::services::appointments::AppointmentFilter;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_appointments, book))
        .routes(routes!(item_slots, set_slots))
        .routes(routes!(lookup))
        .routes(routes!(cancel_by_code))
        .routes(routes!(arrive))
        .routes(routes!(cancel))
}

/// A day's bookings, as a list (one day is never long: its slots' places bound it).
#[derive(Serialize, utoipa::ToSchema)]
pub struct AppointmentList {
    pub items: Vec<Appointment>,
    /// Always null: a day's bookings come in one answer.
    pub next_cursor: Option<String>,
}

/// An item's daily slots and the working days open for booking (the next 10, today included
/// while it has slots to come), each slot with its capacity, the places `left` and whether it
/// is `open`; `from` and `to` narrow the days shown.
#[utoipa::path(get, path = "/appointments/items/{id}/slots", tag = "services", security(()),
    params(("id" = String, Path), ("from" = Option<String>, Query), ("to" = Option<String>, Query)),
    responses((status = 200, body = ItemSlots), Errors))]
async fn item_slots(
    State(st): State<AppState>,
    PathId(id): PathId<ServiceItemId>,
    mut p: Params,
) -> ApiResult<Json<ItemSlots>> {
    let (from, to) = p.dates();
    p.finish()?;
    let mut slots = st.store.services().item_slots(&Actor::public(), id).await?;
    slots.days.retain(|d| from.is_none_or(|f| d.day >= f) && to.is_none_or(|t| d.day <= t));
    Ok(Json(slots))
}

/// Sets an item's daily slots (`HH:MM` to `HH:MM`, 1–200 places each, none overlapping),
/// replacing those it had: the office for any item, a unit's staff for their own unit's. They
/// apply on every working day of the calendar; bookings made keep their times.
#[utoipa::path(put, path = "/appointments/items/{id}/slots", tag = "services", params(("id" = String, Path)),
    request_body = NewSlots, responses((status = 200, body = ItemSlots), Errors))]
async fn set_slots(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<ServiceItemId>,
    body: JsonBody<NewSlots>,
) -> ApiResult<Json<ItemSlots>> {
    Ok(Json(st.store.services().set_slots(&actor, id, body.value).await?))
}

/// Books a place (no account): `item_id`, `day`, `slot` (its start, `09:00`), `name` and a
/// mobile `phone`. Refused, naming the field, for an item not open for appointments, a day that
/// is past, a holiday or rest day, or beyond the 10 working days open, a slot not the item's,
/// begun or full, and a phone already holding an open booking of the item. The booking code
/// goes to the phone by SMS.
#[utoipa::path(post, path = "/appointments", tag = "services", security(()), request_body = NewAppointment,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = PublicAppointment), Errors, Throttled))]
async fn book(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    IdempotencyHeader(key): IdempotencyHeader,
    body: JsonBody<NewAppointment>,
) -> ApiResult<Response> {
    st.limits.submit.check(ip)?;
    let scope = Actor { username: format!("public:{ip}"), ..Actor::public() };
    let key = idempotency(&scope, key, &body.digest)?;
    let booked = st.store.services().book(body.value, key.as_ref()).await?;
    Ok(created(format!("/api/v1/appointments/booking/{}", booked.value.code), booked))
}

/// A booking by its code (no account): the item, day, slot, window, where it stands and the
/// queue number once arrived; the name masked and nothing of the phone.
#[utoipa::path(get, path = "/appointments/booking/{tracking_code}", tag = "services", security(()),
    params(("tracking_code" = String, Path)), responses((status = 200, body = PublicAppointment), Errors, Throttled))]
async fn lookup(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
) -> ApiResult<Json<PublicAppointment>> {
    st.limits.track.check(ip)?;
    let found = st.store.services().lookup(&code).await?;
    Ok(Json(found.ok_or_else(|| DomainError::not_found(Entity::Appointment, code))?))
}

/// The citizen cancels their booking with its code and the last four digits of the phone it
/// was booked with (a wrong pair is not found); only a booking still to come is cancelled.
#[utoipa::path(post, path = "/appointments/booking/{tracking_code}/cancel", tag = "services", security(()),
    params(("tracking_code" = String, Path)), request_body = PublicCancel,
    responses((status = 200, body = PublicAppointment), Errors, Throttled))]
async fn cancel_by_code(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    body: JsonBody<PublicCancel>,
) -> ApiResult<Json<PublicAppointment>> {
    st.limits.track.check(ip)?;
    Ok(Json(st.store.services().cancel_by_code(&code, body.value).await?))
}

/// The bookings of one `day` (default today) the caller handles — the office every unit's, a
/// unit's staff their own — by window and time; `state` as they stand now (`booked`,
/// `arrived`, `cancelled`, `no_show`).
#[utoipa::path(get, path = "/appointments", tag = "services",
    params(("unit" = Option<String>, Query), ("item" = Option<String>, Query), ("day" = Option<String>, Query),
        ("state" = Option<String>, Query)),
    responses((status = 200, body = AppointmentList), Errors))]
async fn list_appointments(
    State(st): State<AppState>,
    Auth(actor): Auth,
    mut p: Params,
) -> ApiResult<Json<AppointmentList>> {
    let filter = AppointmentFilter {
        unit: p.id("unit"),
        item: p.id("item"),
        day: p.date("day"),
        state: p.parse("state", AppointmentState::parse, || Issue::NotOneOf { expected: AppointmentState::names() }),
    };
    p.finish()?;
    let items = st.store.services().list_appointments(&actor, &filter).await?;
    Ok(Json(AppointmentList { items, next_cursor: None }))
}

/// The citizen is at the window (the item's unit's staff, on the booked day, before the slot
/// ends): draws the window's next queue number of the day (`A001` …) and receives a service
/// case by appointment, `responsible_id` its first-contact officer.
#[utoipa::path(post, path = "/appointments/{id}/arrive", tag = "services", params(("id" = String, Path)),
    request_body = ArrivalRequest, responses((status = 200, body = Appointment), Errors))]
async fn arrive(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<AppointmentId>,
    body: JsonBody<ArrivalRequest>,
) -> ApiResult<Json<Appointment>> {
    Ok(Json(st.store.services().arrive(&actor, id, body.value).await?))
}

/// Staff cancel a booking still to come (the office, or the item's unit); the citizen is told
/// by SMS.
#[utoipa::path(post, path = "/appointments/{id}/cancel", tag = "services", params(("id" = String, Path)),
    request_body = StaffCancel, responses((status = 200, body = Appointment), Errors))]
async fn cancel(
    State(st): State<AppState>,
    Auth(actor): Auth,
    PathId(id): PathId<AppointmentId>,
    body: JsonBody<StaffCancel>,
) -> ApiResult<Json<Appointment>> {
    Ok(Json(st.store.services().cancel(&actor, id, body.value).await?))
}
