//! The working-day calendar (工作日): weekends, public holidays and the weekend days made into
//! working days (调休). Holidays are data, loaded per year from the State Council notice by an
//! administrator. Outside the loaded years the calendar falls back to plain weekends and says so
//! (`Reckoned::approximate`) instead of guessing or failing.

use crate::error::{FieldError, Issue, Problems};
use crate::text;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One year's notice (国务院办公厅关于某年部分节假日安排的通知), as loaded by an administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    pub year: i32,
    /// Where the dates come from, e.g. 国办发明电〔2025〕7号.
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub holidays: Vec<HolidaySpan>,
    /// Weekend days that are working days (调休上班).
    #[serde(default)]
    pub workdays: Vec<MakeupDay>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HolidaySpan {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MakeupDay {
    pub name: String,
    pub date: NaiveDate,
}

crate::wire_enum! {
    /// What a single date is on the official calendar.
    pub enum DayKind: "day_kind" {
        Holiday = "holiday",
        Workday = "workday",
    }
}

/// One dated entry of a loaded notice, the unit the store keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// A result computed with the calendar, and whether any day it looked at lay outside the loaded
/// years (then weekends-only rules were used for those days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Reckoned<T> {
    pub value: T,
    pub approximate: bool,
}

/// Longest holiday span accepted; the longest official one (春节 2026) is 9 days.
const MAX_SPAN_DAYS: i64 = 31;
/// Guard against absurd arithmetic requests (~40 years of working days).
pub const MAX_WORKING_DAYS: u32 = 10_000;

impl CalendarYear {
    /// Checks a notice before it is loaded: dates near its year, spans in order and short, make-up
    /// days on weekends, no date both a holiday and a working day.
    pub fn validate(&self) -> Result<Vec<CalendarDay>, crate::DomainError> {
        let mut p = Problems::new();
        // A notice may reach into the neighbouring years (元旦 spans, 2018-12-29 on the 2019 notice).
        let window = (1949..=2200)
            .contains(&self.year)
            .then(|| (NaiveDate::from_ymd_opt(self.year - 1, 12, 1), NaiveDate::from_ymd_opt(self.year + 1, 1, 31)));
        let Some((Some(first), Some(last))) = window else {
            p.push("year", Issue::OutOfRange { min: 1949, max: 2200 });
            return p.finish(Vec::new);
        };
        if let Some(s) = &self.source {
            p.take(text::optional("source", Some(s), text::SHORT_MAX));
        }
        let in_range = |d: NaiveDate| d >= first && d <= last;
        let mut days: BTreeMap<NaiveDate, CalendarDay> = BTreeMap::new();

        for (i, h) in self.holidays.iter().enumerate() {
            let f = |name: &str| format!("holidays[{i}].{name}");
            let name = p.take(text::required(&f("name"), Some(&h.name), text::NAME_MAX));
            if !in_range(h.from) {
                p.push(f("from"), Issue::InvalidDate);
                continue;
            }
            if h.to < h.from {
                p.push(f("to"), Issue::BeforeOther { other: f("from") });
                continue;
            }
            if (h.to - h.from).num_days() >= MAX_SPAN_DAYS || !in_range(h.to) {
                p.push(f("to"), Issue::OutOfRange { min: 0, max: MAX_SPAN_DAYS });
                continue;
            }
            let Some(name) = name else { continue };
            for date in h.from.iter_days().take_while(|d| *d <= h.to) {
                days.insert(date, CalendarDay { date, kind: DayKind::Holiday, name: name.clone() });
            }
        }
        for (i, w) in self.workdays.iter().enumerate() {
            let f = |name: &str| format!("workdays[{i}].{name}");
            let name = p.take(text::required(&f("name"), Some(&w.name), text::NAME_MAX));
            if !in_range(w.date) {
                p.push(f("date"), Issue::InvalidDate);
                continue;
            }
            if !is_weekend(w.date) {
                p.push(f("date"), Issue::Malformed { expected: crate::error::Expected::Weekend });
                continue;
            }
            if days.contains_key(&w.date) {
                p.push(f("date"), Issue::Duplicate);
                continue;
            }
            let Some(name) = name else { continue };
            days.insert(w.date, CalendarDay { date: w.date, kind: DayKind::Workday, name });
        }
        p.finish(|| days.into_values().collect())
    }

