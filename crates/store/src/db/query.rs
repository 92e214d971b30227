//! Portable queries. SQL is written once with `$N` placeholders (PostgreSQL's syntax, which
//! sqlx's SQLite driver maps by number too) and values carry their SQL type even when NULL, so
//! the same `Q` runs on either database.

use chrono::{DateTime, NaiveDate, Utc};
use rectify_domain::time::Timestamp;
use std::borrow::Cow;
use std::fmt::Write;

/// A bound value, typed so that NULLs bind with the right type on PostgreSQL.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Bool(Option<bool>),
    Int(Option<i64>),
    Float(Option<f64>),
    Text(Option<String>),
    Date(Option<NaiveDate>),
    Time(Option<DateTime<Utc>>),
    Bytes(Option<Vec<u8>>),
}

/// Types that bind as one SQL value.
pub trait ToValue {
    fn to_value(self) -> Value;
    /// The typed NULL of this type.
    fn null() -> Value;
}

macro_rules! to_value {
    ($($t:ty => $variant:ident),* $(,)?) => {$(
        impl ToValue for $t {
            fn to_value(self) -> Value {
                Value::$variant(Some(self.into()))
            }
            fn null() -> Value {
                Value::$variant(None)
            }
        }
    )*};
}

to_value!(
    bool => Bool,
    i64 => Int,
    i32 => Int,
    u32 => Int,
    f64 => Float,
    String => Text,
    NaiveDate => Date,
    DateTime<Utc> => Time,
    Vec<u8> => Bytes,
);

impl ToValue for Timestamp {
    fn to_value(self) -> Value {
        Value::Time(Some(self.utc()))
    }
    fn null() -> Value {
        Value::Time(None)
    }
}

impl ToValue for &str {
    fn to_value(self) -> Value {
        Value::Text(Some(self.to_owned()))
    }
    fn null() -> Value {
        Value::Text(None)
    }
}

impl ToValue for &String {
    fn to_value(self) -> Value {
        Value::Text(Some(self.clone()))
    }
    fn null() -> Value {
        Value::Text(None)
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => T::null(),
        }
    }
    fn null() -> Value {
        T::null()
    }
}

macro_rules! id_to_value {
    ($($t:ident),* $(,)?) => {$(
        impl ToValue for rectify_domain::ids::$t {
            fn to_value(self) -> Value {
                Value::Int(Some(self.get()))
            }
            fn null() -> Value {
                Value::Int(None)
            }
        }
    )*};
}

rectify_domain::for_each_id!(id_to_value);

/// A query: SQL text and its values in placeholder order.
#[derive(Debug, Clone)]
pub struct Q {
    pub(crate) sql: Cow<'static, str>,
    pub(crate) args: Vec<Value>,
}

impl Q {
    pub fn new(sql: impl Into<Cow<'static, str>>) -> Q {
        Q { sql: sql.into(), args: Vec::new() }
    }

    /// Binds the next explicitly numbered placeholder (`$1`, `$2`, … in order).
    pub fn bind(mut self, v: impl ToValue) -> Q {
        self.args.push(v.to_value());
        self
    }

    /// Appends SQL text (for queries built from filters).
    pub fn push(&mut self, sql: &str) -> &mut Q {
        self.sql.to_mut().push_str(sql);
        self
    }

    /// Appends a placeholder for `v`, numbered after the values bound so far.
    pub fn push_bind(&mut self, v: impl ToValue) -> &mut Q {
        self.args.push(v.to_value());
        let n = self.args.len();
        let _ = write!(self.sql.to_mut(), "${n}");
        self
    }

    /// Appends `column IN ($a, $b, …)`, or a false condition for an empty list.
    pub fn push_in<T: ToValue>(&mut self, column: &str, values: impl IntoIterator<Item = T>) -> &mut Q {
        let mut first = true;
        for v in values {
            self.push(if first { column } else { ", " });
            if first {
                self.push(" IN (");
            }
            self.push_bind(v);
            first = false;
        }
        self.push(if first { "1 = 0" } else { ")" })
    }

    pub fn sql(&self) -> &str {
        &self.sql
    }
}

/// Appends `, column = value` (or `= NULL`) for a decided change; nothing to keep it.
pub fn set<T: ToValue>(q: &mut Q, column: &str, change: rectify_domain::patch::Change<T>) {
    use rectify_domain::patch::Change;
    match change {
        Change::Keep => {}
        Change::Clear => {
            q.push(", ").push(column).push(" = NULL");
        }
        Change::Set(v) => {
            q.push(", ").push(column).push(" = ").push_bind(v);
        }
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub fn like_pattern(needle: &str) -> String {
    let mut out = String::with_capacity(needle.len() + 2);
    out.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_themselves() {
        let mut q = Q::new("SELECT 1 FROM t WHERE a = $1").bind(5i64);
        q.push(" AND b = ").push_bind("x").push(" AND ").push_in("c", [1i64, 2]);
        assert_eq!(q.sql(), "SELECT 1 FROM t WHERE a = $1 AND b = $2 AND c IN ($3, $4)");
        assert_eq!(q.args.len(), 4);
        let mut empty = Q::new("SELECT 1 WHERE ");
        empty.push_in("c", Vec::<i64>::new());
        assert_eq!(empty.sql(), "SELECT 1 WHERE 1 = 0");
    }

    #[test]
    fn nulls_keep_their_type() {
        assert_eq!(None::<NaiveDate>.to_value(), Value::Date(None));
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
