//! Appointments and queue numbers (预约排号). An item marked 可预约 is booked at its window: the
//! office or the item's unit sets the item's daily slots (09:00–10:00 for 6 people, …), which
//! apply on every working day of the calendar. A citizen books a place in a slot of the next
//! [`BOOKING_DAYS`] working days with their name and mobile and gets a booking code; on the day,
//! the unit's staff mark them arrived, which draws the day's queue number of the window
//! (`A001`, `A002` …) and receives a service case for the item.
//!
//! Slots belong to the item, not to the window: a hall publishes its 号源 item by item (a
//! 生育登记 takes ten minutes, a business licence forty), so the unit sets how many of each it
//! can serve an hour; the window is where the queue is called, so queue numbers are the
//! window's. A booking's life is one table ([`AppointmentMachine`]): booked → arrived or
//! cancelled; a booking still booked when its slot has ended is a no-show ([`standing`]). No I/O
//! here: the store counts places and writes what [`fire`] decides.

use crate::error::{DomainError, Entity, Expected, Issue, Problems, Rule};
use crate::ids::{AppointmentId, PersonId, ServiceItemId, UnitId};
use crate::machine::{self, Transition};
use crate::notice::{Notice, NoticeTemplate, Recipient};
use crate::service::catalog::{Delivery, ServiceItem};
use crate::text;
use crate::time::Timestamp;
use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

/// Working days open for booking, today included when it is one.
pub const BOOKING_DAYS: usize = 10;
/// Slots an item has a day at most.
pub const SLOTS_MAX: usize = 24;
/// Places a slot has at most.
pub const CAPACITY_MAX: u32 = 200;

crate::wire_enum! {
    pub enum AppointmentState: "appointment.state" {
        /// 已预约.
        Booked = "booked",
        /// 已到场: the queue number is drawn and a service case received.
        Arrived = "arrived",
        /// 已取消.
        Cancelled = "cancelled",
        /// 未到场 (爽约): still booked when the slot ended.
        NoShow = "no_show",
    }
}

crate::wire_enum! {
    pub enum AppointmentAction: "appointment.action" {
        /// 到场取号.
        Arrive = "arrive",
        /// 取消预约.
        Cancel = "cancel",
    }
}

/// Who acts on a booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentParty {
    /// The supervising office.
    Office,
    /// Staff of the item's unit (at the window).
    Unit,
    /// The citizen, by the booking code and the phone's last four digits.
    Citizen,
    /// Anyone else signed in.
    Other,
}

impl AppointmentParty {
    pub fn of(party: crate::actor::Party) -> AppointmentParty {
        match party {
            crate::actor::Party::Office => AppointmentParty::Office,
            crate::actor::Party::OwnerUnit => AppointmentParty::Unit,
            crate::actor::Party::Other => AppointmentParty::Other,
        }
    }
}

use AppointmentAction::*;
use AppointmentParty::{Citizen, Office, Unit};
use AppointmentState::*;

crate::machine! {
    /// The unit's staff take the citizen in at the window; the citizen, the unit or the office
    /// cancel a booking that is still to come.
    pub struct AppointmentMachine: Entity::Appointment, AppointmentState, AppointmentAction, AppointmentParty = [
        Transition { action: Arrive, from: &[Booked], to: Some(Arrived), by: &[Unit] },
        Transition { action: Cancel, from: &[Booked], to: Some(Cancelled), by: &[Office, Unit, Citizen] },
    ];
}

/// A slot of an item's day, as set: `09:00`–`10:00` for `capacity` people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    pub starts: String,
    pub ends: String,
    pub capacity: u32,
}

impl Slot {
    /// `09:00-10:00`, as a form's radio button and the SMS name it.
    pub fn label(&self) -> String {
        format!("{}-{}", self.starts, self.ends)
    }
}

/// One slot of `PUT /api/v1/appointments/items/{id}/slots`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSlot {
    /// `HH:MM`.
    pub starts: Option<String>,
    /// `HH:MM`, after `starts`.
    pub ends: Option<String>,
    /// People served in the slot (1–200).
    pub capacity: Option<u32>,
}

