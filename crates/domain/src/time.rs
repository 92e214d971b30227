//! Time as offices see it: China Standard Time (UTC+8, no daylight saving), dates by the
//! Shanghai wall clock.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, TimeDelta, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// UTC+8, checked when compiling: an invalid offset would fail the build, not a request.
const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

pub fn china() -> FixedOffset {
    CHINA
}

/// The instant of a China wall-clock time (a fixed offset: every local time is one instant).
pub fn from_china_local(local: NaiveDateTime) -> DateTime<Utc> {
    (local - TimeDelta::hours(8)).and_utc()
}

/// Midnight in China at the start of `day`.
pub fn start_of_china_day(day: NaiveDate) -> Timestamp {
    Timestamp::from_utc(from_china_local(day.and_time(NaiveTime::MIN)))
}

/// The calendar date in China at an instant: the date that decides deadlines and lights.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&china()).date_naive()
}

/// An instant, kept in UTC with microsecond precision (what both databases store), shown to
/// clients in RFC 3339 with the +08:00 offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    pub fn from_utc(t: DateTime<Utc>) -> Self {
        use chrono::{DurationRound, TimeDelta};
        Timestamp(t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t))
    }

    pub fn utc(self) -> DateTime<Utc> {
        self.0
    }

    pub fn china_date(self) -> NaiveDate {
        china_date(self.0)
    }

    pub fn to_rfc3339(self) -> String {
        self.0.with_timezone(&china()).to_rfc3339_opts(SecondsFormat::AutoSi, false)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|t| Timestamp::from_utc(t.with_timezone(&Utc)))
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::DateTime)))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Timestamp {}

/// Parses a calendar date as clients send it (`2026-03-31`); the caller names the field.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(crate::text::clean(s), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn china_date_turns_at_16_utc() {
        let late = Utc.with_ymd_and_hms(2026, 3, 1, 15, 59, 59).unwrap();
        let next = Utc.with_ymd_and_hms(2026, 3, 1, 16, 0, 0).unwrap();
        assert_eq!(china_date(late), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(china_date(next), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(start_of_china_day(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()).utc(), next);
    }

    #[test]
    fn timestamps_show_the_china_offset() {
        let t = Timestamp::from_utc(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap());
        assert_eq!(t.to_rfc3339(), "2026-03-01T08:00:00+08:00");
        let back: Timestamp = serde_json::from_str("\"2026-03-01T08:00:00+08:00\"").unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn dates_parse_strictly() {
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026/02/01").is_none());
        assert_eq!(parse_date(" 2026-02-01 "), NaiveDate::from_ymd_opt(2026, 2, 1));
    }
}