    /// Rebuilds a notice from stored days (contiguous holidays of one name become one span).
    pub fn from_days(year: i32, source: Option<String>, days: &[CalendarDay]) -> Self {
        let mut holidays: Vec<HolidaySpan> = Vec::new();
        let mut workdays = Vec::new();
        for d in days {
            match d.kind {
                DayKind::Workday => workdays.push(MakeupDay { name: d.name.clone(), date: d.date }),
                DayKind::Holiday => match holidays.last_mut() {
                    Some(last) if last.name == d.name && last.to.succ_opt() == Some(d.date) => last.to = d.date,
                    _ => holidays.push(HolidaySpan { name: d.name.clone(), from: d.date, to: d.date }),
                },
            }
        }
        CalendarYear { year, source, holidays, workdays }
    }
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The working-day calendar over all loaded years.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    loaded: BTreeSet<i32>,
    overrides: BTreeMap<NaiveDate, DayKind>,
}

impl WorkCalendar {
    /// A calendar of plain weekends, with no year loaded: every answer is approximate.
    pub fn weekends_only() -> Self {
        Self::default()
    }

    pub fn new(years: impl IntoIterator<Item = i32>, days: impl IntoIterator<Item = CalendarDay>) -> Self {
        WorkCalendar {
            loaded: years.into_iter().collect(),
            overrides: days.into_iter().map(|d| (d.date, d.kind)).collect(),
        }
    }

    pub fn loaded_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.loaded.iter().copied()
    }

    /// Whether the official calendar of the date's year is loaded.
    pub fn covers(&self, d: NaiveDate) -> bool {
        self.loaded.contains(&d.year())
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.overrides.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !is_weekend(d),
        }
    }

    /// The `n`-th working day after `start`; `n = 0` is `start` itself (a same-day deadline,
    /// even on a rest day).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Reckoned<NaiveDate> {
        let n = n.min(MAX_WORKING_DAYS);
        let mut approximate = false;
        let mut day = start;
        let mut left = n;
        while left > 0 {
            let Some(next) = day.succ_opt() else {
                // The end of representable time: stop rather than panic.
                return Reckoned { value: day, approximate: true };
            };
            day = next;
            approximate |= !self.covers(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Reckoned { value: day, approximate }
    }

    /// Working days `d` with `from < d <= to` (negative when `to` is before `from`): "how many
    /// working days are left until the deadline".
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Reckoned<i64> {
        let (lo, hi, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        let mut approximate = false;
        let mut count = 0i64;
        let mut day = lo;
        while day < hi {
            let Some(next) = day.succ_opt() else { break };
            day = next;
            approximate |= !self.covers(day);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        Reckoned { value: sign * count, approximate }
    }
}

/// Reads notices from a data file: JSON (one notice or a list of them) or CSV with the columns
/// `date,kind,name` and optionally `year` (kind `holiday`/`休` or `workday`/`班`).
pub fn parse_calendar_file(name: &str, content: &str) -> Result<Vec<CalendarYear>, FieldError> {
    let content = content.trim_start_matches('\u{feff}');
    if name.to_ascii_lowercase().ends_with(".csv") {
        parse_csv(content)
    } else {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(CalendarYear),
            Many(Vec<CalendarYear>),
        }
        match serde_json::from_str::<OneOrMany>(content) {
            Ok(OneOrMany::One(y)) => Ok(vec![y]),
            Ok(OneOrMany::Many(ys)) => Ok(ys),
            Err(e) => Err(FieldError { field: "file".into(), issue: Issue::Decode { detail: e.to_string() } }),
        }
    }
}

/// A holiday file's columns: the English name and the Chinese one a file may use instead.
pub const CSV_COLUMNS: [(&str, &str); 4] = [("date", "日期"), ("kind", "类型"), ("name", "名称"), ("year", "年度")];

/// The Chinese name of a holiday file's column.
pub fn column_in_chinese(column: &str) -> Option<&'static str> {
    CSV_COLUMNS.iter().find(|(en, _)| *en == column).map(|(_, zh)| *zh)
}