/// Body of `PUT /api/v1/appointments/items/{id}/slots`: the item's whole day, replacing the
/// slots it had (bookings made keep their times).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSlots {
    #[serde(default)]
    pub slots: Vec<NewSlot>,
}

fn time_of_day(p: &mut Problems, field: String, v: Option<&str>) -> Option<NaiveTime> {
    match v.map(text::clean).filter(|s| !s.is_empty()) {
        None => {
            p.push(field, Issue::Required);
            None
        }
        Some(s) => match parse_time(s) {
            Some(t) => Some(t),
            None => {
                p.push(field, Issue::Malformed { expected: Expected::TimeOfDay });
                None
            }
        },
    }
}

/// `9:00` or `09:00`, minutes only.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok().filter(|t| t.second() == 0)
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

impl NewSlots {
    /// The slots in order of time, or every bad field: times as `HH:MM`, each ending after it
    /// starts and none overlapping the one before, 1–200 places each.
    pub fn validate(&self) -> Result<Vec<Slot>, DomainError> {
        let mut p = Problems::new();
        if self.slots.len() > SLOTS_MAX {
            p.push("slots", Issue::TooMany { max: SLOTS_MAX });
        }
        let mut out: Vec<(NaiveTime, NaiveTime, u32, usize)> = Vec::new();
        for (i, s) in self.slots.iter().enumerate() {
            let starts = time_of_day(&mut p, format!("slots[{i}].starts"), s.starts.as_deref());
            let ends = time_of_day(&mut p, format!("slots[{i}].ends"), s.ends.as_deref());
            let capacity = match s.capacity {
                None => {
                    p.push(format!("slots[{i}].capacity"), Issue::Required);
                    None
                }
                Some(c) if !(1..=CAPACITY_MAX).contains(&c) => {
                    p.push(format!("slots[{i}].capacity"), Issue::OutOfRange { min: 1, max: i64::from(CAPACITY_MAX) });
                    None
                }
                Some(c) => Some(c),
            };
            if let (Some(a), Some(b)) = (starts, ends)
                && b <= a
            {
                p.push(format!("slots[{i}].ends"), Issue::BeforeOther { other: format!("slots[{i}].starts") });
                continue;
            }
            if let (Some(a), Some(b), Some(c)) = (starts, ends, capacity) {
                out.push((a, b, c, i));
            }
        }
        out.sort();
        for w in out.windows(2) {
            // Places counted twice over the same hour would promise more than the window serves.
            if w[1].0 < w[0].1 {
                p.push(
                    format!("slots[{}].starts", w[1].3),
                    Issue::BeforeOther { other: format!("slots[{}].ends", w[0].3) },
                );
            }
        }
        p.finish(|| {
            out.into_iter().map(|(a, b, capacity, _)| Slot { starts: hhmm(a), ends: hhmm(b), capacity }).collect()
        })
    }
}

/// The working days open for booking from `today` (itself included when it is one).
pub fn booking_days(cal: &crate::calendar::WorkCalendar, today: NaiveDate) -> Vec<NaiveDate> {
    today.iter_days().filter(|d| cal.is_working_day(*d)).take(BOOKING_DAYS).collect()
}

/// A slot of a day with the places left, as the booking page offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenSlot {
    pub starts: String,
    pub ends: String,
    pub capacity: u32,
    pub left: u32,
    /// Whether it can still be booked: places left and not yet begun.
    pub open: bool,
}

/// A working day open for booking and its slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingDay {
    pub day: NaiveDate,
    pub slots: Vec<OpenSlot>,
}

/// An item's slots and the days open for booking, as `GET …/items/{id}/slots` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemSlots {
    pub item_id: ServiceItemId,
    pub item_name: String,
    pub window: Option<String>,
    pub place: Option<String>,
    /// The item takes bookings (可预约 and published).
    pub bookable: bool,
    /// The slots of every working day.
    pub slots: Vec<Slot>,
    pub days: Vec<BookingDay>,
}

/// Whether a slot of `day` starting at `starts` has begun at `now`.
pub fn has_begun(day: NaiveDate, starts: &str, now: Timestamp) -> bool {
    let today = now.china_date();
    day < today || (day == today && parse_time(starts).is_none_or(|t| t <= china_time(now)))
}

