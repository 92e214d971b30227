//! Appointments and queue numbers (预约排号, issue 19): an item's daily slots, bookings of a
//! place in them by citizens without an account, cancellation by the citizen (code and the
//! phone's last four digits) or by staff, and arrival at the window, which draws the window's
//! queue number of the day and receives a service case through the ledger's own `receive`. The
//! rules are `rectify_domain::service::appointment`'s; this module counts and writes.
//!
//! Concurrency: a booking counts the slot's seats inside its write transaction. On SQLite the
//! one writer runs write jobs one after another, so the count cannot change under it; on
//! PostgreSQL the booking first locks the item's row (`SELECT … FOR UPDATE`), so bookings of one
//! item queue behind each other while those of other items run. A unique index on the live
//! seats of a slot stands behind both. Queue numbers are an upserted counter row per window and
//! day, counted up in the arrival's transaction: a row lock on PostgreSQL, the one writer on
//! SQLite, and a rolled-back arrival takes its number back with it (no gaps).

use super::cases::{Reading, receive};
use crate::areas::Services;
use crate::db::{Conn, Q, record};
use crate::error::StoreResult;
use crate::idempotency::{Created, IdempotencyKey};
use crate::notices;
use crate::pii;
use crate::units;
use crate::versioned::{self, changed, created};
use crate::visibility;
use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::actor::{Actor, Party, Permission, authorize};
use rectify_domain::case::TrackingCode;
use rectify_domain::ids::{AppointmentId, ServiceCaseId, ServiceItemId, UnitId};
use rectify_domain::privacy::{mask_name, mask_phone};
use rectify_domain::service::appointment::{
    Appointment, AppointmentDecision, AppointmentFacts, AppointmentParty, AppointmentRequest, AppointmentState,
    ArrivalRequest, BookingFacts, ItemSlots, NewAppointment, NewSlots, PublicAppointment, PublicCancel, Slot,
    StaffCancel, booked_notice, booking_days, check_booking, check_places, fire, open_days, queue_number, standing,
};
use rectify_domain::service::catalog::ServiceItem;
use rectify_domain::service::record::{NewServiceCase, ServiceChannel};
use rectify_domain::time::Timestamp;
use rectify_domain::visibility::Records;
use rectify_domain::{DomainError, Entity, Issue};
use rectify_vault::Keyring;

/// The sealed fields' names (the associated data of their seal).
use crate::pii::{APPOINTMENT_NAME as NAME, APPOINTMENT_PHONE as PHONE};

record! {
    #[derive(Clone)]
    struct Row {
        id: AppointmentId as i64,
        code: String,
        item_id: ServiceItemId as i64,
        unit_id: UnitId as i64,
        window_name: String,
        day: NaiveDate,
        starts: String,
        ends: String,
        state: AppointmentState as String,
        name: String,
        phone: String,
        queue_number: Option<String>,
        arrived_at: Option<Timestamp> as Option<DateTime<Utc>>,
        service_case_id: Option<ServiceCaseId> as Option<i64>,
        cancelled_at: Option<Timestamp> as Option<DateTime<Utc>>,
        version: i64,
        created_at: Timestamp as DateTime<Utc>,
        item_name: String,
    }
}

const SELECT: &str = "SELECT a.id, a.code, a.item_id, a.unit_id, a.window_name, a.day, a.starts, a.ends, a.state, \
     a.name, a.phone, a.queue_number, a.arrived_at, a.service_case_id, a.cancelled_at, a.version, a.created_at, \
     i.name AS item_name FROM appointments a JOIN service_items i ON i.id = a.item_id";

fn window(name: &str) -> Option<String> {
    Some(name.to_owned()).filter(|w| !w.is_empty())
}

impl Row {
    fn state_at(&self, now: Timestamp) -> AppointmentState {
        standing(self.state, self.day, &self.ends, now)
    }

    fn phone(&self, vault: &Keyring) -> StoreResult<String> {
        Ok(vault.open(PHONE, &self.phone)?)
    }