fn parse_csv(content: &str) -> Result<Vec<CalendarYear>, FieldError> {
    let mut lines = content.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let bad = |row: usize, issue: Issue| FieldError { field: format!("row {}", row + 1), issue };
    let (hrow, header) = lines.next().ok_or_else(|| FieldError { field: "file".into(), issue: Issue::Required })?;
    let cols: Vec<String> = header.split(',').map(|c| text::clean(c).to_lowercase()).collect();
    // Each column by its English or Chinese name.
    let col = |name: &str| {
        let zh = column_in_chinese(name);
        cols.iter().position(|c| c == name || Some(c.as_str()) == zh)
    };
    let (Some(ci_date), Some(ci_kind), Some(ci_name)) = (col("date"), col("kind"), col("name")) else {
        let columns = ["date", "kind", "name"].map(str::to_owned).to_vec();
        return Err(bad(hrow, Issue::MissingColumns { columns }));
    };
    let ci_year = col("year");
    let mut years: BTreeMap<i32, CalendarYear> = BTreeMap::new();
    for (row, line) in lines {
        let cells: Vec<&str> = line.split(',').map(text::clean).collect();
        let cell = |i: usize| cells.get(i).copied().unwrap_or("");
        let date = crate::time::parse_date(cell(ci_date)).ok_or_else(|| bad(row, Issue::InvalidDate))?;
        let year = match ci_year.map(cell) {
            Some(y) if !y.is_empty() => {
                y.parse().map_err(|_| bad(row, Issue::Malformed { expected: crate::Expected::WholeNumber }))?
            }
            _ => date.year(),
        };
        let name = cell(ci_name).to_owned();
        let entry = years.entry(year).or_insert_with(|| CalendarYear {
            year,
            source: None,
            holidays: vec![],
            workdays: vec![],
        });
        match cell(ci_kind).to_lowercase().as_str() {
            "holiday" | "休" | "假" => entry.holidays.push(HolidaySpan { name, from: date, to: date }),
            "workday" | "班" => entry.workdays.push(MakeupDay { name, date }),
            _ => {
                let expected = ["holiday", "workday", "休", "班"].map(str::to_owned).to_vec();
                return Err(bad(row, Issue::NotOneOf { expected }));
            }
        }
    }
    Ok(years.into_values().collect())
}