/// Whether a slot of `day` ending at `ends` has ended at `now`.
pub fn has_ended(day: NaiveDate, ends: &str, now: Timestamp) -> bool {
    let today = now.china_date();
    day < today || (day == today && parse_time(ends).is_none_or(|t| t <= china_time(now)))
}

/// The time of day in China.
pub fn china_time(now: Timestamp) -> NaiveTime {
    now.utc().with_timezone(&crate::time::china()).time()
}

/// The days and slots offered, with the places left (`booked(day, starts)` counts the live
/// bookings of a slot).
pub fn open_days(
    slots: &[Slot],
    days: &[NaiveDate],
    now: Timestamp,
    booked: impl Fn(NaiveDate, &str) -> u32,
) -> Vec<BookingDay> {
    days.iter()
        .map(|&day| BookingDay {
            day,
            slots: slots
                .iter()
                .map(|s| {
                    let left = s.capacity.saturating_sub(booked(day, &s.starts));
                    let open = left > 0 && !has_begun(day, &s.starts, now);
                    OpenSlot { starts: s.starts.clone(), ends: s.ends.clone(), capacity: s.capacity, left, open }
                })
                .collect(),
        })
        .collect()
}

/// Body of `POST /api/v1/appointments` (no account).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAppointment {
    pub item_id: Option<ServiceItemId>,
    /// A working day open for booking (`YYYY-MM-DD`).
    pub day: Option<String>,
    /// The slot's start (`09:00`) or the slot (`09:00-10:00`).
    pub slot: Option<String>,
    pub name: Option<String>,
    /// A mobile: the confirmation goes there by SMS.
    pub phone: Option<String>,
}

/// A booking's checked fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentFields {
    pub item_id: ServiceItemId,
    pub day: NaiveDate,
    /// The slot's start as `HH:MM`.
    pub starts: String,
    pub name: String,
    pub phone: String,
}

impl NewAppointment {
    /// The shape of each field, every bad one named.
    pub fn validate(&self) -> Result<AppointmentFields, DomainError> {
        let mut p = Problems::new();
        if self.item_id.is_none() {
            p.push("item_id", Issue::Required);
        }
        let day = match self.day.as_deref().map(text::clean).filter(|s| !s.is_empty()) {
            None => {
                p.push("day", Issue::Required);
                None
            }
            Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| p.push("day", Issue::InvalidDate)).ok(),
        };
        let starts = match self.slot.as_deref().map(text::clean).filter(|s| !s.is_empty()) {
            None => {
                p.push("slot", Issue::Required);
                None
            }
            Some(s) => match parse_time(s.split(['-', '–', '—']).next().unwrap_or(s)) {
                Some(t) => Some(hhmm(t)),
                None => {
                    p.push("slot", Issue::Malformed { expected: Expected::TimeOfDay });
                    None
                }
            },
        };
        let name = p.take(text::required("name", self.name.as_deref(), text::NAME_MAX));
        let phone = match p.take(crate::case::citizen_phone("phone", self.phone.as_deref())) {
            Some(None) => {
                p.push("phone", Issue::Required);
                None
            }
            Some(Some(ph)) if !is_mobile(&ph) => {
                // The confirmation and the code go by SMS: a landline never gets them.
                p.push("phone", Issue::Malformed { expected: Expected::Mobile });
                None
            }
            other => other.flatten(),
        };
        let invalid = !p.is_empty();
        match (self.item_id, day, starts, name, phone) {
            (Some(item_id), Some(day), Some(starts), Some(name), Some(phone)) if !invalid => {
                Ok(AppointmentFields { item_id, day, starts, name, phone })
            }
            _ => Err(p.into_error()),
        }
    }
}

fn is_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
}

/// What the rules of a booking need: the item, its slots, the day's calendar and the clock.
pub struct BookingFacts<'a> {
    pub item: &'a ServiceItem,
    pub slots: &'a [Slot],
    pub days_open: &'a [NaiveDate],
    pub working_day: bool,
    pub now: Timestamp,
}

