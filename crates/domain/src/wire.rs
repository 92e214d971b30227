//! Names on the wire. Every enum the API, the database and the catalogs name is declared once
//! with [`wire_enum!`]: its variants and their wire names (JSON, SQL text, query parameters).
//! Its labels live in the message catalog under `KIND.wire_name` (`case_state.received`), so an
//! enum has one place for its name and one for its words.

#[doc(hidden)]
pub use serde as __serde;

/// An enum named on the wire by fixed words.
pub trait Wire: Sized + Copy + 'static {
    /// The catalog prefix of its labels (`case_state`).
    const KIND: &'static str;
    /// Every variant, in declaration order.
    fn all() -> &'static [Self];
    fn as_str(self) -> &'static str;
    /// The variant named `s` (its wire name or an alias).
    fn parse(s: &str) -> Option<Self>;

    /// The catalog key of its label.
    fn label_key(self) -> String {
        format!("{}.{}", Self::KIND, self.as_str())
    }

    /// Every wire name, for "must be one of" answers.
    fn names() -> Vec<String> {
        Self::all().iter().map(|v| v.as_str().to_owned()).collect()
    }
}

/// Declares an enum with its wire names: `as_str`, `parse`, `ALL`, `Display`, `FromStr`, serde
/// and (with the `openapi` feature) an OpenAPI string enum, all from one list. Aliases are
/// accepted when reading (`Complaint = "complaint" | "投诉"`) and never written.
///
/// ```
/// rectify_domain::wire_enum! {
///     /// A colour.
///     pub enum Colour: "colour" {
///         Red = "red",
///         Green = "green" | "绿",
///     }
/// }
/// assert_eq!(Colour::parse("绿"), Some(Colour::Green));
/// assert_eq!(Colour::Red.as_str(), "red");
/// ```
#[macro_export]
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $kind:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            pub const ALL: [$name; <[&str]>::len(&[$($wire),+])] = [$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $wire ),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $( $wire $(| $alias)* => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl $crate::wire::Wire for $name {
            const KIND: &'static str = $kind;
            fn all() -> &'static [Self] {
                &$name::ALL
            }
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn parse(s: &str) -> Option<Self> {
                $name::parse(s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::wire::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s).ok_or_else(|| $crate::wire::UnknownName::of::<$name>(s))
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::wire::UnknownName;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl $crate::wire::__serde::Serialize for $name {
            fn serialize<S: $crate::wire::__serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::wire::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::wire::__serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str($crate::wire::WireVisitor::<$name>::new())
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

/// One variant's name with its kind: what an error carries so the edge can word it
/// (`case_action.accept` → 受理).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WireName {
    pub kind: &'static str,
    pub name: &'static str,
}

impl WireName {
    pub fn of<T: Wire>(v: T) -> WireName {
        WireName { kind: T::KIND, name: v.as_str() }
    }

    /// The catalog key of its label.
    pub fn key(self) -> String {
        format!("{}.{}", self.kind, self.name)
    }
}

impl std::fmt::Display for WireName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// A word that names no variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownName {
    pub kind: &'static str,
    pub value: String,
}

impl UnknownName {
    pub fn of<T: Wire>(value: &str) -> Self {
        UnknownName { kind: T::KIND, value: value.to_owned() }
    }
}

/// Reads a wire name; an unknown one fails with serde's own "unknown variant" wording, which the
/// HTTP edge turns into a "must be one of" field error.
#[doc(hidden)]
pub struct WireVisitor<T>(std::marker::PhantomData<T>);

impl<T> WireVisitor<T> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        WireVisitor(std::marker::PhantomData)
    }
}

impl<T: Wire> serde::de::Visitor<'_> for WireVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a {} name", T::KIND)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        T::parse(v).ok_or_else(|| {
            let names: &'static [&'static str] = names_of::<T>();
            E::unknown_variant(v, names)
        })
    }
}

/// The wire names of `T` as a `'static` slice (serde's error wants one); built once per type.
fn names_of<T: Wire>() -> &'static [&'static str] {
    use std::any::TypeId;
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<TypeId, &'static [&'static str]>>> = OnceLock::new();
    let mut map = NAMES.get_or_init(Mutex::default).lock().unwrap_or_else(|e| e.into_inner());
    map.entry(TypeId::of::<T>())
        .or_insert_with(|| Box::leak(T::all().iter().map(|v| v.as_str()).collect::<Vec<_>>().into_boxed_slice()))
}

#[cfg(test)]
mod tests {
    use super::Wire;

    crate::wire_enum! {
        /// A test enum.
        pub enum Fruit: "fruit" {
            /// 苹果.
            Apple = "apple",
            BloodOrange = "blood_orange" | "血橙",
        }
    }

    #[test]
    fn one_list_gives_every_name() {
        assert_eq!(Fruit::ALL, [Fruit::Apple, Fruit::BloodOrange]);
        assert_eq!(Fruit::BloodOrange.as_str(), "blood_orange");
        assert_eq!(Fruit::parse("血橙"), Some(Fruit::BloodOrange));
        assert_eq!(Fruit::parse("pear"), None);
        assert_eq!(Fruit::Apple.label_key(), "fruit.apple");
        assert_eq!("apple".parse::<Fruit>(), Ok(Fruit::Apple));
        assert_eq!(Fruit::names(), ["apple", "blood_orange"]);
    }

    #[test]
    fn serde_uses_the_wire_names() {
        assert_eq!(serde_json::to_string(&Fruit::BloodOrange).unwrap(), "\"blood_orange\"");
        assert_eq!(serde_json::from_str::<Fruit>("\"血橙\"").unwrap(), Fruit::BloodOrange);
        let e = serde_json::from_str::<Fruit>("\"pear\"").unwrap_err().to_string();
        assert!(e.contains("unknown variant `pear`, expected `apple` or `blood_orange`"), "{e}");
    }
}
