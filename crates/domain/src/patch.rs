//! Partial updates. A PATCH body field may be absent (keep the value), `null` (clear it) or a
//! value (set it); `Option` alone cannot tell the first two apart.

use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Change<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Change<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, Change::Keep)
    }

    /// Applies the change to an optional value.
    pub fn apply_to(self, current: Option<T>) -> Option<T> {
        match self {
            Change::Keep => current,
            Change::Clear => None,
            Change::Set(v) => Some(v),
        }
    }

    pub fn as_ref(&self) -> Change<&T> {
        match self {
            Change::Keep => Change::Keep,
            Change::Clear => Change::Clear,
            Change::Set(v) => Change::Set(v),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Change<U> {
        match self {
            Change::Keep => Change::Keep,
            Change::Clear => Change::Clear,
            Change::Set(v) => Change::Set(f(v)),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Change<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Only called when the field is present (absent fields take `#[serde(default)]`).
        Ok(match Option::<T>::deserialize(d)? {
            None => Change::Clear,
            Some(v) => Change::Set(v),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct P {
        #[serde(default)]
        a: Change<String>,
    }

    #[test]
    fn absent_null_and_value_differ() {
        assert_eq!(serde_json::from_str::<P>("{}").unwrap().a, Change::Keep);
        assert_eq!(serde_json::from_str::<P>(r#"{"a":null}"#).unwrap().a, Change::Clear);
        assert_eq!(serde_json::from_str::<P>(r#"{"a":"x"}"#).unwrap().a, Change::Set("x".into()));
    }
}