/// The slot booked, or the rule it breaks: an item open for appointments, a working day within
/// the days open, a slot of the item's that has not begun. Places and the phone's other
/// bookings are counted by the store inside its transaction ([`check_places`]).
pub fn check_booking(f: &BookingFacts<'_>, a: &AppointmentFields) -> Result<Slot, DomainError> {
    if !f.item.published || f.item.fields.delivery != Delivery::Appointment || f.slots.is_empty() {
        return Err(DomainError::rule(Rule::NotBookable, "item_id"));
    }
    if a.day < f.now.china_date() {
        return Err(DomainError::rule(Rule::SlotPast, "day"));
    }
    if !f.working_day {
        return Err(DomainError::rule(Rule::DayNotWorking, "day"));
    }
    if !f.days_open.contains(&a.day) {
        return Err(DomainError::rule(Rule::BeyondBookingDays, "day"));
    }
    let Some(slot) = f.slots.iter().find(|s| s.starts == a.starts) else {
        let expected = f.slots.iter().map(Slot::label).collect();
        return Err(DomainError::field("slot", Issue::NotOneOf { expected }));
    };
    if has_begun(a.day, &slot.starts, f.now) {
        return Err(DomainError::rule(Rule::SlotPast, "slot"));
    }
    Ok(slot.clone())
}

/// The seat a new booking takes — the lowest free one — or the rule it breaks: every place
/// taken, or the phone already holding an open booking of the item (`phone_open`).
pub fn check_places(slot: &Slot, seats_taken: &[u32], phone_open: bool) -> Result<u32, DomainError> {
    if phone_open {
        return Err(DomainError::rule(Rule::AlreadyBooked, "phone"));
    }
    (1..=slot.capacity).find(|s| !seats_taken.contains(s)).ok_or_else(|| DomainError::rule(Rule::SlotFull, "slot"))
}

/// Where a booking stands at `now`: a booking still booked when its slot has ended is a no-show.
pub fn standing(state: AppointmentState, day: NaiveDate, ends: &str, now: Timestamp) -> AppointmentState {
    if state == Booked && has_ended(day, ends, now) { NoShow } else { state }
}

/// The confirmation SMS (the store adds the code).
pub fn booked_notice(item: &str, day: NaiveDate, slot: &str, place: &str) -> Notice {
    Notice::new(Recipient::Citizen, NoticeTemplate::AppointmentBooked)
        .with("item", item)
        .with("day", day_words(day))
        .with("time", slot)
        .with("place", place)
}

/// `3月3日`, as an SMS names a day.
pub fn day_words(day: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}月{}日", day.month(), day.day())
}

/// The queue number of the `n`-th arrival of a window's day: `A001`.
pub fn queue_number(n: u32) -> String {
    format!("A{n:03}")
}

/// What is asked of a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppointmentRequest {
    /// The citizen is at the window: `responsible` receives them (the first-contact officer).
    Arrive {
        responsible: PersonId,
    },
    Cancel {
        reason: Option<String>,
    },
}

impl AppointmentRequest {
    pub fn action(&self) -> AppointmentAction {
        match self {
            AppointmentRequest::Arrive { .. } => Arrive,
            AppointmentRequest::Cancel { .. } => Cancel,
        }
    }
}

/// What `fire` needs of a booking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentFacts {
    /// Where it stands now ([`standing`]).
    pub state: AppointmentState,
    pub day: NaiveDate,
    pub today: NaiveDate,
    pub item_name: String,
    pub slot: String,
}

/// Everything an action changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentDecision {
    pub action: AppointmentAction,
    pub from: AppointmentState,
    pub to: AppointmentState,
    /// Arrive: draw the window's next queue number and receive a service case with this
    /// first-contact officer.
    pub receive_by: Option<PersonId>,
    /// Cancel: why (kept with the history row).
    pub note: Option<String>,
    /// The SMS to the citizen.
    pub notices: Vec<Notice>,
}