    fn staff_view(self, vault: &Keyring, now: Timestamp) -> StoreResult<Appointment> {
        let state = self.state_at(now);
        let name = vault.open(NAME, &self.name)?;
        let phone = self.phone(vault)?;
        Ok(Appointment {
            id: self.id,
            code: shown(&self.code),
            item_id: self.item_id,
            item_name: self.item_name,
            unit_id: self.unit_id,
            window: window(&self.window_name),
            day: self.day,
            starts: self.starts,
            ends: self.ends,
            state,
            name: mask_name(&name),
            phone: mask_phone(&phone),
            queue_number: self.queue_number,
            arrived_at: self.arrived_at,
            service_case_id: self.service_case_id,
            cancelled_at: self.cancelled_at,
            version: self.version,
            created_at: self.created_at,
        })
    }

    fn public_view(self, vault: &Keyring, now: Timestamp, place: Option<String>) -> StoreResult<PublicAppointment> {
        let state = self.state_at(now);
        let name = vault.open(NAME, &self.name)?;
        Ok(PublicAppointment {
            code: shown(&self.code),
            item_id: self.item_id,
            item_name: self.item_name,
            window: window(&self.window_name),
            place,
            day: self.day,
            starts: self.starts,
            ends: self.ends,
            state,
            name: mask_name(&name),
            queue_number: self.queue_number,
        })
    }
}

fn shown(stored: &str) -> String {
    TrackingCode::parse(stored).map(|t| t.to_string()).unwrap_or_else(|| stored.to_owned())
}

async fn unused_code(c: &mut Conn<'_>) -> StoreResult<TrackingCode> {
    use rand::RngCore;
    loop {
        let code = {
            let mut rng = rand::rng();
            TrackingCode::generate(|| {
                let mut b = [0u8; 1];
                rng.fill_bytes(&mut b);
                b[0]
            })
        };
        let taken: Option<i64> =
            c.scalar_optional(Q::new("SELECT id FROM appointments WHERE code = $1").bind(code.as_str())).await?;
        if taken.is_none() {
            return Ok(code);
        }
    }
}

async fn slots_of(c: &mut Conn<'_>, item: ServiceItemId) -> StoreResult<Vec<Slot>> {
    record! {
        struct SlotRow { starts: String, ends: String, capacity: i64 }
    }
    let rows: Vec<SlotRow> = c
        .fetch_all(
            Q::new("SELECT starts, ends, capacity FROM appointment_slots WHERE item_id = $1 ORDER BY starts")
                .bind(item),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Slot { starts: r.starts, ends: r.ends, capacity: u32::try_from(r.capacity).unwrap_or(0) })
        .collect())
}

async fn by_id(c: &mut Conn<'_>, id: AppointmentId) -> StoreResult<Row> {
    let row: Option<Row> = c.fetch_optional(Q::new(format!("{SELECT} WHERE a.id = $1")).bind(id)).await?;
    row.ok_or_else(|| DomainError::not_found(Entity::Appointment, id).into())
}

async fn by_code(c: &mut Conn<'_>, code: &str) -> StoreResult<Option<Row>> {
    let Some(code) = TrackingCode::parse(code) else { return Ok(None) };
    c.fetch_optional(Q::new(format!("{SELECT} WHERE a.code = $1")).bind(code.as_str().to_owned())).await
}

/// The booking if `actor` handles its unit's service cases; not found otherwise.
async fn visible(c: &mut Conn<'_>, actor: &Actor, id: AppointmentId) -> StoreResult<Row> {
    let r = by_id(c, id).await?;
    visibility::require_unit(c, actor, Records::ServiceCases, r.unit_id, Entity::Appointment, id).await?;
    Ok(r)
}

/// What the list of bookings is narrowed to: one day (today by default).
#[derive(Debug, Clone, Default)]
pub struct AppointmentFilter {
    pub unit: Option<UnitId>,
    pub item: Option<ServiceItemId>,
    pub day: Option<NaiveDate>,
    /// As the booking stands now (`no_show` included).
    pub state: Option<AppointmentState>,
}

fn facts(r: &Row, now: Timestamp) -> AppointmentFacts {
    AppointmentFacts {
        state: r.state_at(now),
        day: r.day,
        today: now.china_date(),
        item_name: r.item_name.clone(),
        slot: format!("{}-{}", r.starts, r.ends),
    }
}

