//! Appointments (预约排号) on pages. For the public, phone-first and without script: booking an
//! item's slot (`/services/{id}/book`: a day and a slot as radio buttons, name and mobile, then
//! the booking code), and looking a booking up by its code and cancelling it with the phone's
//! last four digits (`/appointments`). For staff, `/app/appointments`: a day's bookings by
//! window with where each stands, and the buttons to mark a citizen arrived (the queue number
//! and a service case) or to cancel.

use super::{Answer, Ctx, FormErrors, form_values, path_id, settle};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::ClientIp;
use crate::form::FormData;
use crate::site::Site;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use minijinja::context;
use rectify_domain::actor::{Actor, Permission, authorize, own_party};
use rectify_domain::ids::{AppointmentId, ServiceItemId, UnitId};
use rectify_domain::machine;
use rectify_domain::service::appointment::{
    AppointmentMachine, AppointmentParty, AppointmentState, ArrivalRequest, NewAppointment, NewSlot, NewSlots,
    PublicCancel, StaffCancel,
};
use rectify_domain::service::catalog::Delivery;
use rectify_store::PageRequest;
use rectify_store::people::PersonFilter;
use rectify_store::services::ServiceFilter;
use rectify_store::services::appointments::AppointmentFilter;
use std::collections::BTreeMap;

pub fn site() -> Site {
    Site::new()
        .get("/services/{id}/book", book_form)
        .post("/services/{id}/book", book)
        .get("/appointments", lookup)
        .post("/appointments/cancel", cancel_by_code)
        .get("/app/appointments", list)
        .post("/app/appointments/{id}/arrive", arrive)
        .post("/app/appointments/{id}/cancel", cancel)
        .get("/app/appointment-slots", slots_page)
        .post("/app/appointment-slots/{id}", set_slots)
}

/// Blank rows the slot form offers for new slots.
const BLANK_SLOTS: usize = 3;

/// The items taken by appointment that `actor` may set slots for, as `[id, "code name"]`.
async fn bookable_items(st: &AppState, actor: &Actor) -> Result<Vec<[String; 2]>, super::PageError> {
    let unit: Option<UnitId> = if actor.role.is_office() { None } else { actor.unit_id };
    let filter = ServiceFilter { unit, ..ServiceFilter::default() };
    let items = st.store.services().list_items(actor, &filter, &PageRequest::first(PICKER)).await?;
    Ok(items
        .items
        .into_iter()
        .filter(|i| i.fields.delivery == Delivery::Appointment)
        .map(|i| [i.id.to_string(), format!("{} {}", i.fields.code, i.fields.name)])
        .collect())
}

/// 预约时段设置: an item's slots of every working day, as rows to edit, with blank rows to add.
async fn slots_form(
    st: &AppState,
    ctx: &Ctx,
    item: Option<ServiceItemId>,
    rows: Option<Vec<[String; 3]>>,
    errors: Option<FormErrors>,
) -> Answer {
    // Each row with the index of the slot it makes (blank rows make none): errors name slots.
    let numbered = |rows: Vec<[String; 3]>| {
        let mut n = 0;
        rows.into_iter()
            .map(|[starts, ends, capacity]| {
                let blank = starts.is_empty() && ends.is_empty() && capacity.is_empty();
                let slot = (!blank).then(|| {
                    n += 1;
                    n - 1
                });
                context! { starts, ends, capacity, slot }
            })
            .collect::<Vec<_>>()
    };
    let actor = ctx.staff()?;
    authorize(actor, Permission::ManageServices, own_party(actor))?;
    let items = bookable_items(st, actor).await?;
    let item = item.or_else(|| items.first().and_then(|i| i[0].parse().ok()));
    let slots = match item {
        Some(id) => Some(st.store.services().item_slots(actor, id).await?),
        None => None,
    };
    let rows = rows.unwrap_or_else(|| {
        let kept = slots.iter().flat_map(|s| s.slots.iter());
        let mut rows: Vec<[String; 3]> =
            kept.map(|s| [s.starts.clone(), s.ends.clone(), s.capacity.to_string()]).collect();
        rows.extend(std::iter::repeat_n([String::new(), String::new(), String::new()], BLANK_SLOTS));
        rows
    });
    let rows = numbered(rows);
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = context! { items, slots, rows, errors, done => ctx.query("done"), csrf => ctx.csrf() };
    ctx.render_status(st, status, "app/appointment_slots.html", page)
}

async fn slots_page(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let item = ctx.query("item").and_then(|i| i.parse().ok());
    slots_form(&st, &ctx, item, None, None).await
}