/// The official calendars shipped with Rectify (2004–2026), loaded on first start.
pub const SHIPPED_CALENDAR: &str = include_str!("../../../data/calendar/china.json");

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) fn shipped() -> WorkCalendar {
        let years = parse_calendar_file("china.json", SHIPPED_CALENDAR).unwrap();
        let mut all_days = Vec::new();
        let mut loaded = Vec::new();
        for y in &years {
            all_days.extend(y.validate().unwrap());
            loaded.push(y.year);
        }
        WorkCalendar::new(loaded, all_days)
    }

    #[test]
    fn shipped_calendar_matches_the_2026_notice() {
        let cal = shipped();
        // 春节 Feb 15–23 off, with Saturday Feb 14 and Saturday Feb 28 worked.
        assert!(cal.is_working_day(d(2026, 2, 14)));
        for day in 15..=23 {
            assert!(!cal.is_working_day(d(2026, 2, day)), "Feb {day}");
        }
        assert!(cal.is_working_day(d(2026, 2, 28)));
        // 国庆 make-up days Sunday Sep 20 and Saturday Oct 10.
        assert!(cal.is_working_day(d(2026, 9, 20)));
        assert!(cal.is_working_day(d(2026, 10, 10)));
        assert!(!cal.is_working_day(d(2026, 10, 7)));
    }

    #[test]
    fn shipped_calendar_agrees_with_chinese_holiday_crate() {
        let cal = shipped();
        // The crate's data is correct for 2004–2026 but asserts outside it; stop at Dec 25.
        let mut day = d(2004, 1, 1);
        while day <= d(2026, 12, 25) {
            let theirs = chinese_holiday::chinese_holiday(&day).is_workday();
            assert_eq!(cal.is_working_day(day), theirs, "{day}");
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn arithmetic_across_the_spring_festival() {
        let cal = shipped();
        // Friday Feb 13 2026 + 1 working day: Saturday Feb 14 is a make-up working day.
        assert_eq!(cal.add_working_days(d(2026, 2, 13), 1).value, d(2026, 2, 14));
        // + 2: the holiday runs to Monday Feb 23, so Tuesday Feb 24.
        assert_eq!(cal.add_working_days(d(2026, 2, 13), 2).value, d(2026, 2, 24));
        let r = cal.working_days_between(d(2026, 2, 13), d(2026, 2, 24));
        assert_eq!(r, Reckoned { value: 2, approximate: false });
        assert_eq!(cal.add_working_days(d(2026, 2, 13), 0).value, d(2026, 2, 13));
    }

    #[test]
    fn outside_loaded_years_falls_back_to_weekends_and_says_so() {
        let cal = shipped();
        // Thursday 2027-12-30 + 2 → Monday 2028-01-03 (weekends only; 元旦 2028 not loaded).
        let r = cal.add_working_days(d(2027, 12, 30), 2);
        assert_eq!(r, Reckoned { value: d(2028, 1, 3), approximate: true });
        let r = cal.add_working_days(d(2026, 12, 30), 1);
        assert_eq!(r.value, d(2026, 12, 31));
        assert!(!r.approximate);
        // The far ends of time do not panic.
        let _ = cal.add_working_days(NaiveDate::MAX, 5);
        let _ = cal.working_days_between(NaiveDate::MIN, NaiveDate::MIN);
    }

    #[test]
    fn notices_are_validated() {
        let bad = CalendarYear {
            year: 2027,
            source: None,
            holidays: vec![HolidaySpan { name: "".into(), from: d(2027, 2, 10), to: d(2027, 2, 9) }],
            workdays: vec![MakeupDay { name: "春节".into(), date: d(2027, 2, 3) }],
        };
        let crate::DomainError::Invalid(errors) = bad.validate().unwrap_err() else { panic!() };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["holidays[0].name", "holidays[0].to", "workdays[0].date"]);
    }

    #[test]
    fn notices_round_trip_through_days() {
        for y in parse_calendar_file("china.json", SHIPPED_CALENDAR).unwrap() {
            let days = y.validate().unwrap();
            let back = CalendarYear::from_days(y.year, y.source.clone(), &days);
            assert_eq!(back.validate().unwrap(), days);
        }
    }

    #[test]
    fn csv_files_load() {
        let csv = "\u{feff}date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06, 班 ,春节\n";
        let years = parse_calendar_file("c.csv", csv).unwrap();
        assert_eq!(years.len(), 1);
        let days = years[0].validate().unwrap();
        assert_eq!(days.len(), 2);
        assert!(parse_calendar_file("c.csv", "date,kind,name\n2027-13-01,holiday,x\n").is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        // 2020–2030: loaded and unloaded years, both sides of the shipped data.
        (0i64..4018).prop_map(|o| NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(o as u64))
    }

    proptest! {
        #[test]
        fn nth_working_day_is_a_working_day(start in any_date(), n in 1u32..400) {
            let cal = tests::shipped();
            let due = cal.add_working_days(start, n).value;
            prop_assert!(due > start);
            prop_assert!(cal.is_working_day(due));
        }

        #[test]
        fn counting_undoes_adding(start in any_date(), n in 0u32..400) {
            let cal = tests::shipped();
            let due = cal.add_working_days(start, n).value;
            prop_assert_eq!(cal.working_days_between(start, due).value, i64::from(n));
            prop_assert_eq!(cal.working_days_between(due, start).value, -i64::from(n));
        }

        #[test]
        fn adding_is_monotonic(start in any_date(), n in 0u32..400) {
            let cal = tests::shipped();
            prop_assert!(cal.add_working_days(start, n + 1).value > cal.add_working_days(start, n).value);
        }

        #[test]
        fn adding_splits(start in any_date(), a in 0u32..200, b in 0u32..200) {
            let cal = tests::shipped();
            let once = cal.add_working_days(start, a + b).value;
            let twice = cal.add_working_days(cal.add_working_days(start, a).value, b).value;
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn approximate_exactly_when_an_unloaded_year_is_crossed(start in any_date(), n in 1u32..400) {
            let cal = tests::shipped();
            let r = cal.add_working_days(start, n);
            let crosses = start.iter_days().skip(1).take_while(|d| *d <= r.value).any(|d| !cal.covers(d));
            prop_assert_eq!(r.approximate, crosses);
        }

        #[test]
        fn weekends_only_matches_plain_weekday_counting(start in any_date(), n in 0u32..100) {
            let cal = WorkCalendar::weekends_only();
            let due = cal.add_working_days(start, n).value;
            let weekdays = start.iter_days().skip(1).take_while(|d| *d <= due).filter(|d| !is_weekend(*d)).count();
            prop_assert_eq!(weekdays as u32, n);
        }
    }
}