/// Writes what `d` decided over `before`: the state, and on arrival the queue number, the time
/// and the service case.
async fn write_decision(
    c: &mut Conn<'_>,
    before: &Row,
    d: &AppointmentDecision,
    number: Option<String>,
    case: Option<ServiceCaseId>,
    now: Timestamp,
) -> StoreResult<()> {
    let cancelled = (d.to == AppointmentState::Cancelled).then_some(now);
    let arrived = (d.to == AppointmentState::Arrived).then_some(now);
    versioned::update(
        c,
        Entity::Appointment,
        before.version,
        Q::new(
            "UPDATE appointments SET state = $1, queue_number = $2, arrived_at = $3, service_case_id = $4, \
             cancelled_at = $5, version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
        )
        .bind(d.to.as_str())
        .bind(number.or(before.queue_number.clone()))
        .bind(arrived.or(before.arrived_at))
        .bind(case.or(before.service_case_id))
        .bind(cancelled.or(before.cancelled_at))
        .bind(now)
        .bind(before.id)
        .bind(before.version),
    )
    .await
}

/// The window's next queue number of `day`, counted up in the caller's transaction.
async fn next_number(c: &mut Conn<'_>, unit: UnitId, window: &str, day: NaiveDate) -> StoreResult<String> {
    let n: i64 = c
        .scalar(
            Q::new(
                "INSERT INTO appointment_queues (unit_id, window_name, day, last_number) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (unit_id, window_name, day) DO UPDATE SET last_number = appointment_queues.last_number + 1 \
                 RETURNING last_number",
            )
            .bind(unit)
            .bind(window.to_owned())
            .bind(day),
        )
        .await?;
    Ok(queue_number(u32::try_from(n).unwrap_or(u32::MAX)))
}

