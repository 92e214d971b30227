//! Window ratings (issue 20, 好差评): a citizen rates a done service case once per channel — at the
//! window's device (一次一评) or by the SMS link (一事一评) — on five levels and the standard's
//! indicators (GB/T 39734-2020); every bad rating (差评) is called back and rectified within working
//! days the office sets; the staff member rated or their unit may appeal a rating, the office
//! reviews it, and an upheld appeal takes the rating out of the figures while the record keeps it.
//!
//! `level` holds the vocabulary and the body a rating is made with, `rules` the checks that need
//! facts (a case done, rated once, a live link, one follow-up comment in time), `follow_up` and
//! `appeal` the two machines, `figures` what every count means. The store, the edge and the pages
//! follow this core (docs/ARCHITECTURE.md, "Add a new area").

pub mod appeal;
pub mod figures;
pub mod follow_up;
pub mod level;
pub mod rules;
pub mod settings;

pub use level::{Indicator, NewRating, RatingChannel, RatingFields, RatingLevel};
pub use settings::RatingSettings;

/// The official calendars shipped (2004–2026), for tests across holidays and 调休: 国庆 2026 is
/// 1–7 October, with Saturday 10 October a working day.
#[cfg(test)]
pub(crate) fn shipped_calendar() -> crate::calendar::WorkCalendar {
    use crate::calendar::{SHIPPED_CALENDAR, WorkCalendar, parse_calendar_file};
    let years = parse_calendar_file("china.json", SHIPPED_CALENDAR).unwrap();
    let days = years.iter().flat_map(|y| y.validate().unwrap());
    WorkCalendar::new(years.iter().map(|y| y.year), days.collect::<Vec<_>>())
}