/// Fires what `party` asks of a booking.
pub fn fire(
    f: &AppointmentFacts,
    party: AppointmentParty,
    req: AppointmentRequest,
) -> Result<AppointmentDecision, DomainError> {
    let action = req.action();
    let row = machine::permit::<AppointmentMachine>(f.state, action, party)?;
    let mut d = AppointmentDecision {
        action,
        from: f.state,
        to: machine::target::<AppointmentMachine>(row, f.state),
        receive_by: None,
        note: None,
        notices: Vec::new(),
    };
    match req {
        AppointmentRequest::Arrive { responsible } => {
            if f.day != f.today {
                return Err(DomainError::rule(Rule::NotTheBookedDay, "id"));
            }
            d.receive_by = Some(responsible);
        }
        AppointmentRequest::Cancel { reason } => {
            d.note = text::optional("reason", reason.as_deref(), text::SHORT_MAX)
                .map_err(|e| DomainError::field(e.field, e.issue))?;
            d.notices.push(
                Notice::new(Recipient::Citizen, NoticeTemplate::AppointmentCancelled)
                    .with("item", &f.item_name)
                    .with("day", day_words(f.day))
                    .with("time", &f.slot),
            );
        }
    }
    Ok(d)
}

/// A booking as staff see it: the citizen's name and mobile masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appointment {
    pub id: AppointmentId,
    /// The booking code (预约码), as `XXXXX-XXXXX`.
    pub code: String,
    pub item_id: ServiceItemId,
    pub item_name: String,
    pub unit_id: UnitId,
    pub window: Option<String>,
    pub day: NaiveDate,
    pub starts: String,
    pub ends: String,
    /// Where it stands now (a booking past its slot is `no_show`).
    pub state: AppointmentState,
    pub name: String,
    pub phone: String,
    /// Drawn on arrival (`A001`).
    pub queue_number: Option<String>,
    pub arrived_at: Option<Timestamp>,
    /// The service case received on arrival.
    pub service_case_id: Option<crate::ids::ServiceCaseId>,
    pub cancelled_at: Option<Timestamp>,
    pub version: i64,
    pub created_at: Timestamp,
}

/// What the citizen sees of their booking by its code: nothing of the phone (its last four
/// digits are what cancels it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicAppointment {
    pub code: String,
    pub item_id: ServiceItemId,
    pub item_name: String,
    pub window: Option<String>,
    pub place: Option<String>,
    pub day: NaiveDate,
    pub starts: String,
    pub ends: String,
    pub state: AppointmentState,
    /// Masked (`王**`).
    pub name: String,
    pub queue_number: Option<String>,
}

/// Body of the citizen's cancellation.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicCancel {
    /// The last four digits of the mobile booked with.
    pub phone_tail: Option<String>,
    pub reason: Option<String>,
}

/// Body of staff marking a booking arrived.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ArrivalRequest {
    /// The first-contact officer (首问责任人) who receives the citizen: a person of the directory.
    pub responsible_id: Option<PersonId>,
    pub version: Option<i64>,
}

