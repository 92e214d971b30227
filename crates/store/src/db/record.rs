//! Rows that decode from both databases into domain types. A row is declared once with
//! [`record!`]; a field stored as a primitive but meaning a domain value names the stored type
//! after `as` and is converted where it is read — a state name into its enum, an integer into
//! its id, a time into a `Timestamp`, JSON text into what it holds — so the code above the row
//! never parses stored text.
//!
//! ```ignore
//! record! {
//!     struct CaseRow {
//!         id: CaseId as i64,
//!         state: CaseState as String,
//!         unit_id: Option<UnitId> as Option<i64>,
//!         received_at: Timestamp as DateTime<Utc>,
//!         sources: Vec<SourceKind> as Json,
//!         content: String,
//!     }
//! }
//! ```

use chrono::{DateTime, Utc};
use rectify_domain::ids::Id;
use rectify_domain::time::Timestamp;
use rectify_domain::wire::Wire;
use rusqlite::types::{FromSql, FromSqlResult, ValueRef};
use serde::de::DeserializeOwned;
use sqlx::Postgres;
use sqlx::postgres::{PgTypeInfo, PgValueRef};

/// A stored value that does not decode into its domain type (corrupt data).
#[derive(Debug, thiserror::Error)]
pub enum BadStored {
    #[error("unknown {kind} {value:?} in the database")]
    Name { kind: &'static str, value: String },
    #[error("JSON in the database that does not read: {0}")]
    Json(String),
}

/// JSON kept in a text column (a list of wire names, a snapshot in the history): a field
/// `name: T as Json` reads the text and decodes it into `T`.
pub struct Json(String);

impl sqlx::Type<Postgres> for Json {
    fn type_info() -> PgTypeInfo {
        <String as sqlx::Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <String as sqlx::Type<Postgres>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, Postgres> for Json {
    fn decode(value: PgValueRef<'r>) -> Result<Json, sqlx::error::BoxDynError> {
        <String as sqlx::Decode<'r, Postgres>>::decode(value).map(Json)
    }
}

impl FromSql for Json {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Json> {
        String::column_result(value).map(Json)
    }
}

/// A domain value read from its stored form `Raw`.
pub trait FromStored<Raw>: Sized {
    fn from_stored(raw: Raw) -> Result<Self, BadStored>;
}

impl<T: Wire> FromStored<String> for T {
    fn from_stored(raw: String) -> Result<T, BadStored> {
        T::parse(&raw).ok_or(BadStored::Name { kind: T::KIND, value: raw })
    }
}

impl<T: Wire> FromStored<Option<String>> for Option<T> {
    fn from_stored(raw: Option<String>) -> Result<Option<T>, BadStored> {
        raw.map(T::from_stored).transpose()
    }
}

impl<T: Id> FromStored<i64> for T {
    fn from_stored(raw: i64) -> Result<T, BadStored> {
        Ok(T::from_i64(raw))
    }
}

impl<T: Id> FromStored<Option<i64>> for Option<T> {
    fn from_stored(raw: Option<i64>) -> Result<Option<T>, BadStored> {
        Ok(raw.map(T::from_i64))
    }
}

impl FromStored<DateTime<Utc>> for Timestamp {
    fn from_stored(raw: DateTime<Utc>) -> Result<Timestamp, BadStored> {
        Ok(Timestamp::from_utc(raw))
    }
}

impl FromStored<Option<DateTime<Utc>>> for Option<Timestamp> {
    fn from_stored(raw: Option<DateTime<Utc>>) -> Result<Option<Timestamp>, BadStored> {
        Ok(raw.map(Timestamp::from_utc))
    }
}

impl<T: DeserializeOwned> FromStored<Json> for T {
    fn from_stored(raw: Json) -> Result<T, BadStored> {
        serde_json::from_str(&raw.0).map_err(|e| BadStored::Json(e.to_string()))
    }
}

impl<T: DeserializeOwned> FromStored<Option<Json>> for Option<T> {
    fn from_stored(raw: Option<Json>) -> Result<Option<T>, BadStored> {
        raw.map(T::from_stored).transpose()
    }
}

/// Reads one field of a row (used by [`record!`]).
#[doc(hidden)]
#[macro_export]
macro_rules! __record_field {
    (pg $row:ident, $field:ident, $ty:ty) => {
        ::sqlx::Row::try_get::<$ty, _>($row, stringify!($field))?
    };
    (pg $row:ident, $field:ident, $ty:ty, $raw:ty) => {
        <$ty as $crate::db::FromStored<$raw>>::from_stored(::sqlx::Row::try_get::<$raw, _>($row, stringify!($field))?)
            .map_err(|e| ::sqlx::Error::ColumnDecode { index: stringify!($field).into(), source: Box::new(e) })?
    };
    (sqlite $row:ident, $field:ident, $ty:ty) => {
        $row.get::<_, $ty>(stringify!($field))?
    };
    (sqlite $row:ident, $field:ident, $ty:ty, $raw:ty) => {
        <$ty as $crate::db::FromStored<$raw>>::from_stored($row.get::<_, $raw>(stringify!($field))?)
            .map_err(|e| ::rusqlite::Error::FromSqlConversionFailure(0, ::rusqlite::types::Type::Text, Box::new(e)))?
    };
}

/// Defines a row struct that decodes from both databases; `field: Type as Stored` converts a
/// stored primitive into a domain type as it is read.
macro_rules! record {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($fvis:vis $field:ident : $ty:ty $(as $raw:ty)?),* $(,)? }) => {
        $(#[$meta])*
        $vis struct $name { $($fvis $field: $ty),* }

        impl<'r> ::sqlx::FromRow<'r, ::sqlx::postgres::PgRow> for $name {
            fn from_row(row: &'r ::sqlx::postgres::PgRow) -> ::sqlx::Result<Self> {
                Ok($name { $($field: $crate::__record_field!(pg row, $field, $ty $(, $raw)?)),* })
            }
        }

        impl $crate::db::SqliteRecord for $name {
            fn from_sqlite(row: &::rusqlite::Row<'_>) -> ::rusqlite::Result<Self> {
                Ok($name { $($field: $crate::__record_field!(sqlite row, $field, $ty $(, $raw)?)),* })
            }
        }
    };
}

pub(crate) use record;
