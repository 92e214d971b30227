//! Identifiers. Stored as integers, shown to clients as opaque strings (CONTRACT: "ids are opaque
//! strings"), so clients never do arithmetic on them and we may change the scheme later.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl Id for $name {
            fn get(self) -> i64 {
                self.0
            }
            fn from_i64(v: i64) -> Self {
                $name(v)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                parse_id(s).map($name)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(IdVisitor).map($name)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some("Opaque identifier"))
                    // What `parse_id` accepts: a client treats ids as opaque, a test generator
                    // needs to know which strings can name a record at all.
                    .pattern(Some("^[1-9][0-9]{0,17}$"))
                    .examples([serde_json::json!("42")])
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    )*};
}

/// Calls `$m!` with every id type: the one list of ids (the store binds and reads them all).
#[macro_export]
macro_rules! for_each_id {
    ($m:ident) => {
        $m!(
            UnitId,
            PersonId,
            CampaignId,
            PhaseId,
            BatchId,
            ProblemId,
            MeasureId,
            ProgressId,
            AttachmentId,
            AccountId,
            TokenId,
            HistoryId,
            CaseId,
            IntakeSessionId,
            NoticeId,
            PlanId,
            RoundId,
            FindingId,
            ActionRecordId,
            ReinspectionId,
            DeductionId,
            InspectionBulletinId,
            BulletinId,
            ServiceItemId,
            ServiceCaseId,
            ServiceSampleId,
            AppointmentId,
            OnlineApplicationId,
            RatingId,
            FollowUpId,
            AppealId,
        );
    };
}

for_each_id!(id_type);

/// An id: an integer in the database, an opaque string to clients.
pub trait Id: Copy {
    fn get(self) -> i64;
    fn from_i64(v: i64) -> Self;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an id")]
pub struct InvalidId;

fn parse_id(s: &str) -> Result<i64, InvalidId> {
    let s = s.trim();
    // Only plain positive decimals: "+5", "05" or "1e3" are not ids we ever handed out.
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) || s.starts_with('0') {
        return Err(InvalidId);
    }
    s.parse().map_err(|_| InvalidId)
}

/// Accepts `"42"` and, leniently, `42`: scripts often send numbers.
struct IdVisitor;

impl serde::de::Visitor<'_> for IdVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id (a string of digits)")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<i64, E> {
        parse_id(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Str(v), &self))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v)
            .ok()
            .filter(|v| *v > 0)
            .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
        if v > 0 { Ok(v) } else { Err(E::invalid_value(serde::de::Unexpected::Signed(v), &self)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_strings() {
        let id = ProblemId(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"42\"");
        assert_eq!(serde_json::from_str::<ProblemId>("\"42\"").unwrap(), id);
        assert_eq!(serde_json::from_str::<ProblemId>("42").unwrap(), id);
    }

    #[test]
    fn junk_is_not_an_id() {
        for bad in ["\"\"", "\"abc\"", "\"-1\"", "\"007\"", "0", "-3", "\"1e3\"", "1.5"] {
            assert!(serde_json::from_str::<UnitId>(bad).is_err(), "{bad}");
        }
        assert!("12x".parse::<UnitId>().is_err());
    }
}