/// Body of staff cancelling a booking.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffCancel {
    pub reason: Option<String>,
    pub version: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::catalog::NewServiceItem;
    use chrono::{TimeZone, Utc};

    fn at(day: &str, hm: &str) -> Timestamp {
        let d: NaiveDate = day.parse().unwrap();
        let t = parse_time(hm).unwrap();
        let local = d.and_time(t) - chrono::Duration::hours(8);
        Timestamp::from_utc(Utc.from_utc_datetime(&local))
    }

    fn slots() -> Vec<Slot> {
        NewSlots {
            slots: vec![
                NewSlot { starts: Some("14:00".into()), ends: Some("15:00".into()), capacity: Some(2) },
                NewSlot { starts: Some("9:00".into()), ends: Some("10:00".into()), capacity: Some(6) },
            ],
        }
        .validate()
        .unwrap()
    }

    fn item(delivery: Delivery) -> ServiceItem {
        let fields = NewServiceItem {
            code: Some("JD-001".into()),
            name: Some("生育登记".into()),
            kind: Some(crate::service::catalog::ServiceKind::Public),
            unit_id: Some(UnitId(1)),
            window: Some("3号窗口".into()),
            legal_limit_days: Some(20),
            promised_limit_days: Some(1),
            max_visits: Some(1),
            delivery: Some(delivery),
            ..Default::default()
        }
        .validate()
        .unwrap();
        let now = at("2026-03-02", "08:00");
        fields.into_item(ServiceItemId(1), true, 1, (now, now))
    }

    fn booking(day: &str, slot: &str) -> AppointmentFields {
        NewAppointment {
            item_id: Some(ServiceItemId(1)),
            day: Some(day.into()),
            slot: Some(slot.into()),
            name: Some("王秀英".into()),
            phone: Some("139 1234 5678".into()),
        }
        .validate()
        .unwrap()
    }

    #[test]
    fn slots_are_times_in_order_without_overlap() {
        let s = slots();
        assert_eq!((s[0].label(), s[0].capacity, s[1].label()), ("09:00-10:00".into(), 6, "14:00-15:00".into()));
        let bad = NewSlots {
            slots: vec![
                NewSlot { starts: Some("9点".into()), ends: Some("10:00".into()), capacity: Some(0) },
                NewSlot { starts: Some("11:00".into()), ends: Some("10:30".into()), capacity: Some(3) },
                NewSlot { starts: Some("13:00".into()), ends: Some("14:30".into()), capacity: Some(3) },
                NewSlot { starts: Some("14:00".into()), ends: Some("15:00".into()), capacity: None },
                NewSlot { starts: Some("14:00".into()), ends: Some("15:00".into()), capacity: Some(2) },
            ],
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            bad.fields(),
            ["slots[0].starts", "slots[0].capacity", "slots[1].ends", "slots[3].capacity", "slots[4].starts"]
        );
    }

    #[test]
    fn a_booking_names_every_bad_field() {
        let ok = booking("2026-03-03", "09:00-10:00");
        assert_eq!((ok.starts.as_str(), ok.phone.as_str()), ("09:00", "13912345678"));
        let bad = NewAppointment { day: Some("2026-02-30".into()), slot: Some("上午".into()), ..Default::default() }
            .validate()
            .unwrap_err();
        assert_eq!(bad.fields(), ["item_id", "day", "slot", "name", "phone"]);
        let landline = NewAppointment { phone: Some("0579-82123456".into()), ..Default::default() }.validate();
        assert!(landline.unwrap_err().fields().contains(&"phone".to_owned()));
    }

    #[test]
    fn the_rules_of_a_booking() {
        let cal = crate::calendar::WorkCalendar::weekends_only();
        let now = at("2026-03-02", "10:30");
        let days = booking_days(&cal, now.china_date());
        assert_eq!(
            (days.len(), days[0].to_string(), days[9].to_string()),
            (10, "2026-03-02".into(), "2026-03-13".into())
        );
        let it = item(Delivery::Appointment);
        let s = slots();
        let facts = |day: &str| BookingFacts {
            item: &it,
            slots: &s,
            days_open: &days,
            working_day: cal.is_working_day(day.parse().unwrap()),
            now,
        };
        assert_eq!(check_booking(&facts("2026-03-03"), &booking("2026-03-03", "09:00")).unwrap().capacity, 6);
        // Later today is still open; the slot begun this morning is not.
        assert!(check_booking(&facts("2026-03-02"), &booking("2026-03-02", "14:00")).is_ok());
        let cases = [
            ("2026-03-02", "09:00", Rule::SlotPast, "slot"),
            ("2026-02-27", "09:00", Rule::SlotPast, "day"),
            ("2026-03-07", "09:00", Rule::DayNotWorking, "day"),
            ("2026-03-16", "09:00", Rule::BeyondBookingDays, "day"),
        ];
        for (day, slot, rule, field) in cases {
            assert_eq!(check_booking(&facts(day), &booking(day, slot)).unwrap_err(), DomainError::rule(rule, field));
        }
        let outside = check_booking(&facts("2026-03-03"), &booking("2026-03-03", "11:00")).unwrap_err();
        assert_eq!(
            outside,
            DomainError::field("slot", Issue::NotOneOf { expected: vec!["09:00-10:00".into(), "14:00-15:00".into()] })
        );
        let window = item(Delivery::Window);
        let f = BookingFacts { item: &window, ..facts("2026-03-03") };
        assert_eq!(
            check_booking(&f, &booking("2026-03-03", "09:00")).unwrap_err(),
            DomainError::rule(Rule::NotBookable, "item_id")
        );
        let none = BookingFacts { slots: &[], ..facts("2026-03-03") };
        assert_eq!(
            check_booking(&none, &booking("2026-03-03", "09:00")).unwrap_err().to_string(),
            DomainError::rule(Rule::NotBookable, "item_id").to_string()
        );
    }

    #[test]
    fn places_are_the_lowest_free_seats_and_one_open_booking_a_phone() {
        let s = &slots()[1];
        assert_eq!(check_places(s, &[], false), Ok(1));
        assert_eq!(check_places(s, &[2], false), Ok(1), "a cancelled seat is taken again");
        assert_eq!(check_places(s, &[1, 2], false), Err(DomainError::rule(Rule::SlotFull, "slot")));
        assert_eq!(check_places(s, &[], true), Err(DomainError::rule(Rule::AlreadyBooked, "phone")));
    }

    #[test]
    fn a_booking_past_its_slot_is_a_no_show_and_the_days_count_places() {
        let day: NaiveDate = "2026-03-02".parse().unwrap();
        assert_eq!(standing(Booked, day, "10:00", at("2026-03-02", "09:59")), Booked);
        assert_eq!(standing(Booked, day, "10:00", at("2026-03-02", "10:00")), NoShow);
        assert_eq!(standing(Arrived, day, "10:00", at("2026-03-03", "10:00")), Arrived);
        let open = open_days(&slots(), &[day], at("2026-03-02", "10:30"), |_, s| if s == "14:00" { 2 } else { 1 });
        let shown: Vec<(u32, bool)> = open[0].slots.iter().map(|s| (s.left, s.open)).collect();
        assert_eq!(shown, [(5, false), (0, false)]);
        assert_eq!((queue_number(1), queue_number(12)), ("A001".into(), "A012".into()));
    }

    fn facts(state: AppointmentState) -> AppointmentFacts {
        let day: NaiveDate = "2026-03-02".parse().unwrap();
        AppointmentFacts { state, day, today: day, item_name: "生育登记".into(), slot: "09:00-10:00".into() }
    }

    fn request(action: AppointmentAction) -> AppointmentRequest {
        match action {
            Arrive => AppointmentRequest::Arrive { responsible: PersonId(3) },
            Cancel => AppointmentRequest::Cancel { reason: None },
        }
    }

    #[test]
    fn every_cell_of_the_table() {
        machine::assert_every_cell::<AppointmentMachine, _>(
            &[Office, Unit, Citizen, AppointmentParty::Other],
            |s, a, p| fire(&facts(s), p, request(a)),
        );
        assert_eq!(machine::available::<AppointmentMachine>(Booked, Unit), [Arrive, Cancel]);
        assert!(machine::available::<AppointmentMachine>(NoShow, Unit).is_empty());
    }

    #[test]
    fn arrival_is_on_the_day_and_receives_a_case_and_a_cancellation_is_told() {
        let arrived = fire(&facts(Booked), Unit, request(Arrive)).unwrap();
        assert_eq!((arrived.to, arrived.receive_by, arrived.notices.len()), (Arrived, Some(PersonId(3)), 0));
        let early = AppointmentFacts { today: "2026-02-27".parse().unwrap(), ..facts(Booked) };
        assert_eq!(fire(&early, Unit, request(Arrive)).unwrap_err(), DomainError::rule(Rule::NotTheBookedDay, "id"));
        let cancelled = fire(&facts(Booked), Citizen, AppointmentRequest::Cancel { reason: Some(" 临时有事 ".into()) });
        let cancelled = cancelled.unwrap();
        assert_eq!((cancelled.to, cancelled.note.as_deref()), (Cancelled, Some("临时有事")));
        assert_eq!(
            cancelled.notices,
            [Notice::new(Recipient::Citizen, NoticeTemplate::AppointmentCancelled)
                .with("item", "生育登记")
                .with("day", "3月2日")
                .with("time", "09:00-10:00")]
        );
        let twice = fire(&facts(Cancelled), Citizen, request(Cancel)).unwrap_err();
        assert!(matches!(twice, DomainError::StateConflict { entity: Entity::Appointment, .. }), "{twice:?}");
        let used = fire(&facts(Arrived), Unit, request(Cancel)).unwrap_err();
        assert!(matches!(used, DomainError::StateConflict { .. }), "{used:?}");
    }
}