async fn set_slots(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: ServiceItemId = path_id(&id)?;
    // The rows as typed, in order; a row left wholly blank is no slot.
    let column = |name: &'static str| {
        form.fields.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).collect::<Vec<_>>()
    };
    let rows: Vec<[String; 3]> =
        column("starts").into_iter().zip(column("ends")).zip(column("capacity")).map(|((s, e), c)| [s, e, c]).collect();
    let slots = rows
        .iter()
        .filter(|r| r.iter().any(|v| !v.is_empty()))
        .map(|[s, e, c]| NewSlot {
            starts: Some(s.clone()),
            ends: Some(e.clone()),
            // A capacity that is not a number is told as missing, by its row.
            capacity: c.parse().ok(),
        })
        .collect();
    let result = st.store.services().set_slots(actor, id, NewSlots { slots }).await.map_err(ApiError::from);
    let done = |_| format!("/app/appointment-slots?item={id}&done=slots_saved");
    settle(
        ctx.lang,
        result,
        done,
        |errors| async move { slots_form(&st, &ctx, Some(id), Some(rows), Some(errors)).await },
    )
    .await
}

/// People offered as the first-contact officer.
const PICKER: u32 = 500;

async fn booking_page(
    st: &AppState,
    ctx: &Ctx,
    id: ServiceItemId,
    values: BTreeMap<String, String>,
    errors: Option<FormErrors>,
) -> Answer {
    let slots = st.store.services().item_slots(&Actor::public(), id).await?;
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let nonce = rectify_store::accounts::random_secret("");
    ctx.render_status(st, status, "book.html", context! { slots, values, errors, nonce })
}

