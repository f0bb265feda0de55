//! `open_struct!`: response and delivery models that keep the fields they do not know.
//!
//! serde's `#[serde(flatten)]` would keep unknown fields too, but it buffers every field of the object before
//! deserializing it, which roughly halves parsing speed. This macro generates the visitor serde would generate
//! (keys borrowed from the input, no buffering) with one change: unknown keys go to `extra` instead of being
//! skipped. Fields marked `; lenient` (those whose type meetergo has not documented) never fail the parse: a value
//! of an unexpected type is kept in `extra` under its own key, so nothing is lost.

use chrono::{DateTime, FixedOffset};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::text::{self, Str};

/// An object key, borrowed from the input when it has no escapes.
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    pub(crate) fn into_owned(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// How a field type behaves when the key is missing, and when it is left out on serialization.
pub(crate) trait FieldValue: Sized {
    /// The value of a missing key, or `Err` when the field is required.
    fn missing() -> Result<Self, ()> {
        Err(())
    }
    /// `true` when the field is left out of the serialized object.
    fn is_absent(&self) -> bool {
        false
    }
    /// Reads the value of a present key.
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error>
    where
        Self: Deserialize<'de>,
    {
        map.next_value()
    }
}

impl<T> FieldValue for Option<T> {
    fn missing() -> Result<Self, ()> {
        Ok(None)
    }
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> FieldValue for Vec<T> {
    fn missing() -> Result<Self, ()> {
        Ok(Vec::new())
    }
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
    /// A list sent as `null` reads as empty.
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error>
    where
        Self: Deserialize<'de>,
    {
        Ok(map.next_value::<Option<Self>>()?.unwrap_or_default())
    }
}

impl FieldValue for String {}
impl FieldValue for Str {}

/// Reading a field whose type meetergo has not documented: `Err(value)` keeps a value of an unexpected type, to be
/// stored in `extra` (nothing is lost, and the parse does not fail).
pub(crate) trait Lenient: Sized {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error>;
}

/// Types checked by deserializing from the JSON value (small values: numbers, dates, rare objects).
macro_rules! lenient_via_value {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error> {
                let value: Value = map.next_value()?;
                Ok(<$t as Deserialize>::deserialize(&value).map_err(|_| value))
            }
        }
    )*};
}
lenient_via_value!(
    Option<u64>,
    Option<String>,
    Option<crate::event::Cancellation>
);

impl Lenient for Option<DateTime<FixedOffset>> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error> {
        Ok(crate::time::lenient(map.next_value()?))
    }
}

impl Lenient for Option<Map<String, Value>> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error> {
        Ok(match map.next_value::<Value>()? {
            Value::Object(m) => Ok(Some(m)),
            Value::Null => Ok(None),
            other => Err(other),
        })
    }
}

/// Strings stay shared with the body (no `Value` in between); anything else is kept as a `Value`.
impl Lenient for Option<Str> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error> {
        struct Seed;
        impl<'de> de::DeserializeSeed<'de> for Seed {
            type Value = Result<Option<Str>, Value>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
        }
        impl<'de> Visitor<'de> for Seed {
            type Value = Result<Option<Str>, Value>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Ok(Some(text::from_borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Ok(Some(Str::from(v))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Ok(Some(Str::from(v))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok(None))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Err(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Err(Value::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Err(Value::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Err(Value::from(v)))
            }
            fn visit_seq<S: de::SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
                Ok(Err(Value::deserialize(
                    de::value::SeqAccessDeserializer::new(seq),
                )?))
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                Ok(Err(Value::deserialize(
                    de::value::MapAccessDeserializer::new(map),
                )?))
            }
        }
        map.next_value_seed(Seed)
    }
}
impl FieldValue for DateTime<FixedOffset> {}

macro_rules! open_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $json:literal $(; $lenient:ident)?,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq)]
        #[non_exhaustive]
        $vis struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
            /// Fields this SDK version does not know (or, for undocumented fields, values of an unexpected type),
            /// kept verbatim and serialized back as received.
            pub extra: ::serde_json::Map<String, ::serde_json::Value>,
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut s = f.debug_struct(stringify!($name));
                $( s.field(stringify!($field), &$crate::secret::FieldDebug(&self.$field)); )*
                if !self.extra.is_empty() {
                    s.field("extra", &$crate::secret::RedactedMap(&self.extra));
                }
                s.finish()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                use $crate::open_struct::FieldValue;
                let mut map = serializer.serialize_map(None)?;
                $(
                    if !FieldValue::is_absent(&self.$field) {
                        map.serialize_entry($json, &self.$field)?;
                    }
                )*
                for (k, v) in &self.extra {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ModelVisitor;
                impl<'de> ::serde::de::Visitor<'de> for ModelVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a JSON object (", stringify!($name), ")"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        use $crate::open_struct::{FieldValue, Key};
                        $( let mut $field: Option<$ty> = None; )*
                        let mut extra = ::serde_json::Map::new();
                        while let Some(key) = map.next_key::<Key<'de>>()? {
                            match key.as_str() {
                                $(
                                    $json => {
                                        if $field.is_some() || extra.contains_key($json) {
                                            return Err(::serde::de::Error::duplicate_field($json));
                                        }
                                        open_struct!(@read $field, $ty, map, key, extra $(, $lenient)?);
                                    }
                                )*
                                _ => {
                                    let value = map.next_value::<::serde_json::Value>()?;
                                    extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok($name {
                            $(
                                $field: match $field {
                                    Some(v) => v,
                                    None => <$ty as FieldValue>::missing()
                                        .map_err(|()| ::serde::de::Error::missing_field($json))?,
                                },
                            )*
                            extra,
                        })
                    }
                }
                deserializer.deserialize_map(ModelVisitor)
            }
        }
    };
    (@read $field:ident, $ty:ty, $map:ident, $key:ident, $extra:ident) => {
        $field = Some(<$ty as FieldValue>::read(&mut $map)?);
    };
        (@read $field:ident, $ty:ty, $map:ident, $key:ident, $extra:ident, time) => {
        $field = Some(<$ty as $crate::time::TimeField>::read(&mut $map)?);
    };
    (@read $field:ident, $ty:ty, $map:ident, $key:ident, $extra:ident, lenient) => {
        match <$ty as $crate::open_struct::Lenient>::read(&mut $map)? {
            Ok(v) => $field = Some(v),
            Err(value) => {
                $extra.insert($key.into_owned(), value);
            }
        }
    };
}

pub(crate) use open_struct;