impl Services<'_> {
    /// Sets an item's daily slots (the office any item's, a unit's staff their own unit's),
    /// replacing those it had; bookings already made keep their times.
    pub async fn set_slots(&self, actor: &Actor, item: ServiceItemId, input: NewSlots) -> StoreResult<ItemSlots> {
        authorize(actor, Permission::ManageServices, Party::OwnerUnit)?;
        let slots = input.validate()?;
        let now = self.now();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let found = super::read(&mut c, item).await?;
                    super::may_write(&mut c, &actor, found.fields.unit_id, "item_id").await?;
                    let before = slots_of(&mut c, item).await?;
                    c.execute(Q::new("DELETE FROM appointment_slots WHERE item_id = $1").bind(item)).await?;
                    for s in &slots {
                        c.execute(
                            Q::new(
                                "INSERT INTO appointment_slots (item_id, starts, ends, capacity) VALUES ($1, $2, $3, $4)",
                            )
                            .bind(item)
                            .bind(s.starts.clone())
                            .bind(s.ends.clone())
                            .bind(i64::from(s.capacity)),
                        )
                        .await?;
                    }
                    changed(&mut c, &actor, now, Entity::ServiceItem, item, "set_slots", None, &before, slots.clone())
                        .await?;
                    Ok(())
                })
            })
            .await?;
        self.item_slots(&Actor::public(), item).await
    }

    /// An item's slots and the working days open for booking with the places left in each.
    pub async fn item_slots(&self, actor: &Actor, item: ServiceItemId) -> StoreResult<ItemSlots> {
        let found = self.get_item(actor, item).await?;
        let (cal, today, _) = self.reading().await?;
        let now = self.now();
        let days = booking_days(&cal, today);
        let (from, to) = (days.first().copied().unwrap_or(today), days.last().copied().unwrap_or(today));
        record! {
            struct Count { day: NaiveDate, starts: String, n: i64 }
        }
        let (slots, counts) = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let slots = slots_of(&mut c, item).await?;
                    let counts: Vec<Count> = c
                        .fetch_all(
                            Q::new(
                                "SELECT day, starts, COUNT(*) AS n FROM appointments WHERE item_id = $1 \
                                 AND state <> 'cancelled' AND day >= $2 AND day <= $3 GROUP BY day, starts",
                            )
                            .bind(item)
                            .bind(from)
                            .bind(to),
                        )
                        .await?;
                    Ok((slots, counts))
                })
            })
            .await?;
        let booked = |day: NaiveDate, starts: &str| {
            counts
                .iter()
                .find(|c| c.day == day && c.starts == starts)
                .map_or(0, |c| u32::try_from(c.n).unwrap_or(u32::MAX))
        };
        let bookable = bookable(&found) && !slots.is_empty();
        let days = if bookable { open_days(&slots, &days, now, booked) } else { Vec::new() };
        Ok(ItemSlots {
            item_id: item,
            item_name: found.fields.name,
            window: found.fields.window,
            place: found.fields.place,
            bookable,
            slots,
            days,
        })
    }

    /// Books a place (no account): every rule checked and the seats counted in one write
    /// transaction; the citizen gets the booking code by SMS.
    pub async fn book(
        &self,
        input: NewAppointment,
        key: Option<&IdempotencyKey>,
    ) -> StoreResult<Created<PublicAppointment>> {
        let a = input.validate()?;
        let now = self.now();
        let (cal, _, _) = self.reading().await?;
        let vault = self.vault().clone();
        self.create_once(key, move |tx| {
            Box::pin(async move {
                let mut c = tx.conn();
                // Bookings of one item wait for each other here on PostgreSQL (see the module).
                let lock = if c.is_postgres() { " FOR UPDATE" } else { "" };
                let locked: Option<i64> = c
                    .scalar_optional(Q::new(format!("SELECT id FROM service_items WHERE id = $1{lock}")).bind(a.item_id))
                    .await?;
                if locked.is_none() {
                    return Err(DomainError::unknown("item_id", Entity::ServiceItem).into());
                }
                let item = super::read(&mut c, a.item_id).await?;
                if !item.published {
                    return Err(DomainError::unknown("item_id", Entity::ServiceItem).into());
                }
                let slots = slots_of(&mut c, a.item_id).await?;
                let days = booking_days(&cal, now.china_date());
                let f = BookingFacts { item: &item, slots: &slots, days_open: &days, working_day: cal.is_working_day(a.day), now };
                let slot = check_booking(&f, &a)?;
                let seats: Vec<i64> = {
                    record! { struct Seat { seat: i64 } }
                    let rows: Vec<Seat> = c
                        .fetch_all(
                            Q::new(
                                "SELECT seat FROM appointments WHERE item_id = $1 AND day = $2 AND starts = $3 \
                                 AND state <> 'cancelled'",
                            )
                            .bind(a.item_id)
                            .bind(a.day)
                            .bind(slot.starts.clone()),
                        )
                        .await?;
                    rows.into_iter().map(|r| r.seat).collect()
                };
                let seats: Vec<u32> = seats.into_iter().filter_map(|s| u32::try_from(s).ok()).collect();
                let index = pii::phone_index(&vault, &a.phone);
                record! { struct Open { day: NaiveDate, ends: String } }
                let open: Vec<Open> = c
                    .fetch_all(
                        Q::new(
                            "SELECT day, ends FROM appointments WHERE item_id = $1 AND phone_index = $2 \
                             AND state = 'booked' AND day >= $3",
                        )
                        .bind(a.item_id)
                        .bind(index.clone())
                        .bind(now.china_date()),
                    )
                    .await?;
                let phone_open =
                    open.iter().any(|o| standing(AppointmentState::Booked, o.day, &o.ends, now) == AppointmentState::Booked);
                let seat = check_places(&slot, &seats, phone_open)?;
                let code = unused_code(&mut c).await?;
                let window_name = item.fields.window.clone().unwrap_or_default();
                let id: AppointmentId = c
                    .returning_id(
                        Q::new(
                            "INSERT INTO appointments (code, item_id, unit_id, window_name, day, starts, ends, seat, state, \
                             name, phone, phone_index, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, \
                             $7, $8, 'booked', $9, $10, $11, 1, $12, $12) RETURNING id",
                        )
                        .bind(code.as_str())
                        .bind(a.item_id)
                        .bind(item.fields.unit_id)
                        .bind(window_name.clone())
                        .bind(a.day)
                        .bind(slot.starts.clone())
                        .bind(slot.ends.clone())
                        .bind(i64::from(seat))
                        .bind(vault.seal(NAME, &a.name))
                        .bind(vault.seal(PHONE, &a.phone))
                        .bind(index)
                        .bind(now),
                    )
                    .await
                    .map_err(|e| {
                        // Only if two writers passed the count at once: the seat's index refuses the second.
                        if e.is_unique_violation() { DomainError::rule(rectify_domain::Rule::SlotFull, "slot").into() } else { e }
                    })?;
                let place = match (&item.fields.place, &item.fields.window) {
                    (Some(p), Some(w)) => format!("{p}{w}"),
                    (Some(p), None) => p.clone(),
                    (None, Some(w)) => w.clone(),
                    (None, None) => item.fields.name.clone(),
                };
                let sms = vec![booked_notice(&item.fields.name, a.day, &slot.label(), &place)];
                notices::queue_to_applicant(&mut c, &vault, now, &a.phone, &code.to_string(), sms).await?;
                let row = by_id(&mut c, id).await?;
                let public = row.public_view(&vault, now, item.fields.place.clone())?;
                created(&mut c, &Actor::public(), now, Entity::Appointment, id, public).await
            })
        })
        .await
    }

    /// A booking by its code, for the citizen: nothing of the phone. `None` when no booking
    /// has the code.
    pub async fn lookup(&self, code: &str) -> StoreResult<Option<PublicAppointment>> {
        let now = self.now();
        let vault = self.vault().clone();
        let code = code.to_owned();
        let row = self.db.read(move |tx| Box::pin(async move { by_code(&mut tx.conn(), &code).await })).await?;
        let Some(row) = row else { return Ok(None) };
        let place = self.get_item(&Actor::system(), row.item_id).await.ok().and_then(|i| i.fields.place);
        Ok(Some(row.public_view(&vault, now, place)?))
    }

    /// The citizen cancels with the code and the phone's last four digits; a wrong pair is
    /// not found, whichever half is wrong.
    pub async fn cancel_by_code(&self, code: &str, input: PublicCancel) -> StoreResult<PublicAppointment> {
        let tail = input.phone_tail.as_deref().map(str::trim).unwrap_or_default().to_owned();
        if tail.is_empty() {
            return Err(DomainError::field("phone_tail", Issue::Required).into());
        }
        let now = self.now();
        let vault = self.vault().clone();
        let code = code.to_owned();
        let row = self
            .db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let not_found = || DomainError::not_found(Entity::Appointment, &code);
                    let before = by_code(&mut c, &code).await?.ok_or_else(not_found)?;
                    let phone = before.phone(&vault)?;
                    if tail.len() != 4 || !phone.ends_with(&tail) {
                        return Err(not_found().into());
                    }
                    let req = AppointmentRequest::Cancel { reason: input.reason.clone() };
                    let d = fire(&facts(&before, now), AppointmentParty::Citizen, req)?;
                    apply(&mut c, &vault, &Actor::public(), &before, &d, None, None, now).await?;
                    by_id(&mut c, before.id).await
                })
            })
            .await?;
        let place = self.get_item(&Actor::system(), row.item_id).await.ok().and_then(|i| i.fields.place);
        row.public_view(self.vault(), now, place)
    }

    /// The bookings of a day (today by default) that `actor` handles, by window and time.
    pub async fn list_appointments(&self, actor: &Actor, filter: &AppointmentFilter) -> StoreResult<Vec<Appointment>> {
        authorize(actor, Permission::ManageServices, Party::OwnerUnit)?;
        let now = self.now();
        let vault = self.vault().clone();
        let actor = actor.clone();
        let filter = filter.clone();
        let day = filter.day.unwrap_or_else(|| now.china_date());
        let rows = self
            .db
            .read(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let mut q = Q::new(format!("{SELECT} WHERE a.day = $1"));
                    q = q.bind(day);
                    if let Some(units) = visibility::units(&mut c, &actor, Records::ServiceCases).await? {
                        q.push(" AND ");
                        q.push_in("a.unit_id", units.iter().copied());
                    }
                    if let Some(unit) = filter.unit {
                        q.push(" AND a.unit_id = ").push_bind(unit);
                    }
                    if let Some(item) = filter.item {
                        q.push(" AND a.item_id = ").push_bind(item);
                    }
                    q.push(" ORDER BY a.window_name, a.starts, a.id");
                    let rows: Vec<Row> = c.fetch_all(q).await?;
                    Ok(rows)
                })
            })
            .await?;
        rows.into_iter()
            .filter(|r| filter.state.is_none_or(|s| r.state_at(now) == s))
            .map(|r| r.staff_view(&vault, now))
            .collect()
    }

    /// Marks a booking arrived at the window (the unit's staff, on the day): draws the
    /// window's queue number and receives a service case by appointment, its first-contact
    /// officer `responsible_id`, in one transaction.
    pub async fn arrive(&self, actor: &Actor, id: AppointmentId, input: ArrivalRequest) -> StoreResult<Appointment> {
        let Some(responsible) = input.responsible_id else {
            return Err(DomainError::field("responsible_id", Issue::Required).into());
        };
        let now = self.now();
        let (cal, today, yellow) = self.reading().await?;
        let vault = self.vault().clone();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = visible(&mut c, &actor, id).await?;
                    let party = AppointmentParty::of(units::party(&mut c, &actor, before.unit_id).await?);
                    let d = fire(&facts(&before, now), party, AppointmentRequest::Arrive { responsible })?;
                    versioned::check_version(Entity::Appointment, input.version, before.version)?;
                    let number = next_number(&mut c, before.unit_id, &before.window_name, before.day).await?;
                    let fields = NewServiceCase {
                        item_id: Some(before.item_id),
                        channel: Some(ServiceChannel::Appointment),
                        applicant_name: Some(vault.open(NAME, &before.name)?),
                        applicant_phone: Some(before.phone(&vault)?),
                        note: Some(format!("预约码{}，排队号{number}", shown(&before.code))),
                        responsible_id: d.receive_by,
                    }
                    .validate()?;
                    let reading = Reading { cal: &cal, today, yellow };
                    let case = receive(&mut c, &actor, &vault, &fields, now, &reading, None).await?;
                    apply(&mut c, &vault, &actor, &before, &d, Some(number), Some(case.id), now).await?;
                    by_id(&mut c, id).await?.staff_view(&vault, now)
                })
            })
            .await
    }

    /// Staff cancel a booking still to come (the citizen is told by SMS).
    pub async fn cancel(&self, actor: &Actor, id: AppointmentId, input: StaffCancel) -> StoreResult<Appointment> {
        let now = self.now();
        let vault = self.vault().clone();
        let actor = actor.clone();
        self.db
            .write(move |tx| {
                Box::pin(async move {
                    let mut c = tx.conn();
                    let before = visible(&mut c, &actor, id).await?;
                    let party = AppointmentParty::of(units::party(&mut c, &actor, before.unit_id).await?);
                    let d =
                        fire(&facts(&before, now), party, AppointmentRequest::Cancel { reason: input.reason.clone() })?;
                    versioned::check_version(Entity::Appointment, input.version, before.version)?;
                    apply(&mut c, &vault, &actor, &before, &d, None, None, now).await?;
                    by_id(&mut c, id).await?.staff_view(&vault, now)
                })
            })
            .await
    }
}

fn bookable(item: &ServiceItem) -> bool {
    item.published && item.fields.delivery == rectify_domain::service::catalog::Delivery::Appointment
}

/// Writes a decision, its SMS and its history row.
#[allow(clippy::too_many_arguments)]
async fn apply(
    c: &mut Conn<'_>,
    vault: &Keyring,
    actor: &Actor,
    before: &Row,
    d: &AppointmentDecision,
    number: Option<String>,
    case: Option<ServiceCaseId>,
    now: Timestamp,
) -> StoreResult<()> {
    write_decision(c, before, d, number, case, now).await?;
    if !d.notices.is_empty() {
        let phone = before.phone(vault)?;
        notices::queue_to_applicant(c, vault, now, &phone, &shown(&before.code), d.notices.clone()).await?;
    }
    let was = before.clone().staff_view(vault, now)?;
    let after = by_id(c, before.id).await?.staff_view(vault, now)?;
    changed(c, actor, now, Entity::Appointment, before.id, d.action.as_str(), d.note.as_deref(), &was, after).await?;
    Ok(())
}