async fn book_form(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Answer {
    let id: ServiceItemId = path_id(&id)?;
    booking_page(&st, &ctx, id, BTreeMap::new(), None).await
}

async fn book(
    State(st): State<AppState>,
    ctx: Ctx,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    form: FormData,
) -> Answer {
    let id: ServiceItemId = path_id(&id)?;
    st.limits.submit.check(ip)?;
    // One radio button names the day and the slot: `2026-03-03 09:00`.
    let choice = form.get("choice").unwrap_or_default();
    let (day, slot) = choice.split_once(' ').unwrap_or((choice, ""));
    let input = NewAppointment {
        item_id: Some(id),
        day: Some(day.to_owned()).filter(|d| !d.is_empty()),
        slot: Some(slot.to_owned()).filter(|s| !s.is_empty()),
        name: form.get("name").map(str::to_owned),
        phone: form.get("phone").map(str::to_owned),
    };
    let attempt = async {
        let key = form.public_key(ip)?;
        Ok::<_, ApiError>(st.store.services().book(input, key.as_ref()).await?)
    };
    match attempt.await {
        Ok(b) => ctx.render(&st, "booked.html", context! { booking => b.value, again => b.replayed }),
        Err(e) => {
            let errors = FormErrors::from_error(e, ctx.lang)?;
            booking_page(&st, &ctx, id, form_values(&form), Some(errors)).await
        }
    }
}

async fn lookup_page(
    st: &AppState,
    ctx: &Ctx,
    code: Option<&str>,
    values: BTreeMap<String, String>,
    errors: Option<FormErrors>,
    done: Option<&str>,
) -> Answer {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    let booking = match code {
        Some(c) => st.store.services().lookup(c).await?,
        None => None,
    };
    let status = if errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = context! { code, booking, values, errors, done, searched => code.is_some() };
    ctx.render_status(st, status, "appointment.html", page)
}

async fn lookup(State(st): State<AppState>, ctx: Ctx, ClientIp(ip): ClientIp) -> Answer {
    if ctx.query("code").is_some() {
        st.limits.track.check(ip)?;
    }
    lookup_page(&st, &ctx, ctx.query("code"), BTreeMap::new(), None, None).await
}

async fn cancel_by_code(State(st): State<AppState>, ctx: Ctx, ClientIp(ip): ClientIp, form: FormData) -> Answer {
    st.limits.track.check(ip)?;
    let code = form.get("code").unwrap_or_default().to_owned();
    let input = PublicCancel { phone_tail: form.get("phone_tail").map(str::to_owned), reason: None };
    let result = st.store.services().cancel_by_code(&code, input).await.map_err(ApiError::from);
    match result {
        Ok(_) => lookup_page(&st, &ctx, Some(&code), BTreeMap::new(), None, Some("appointment_cancelled")).await,
        Err(e) => {
            // A wrong code or tail is one answer ("not found"), shown by the form.
            let errors = match e {
                ApiError::Store(rectify_store::StoreError::Domain(rectify_domain::DomainError::NotFound {
                    ..
                })) => {
                    let mut errors = FormErrors::default();
                    let words = ctx.t(&st, "appointments.no_match");
                    errors.fields.insert("phone_tail".into(), words.clone());
                    errors.summary = Some(words);
                    errors
                }
                e => FormErrors::from_error(e, ctx.lang)?,
            };
            lookup_page(&st, &ctx, Some(&code), form_values(&form), Some(errors), None).await
        }
    }
}

async fn list(State(st): State<AppState>, ctx: Ctx) -> Answer {
    let actor = ctx.staff()?;
    authorize(actor, Permission::ManageServices, own_party(actor))?;
    let day = ctx.query("day").and_then(|d| d.parse().ok()).unwrap_or_else(|| st.store.today());
    let unit: Option<UnitId> = ctx.query("unit").and_then(|u| u.parse().ok());
    let filter = AppointmentFilter { day: Some(day), unit, ..AppointmentFilter::default() };
    let bookings = st.store.services().list_appointments(actor, &filter).await?;
    // By window, in the order of the list (window, then time).
    let mut windows: Vec<(String, Vec<minijinja::Value>)> = Vec::new();
    let party = AppointmentParty::of(own_party(actor));
    let mut units: Vec<UnitId> = Vec::new();
    for b in &bookings {
        let name = b.window.clone().unwrap_or_default();
        let actions: Vec<&str> = if b.day == st.store.today() || b.state != AppointmentState::Booked {
            machine::available::<AppointmentMachine>(b.state, party).iter().map(|a| a.as_str()).collect()
        } else {
            // Arrival is on the day; a booking to come may still be cancelled.
            machine::available::<AppointmentMachine>(b.state, party)
                .iter()
                .filter(|a| a.as_str() != "arrive")
                .map(|a| a.as_str())
                .collect()
        };
        if !units.contains(&b.unit_id) {
            units.push(b.unit_id);
        }
        let row = context! { b => b, actions };
        match windows.iter_mut().find(|(w, _)| *w == name) {
            Some((_, rows)) => rows.push(row),
            None => windows.push((name, vec![row])),
        }
    }
    // Whom the arrive button offers as the first-contact officer: the people of the units listed.
    let mut people: BTreeMap<String, Vec<[String; 2]>> = BTreeMap::new();
    for u in units {
        let f = PersonFilter { unit: Some(u), ..PersonFilter::default() };
        let found = st.store.directory().list_people(actor, &f, &PageRequest::first(PICKER)).await?;
        people.insert(u.to_string(), found.items.into_iter().map(|p| [p.id.to_string(), p.name]).collect());
    }
    let page = context! {
        windows, people, day, total => bookings.len(), done => ctx.query("done"), number => ctx.query("number"),
        csrf => ctx.csrf(),
    };
    ctx.render(&st, "app/appointments.html", page)
}

async fn arrive(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: AppointmentId = path_id(&id)?;
    let result = async {
        let input =
            ArrivalRequest { responsible_id: form.get("responsible_id").and_then(|p| p.parse().ok()), version: None };
        Ok::<_, ApiError>(st.store.services().arrive(actor, id, input).await?)
    }
    .await;
    let done = |a: rectify_domain::service::appointment::Appointment| {
        format!(
            "/app/appointments?day={}&done=appointment_arrived&number={}",
            a.day,
            a.queue_number.unwrap_or_default()
        )
    };
    settle(ctx.lang, result, done, |errors| async move { refused(&st, &ctx, errors) }).await
}

async fn cancel(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> Answer {
    let actor = ctx.staff_form(&form)?;
    let id: AppointmentId = path_id(&id)?;
    let input =
        StaffCancel { reason: form.get("reason").map(str::to_owned).filter(|r| !r.trim().is_empty()), version: None };
    let result = st.store.services().cancel(actor, id, input).await.map_err(ApiError::from);
    let done = |a: rectify_domain::service::appointment::Appointment| {
        format!("/app/appointments?day={}&done=appointment_cancelled", a.day)
    };
    settle(ctx.lang, result, done, |errors| async move { refused(&st, &ctx, errors) }).await
}

/// A refused action: the page again is the day's list, so the refusal is shown on its own.
fn refused(st: &AppState, ctx: &Ctx, errors: FormErrors) -> Answer {
    ctx.render_status(st, StatusCode::UNPROCESSABLE_ENTITY, "app/appointment_refused.html", context! { errors })
}
