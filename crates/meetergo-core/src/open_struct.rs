//! `open_struct!`: response and delivery models that keep the fields they do not know.
//!
//! serde's `#[serde(flatten)]` would keep unknown fields too, but it buffers every field of the object before
//! deserializing it, which roughly halves parsing speed. This macro generates the visitor serde would generate
//! (keys borrowed from the input, no buffering) with one change: unknown keys go to `extra` instead of being
//! skipped. Fields marked `; lenient` (those whose type meetergo has not documented) never fail the parse for a value
//! of an unexpected type: it is kept in `extra` under its own key, so nothing is lost. (Malformed JSON and a key given
//! twice in one object fail every model, lenient fields and their objects included.)

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
}

/// Reading the value of a present key.
pub(crate) trait ReadField<'de>: Sized {
    fn read<A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error>;
}

impl<T> FieldValue for Option<T> {
    fn missing() -> Result<Self, ()> {
        Ok(None)
    }
    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

impl<'de, T: Deserialize<'de>> ReadField<'de> for Option<T> {
    fn read<A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value()
    }
}

impl<T> FieldValue for Vec<T> {
    fn missing() -> Result<Self, ()> {
        Ok(Vec::new())
    }
    fn is_absent(&self) -> bool {
        self.is_empty()
    }
}

/// A list sent as `null` reads as empty; the index of a failing element is recorded in the error path.
impl<'de, T: Deserialize<'de>> ReadField<'de> for Vec<T> {
    fn read<A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value_seed(List(std::marker::PhantomData::<T>))
    }
}

/// Reads a JSON array of `T` (`null` is refused), recording the index of a failing element in the error path.
#[cfg(feature = "http")]
pub(crate) fn read_list<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    d.deserialize_seq(List(std::marker::PhantomData::<T>))
}

/// A list whose elements are read with the seed `S` (`PhantomData<T>` reads a `T`): `null` reads as empty, and the
/// index of a failing element is recorded in the error path.
struct List<S>(S);

impl<'de, S: de::DeserializeSeed<'de> + Copy> de::DeserializeSeed<'de> for List<S> {
    type Value = Vec<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: de::DeserializeSeed<'de> + Copy> Visitor<'de> for List<S> {
    type Value = Vec<S::Value>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        loop {
            match seq.next_element_seed(self.0) {
                Ok(Some(item)) => out.push(item),
                Ok(None) => return Ok(out),
                Err(e) => {
                    return Err(error_path::at(error_path::Segment::Index(out.len()), e));
                }
            }
        }
    }
}

/// Where a typed parse failed, as a JSON path (`attendees[1].email`). Segments are recorded while an error
/// travels up through the models' visitors, innermost first, and only inside [`error_path::recording`]: a
/// successful parse pays nothing, and a failed one needs no second pass.
pub(crate) mod error_path {
    use std::cell::RefCell;
    use std::fmt::Write;

    /// One step of a path.
    pub(crate) enum Segment {
        Key(&'static str),
        Index(usize),
    }

    thread_local! {
        static PATH: RefCell<Option<Vec<Segment>>> = const { RefCell::new(None) };
    }

    /// Records `segment` as the error `e` leaves it; returns `e`.
    pub(crate) fn at<E>(segment: Segment, e: E) -> E {
        record(segment);
        e
    }

    /// Not generic and not inlined: one copy, not one per field of every model.
    #[inline(never)]
    fn record(segment: Segment) {
        PATH.with_borrow_mut(|path| {
            if let Some(path) = path {
                path.push(segment);
            }
        });
    }

    /// Runs `parse` with recording on; on failure, also answers with the path (`"."` for the top level).
    pub(crate) fn recording<T, E>(parse: impl FnOnce() -> Result<T, E>) -> Result<T, (E, String)> {
        /// Puts the previous state back when dropped, also if `parse` unwinds.
        struct Restore(Option<Vec<Segment>>);
        impl Drop for Restore {
            fn drop(&mut self) {
                PATH.set(self.0.take());
            }
        }
        let _restore = Restore(PATH.replace(Some(Vec::new())));
        let result = parse();
        let segments = PATH.take().unwrap_or_default();
        result.map_err(|e| (e, render(&segments)))
    }

    /// serde_path_to_error's spelling: `a.b[2].c`, `.` when empty.
    fn render(innermost_first: &[Segment]) -> String {
        if innermost_first.is_empty() {
            return ".".into();
        }
        let mut out = String::new();
        for segment in innermost_first.iter().rev() {
            match segment {
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Segment::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        out
    }
}

impl FieldValue for String {}
impl FieldValue for Str {}
impl<'de> ReadField<'de> for String {
    fn read<A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value()
    }
}
impl<'de> ReadField<'de> for Str {
    fn read<A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value()
    }
}

/// `true` when a field's key came before (read, or kept in `extra` as a lenient field of another type). The usual
/// case (not read, `extra` empty) is decided inline; the lookup is one function rather than the same lines in every
/// field of every model (the browser build's size).
#[inline]
pub(crate) fn seen(read: bool, extra: &Map<String, Value>, key: &str) -> bool {
    read || (!extra.is_empty() && in_extra(extra, key))
}

#[inline(never)]
fn in_extra(extra: &Map<String, Value>, key: &str) -> bool {
    extra.contains_key(key)
}

/// Keeps an undocumented member in `extra`. A second `webhookType` is an error: the SDK reads the first (it finds the
/// type before the payload), `JSON.parse` and Python's `json` the last, so the event's type and its raw body would
/// disagree. Other undocumented members given twice keep the last, as every JSON reader does.
#[inline(never)]
pub(crate) fn keep_extra<E: de::Error>(
    extra: &mut Map<String, Value>,
    key: String,
    value: Value,
) -> Result<(), E> {
    if key == "webhookType" && extra.contains_key("webhookType") {
        return Err(E::duplicate_field("webhookType"));
    }
    extra.insert(key, value);
    Ok(())
}

/// Reading a field whose type meetergo has not documented: `Err(value)` keeps a value of an unexpected type, to be
/// stored in `extra` (nothing is lost, and the parse does not fail).
pub(crate) trait Lenient: Sized {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error>;
}

impl Lenient for Option<u64> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error> {
        Ok(match map.next_value::<Value>()? {
            Value::Null => Ok(None),
            other => other.as_u64().map(Some).ok_or(other),
        })
    }
}

impl Lenient for Option<String> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error> {
        Ok(match map.next_value::<Value>()? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            other => Err(other),
        })
    }
}

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
        map.next_value_seed(LenientSeed(std::marker::PhantomData))
    }
}

impl<'de> Accepts<'de> for Str {
    fn borrowed<E: de::Error>(v: &'de str) -> Result<Result<Option<Self>, Value>, E> {
        Ok(Ok(Some(text::from_borrowed(v))))
    }
    fn text<E: de::Error>(v: &str) -> Result<Result<Option<Self>, Value>, E> {
        Ok(Ok(Some(Str::from(v))))
    }
}

/// The JSON shapes a lenient field takes from the body as `T`; by default none, and every value is kept as a
/// `Value` (`null` is always "absent").
pub(crate) trait Accepts<'de>: Sized {
    fn borrowed<E: de::Error>(v: &'de str) -> Result<Result<Option<Self>, Value>, E> {
        Self::text(v)
    }
    fn text<E: de::Error>(v: &str) -> Result<Result<Option<Self>, Value>, E> {
        Ok(Err(Value::from(v)))
    }
    fn integer<E: de::Error>(n: serde_json::Number) -> Result<Result<Option<Self>, Value>, E> {
        Ok(Err(Value::Number(n)))
    }
    fn object<M: MapAccess<'de>>(map: M) -> Result<Result<Option<Self>, Value>, M::Error> {
        Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Err)
    }
}

/// Reads one lenient value of any JSON type: what `T` accepts, or the value itself.
pub(crate) struct LenientSeed<T>(std::marker::PhantomData<T>);

impl<T> LenientSeed<T> {
    pub(crate) fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<'de, T: Accepts<'de>> de::DeserializeSeed<'de> for LenientSeed<T> {
    type Value = Result<Option<T>, Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Accepts<'de>> Visitor<'de> for LenientSeed<T> {
    type Value = Result<Option<T>, Value>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        T::borrowed(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        T::text(v)
    }
    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
        T::object(map)
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
        T::integer(v.into())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::integer(v.into())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Err(Value::from(v)))
    }
    fn visit_seq<S: de::SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
        Ok(Err(Value::deserialize(
            de::value::SeqAccessDeserializer::new(seq),
        )?))
    }
}

impl FieldValue for DateTime<FixedOffset> {}

/// An id: meetergo documents ids as strings, and its live API has been seen answering integers (`"id": 1492`).
/// Either is read, and handed on as the string it spells (`"1492"`; integers in decimal, as sent). Anything else
/// (a fraction, a boolean, an object) is the wrong type. Read through [`LenientSeed`] only, strict fields included:
/// one visitor for every id (the browser build's size).
struct Id(Str);

impl Id {
    /// Not generic: one copy for every field and model.
    #[inline(never)]
    fn integer(n: serde_json::Number) -> Id {
        Id(Str::from(n.to_string().as_str()))
    }
}

impl<'de> Accepts<'de> for Id {
    fn borrowed<E: de::Error>(v: &'de str) -> Result<Result<Option<Self>, Value>, E> {
        Ok(Ok(Some(Id(text::from_borrowed(v)))))
    }
    fn text<E: de::Error>(v: &str) -> Result<Result<Option<Self>, Value>, E> {
        Ok(Ok(Some(Id(Str::from(v)))))
    }
    fn integer<E: de::Error>(n: serde_json::Number) -> Result<Result<Option<Self>, Value>, E> {
        Ok(Ok(Some(Id::integer(n))))
    }
}

/// Reading a field marked `; id`: a string or an integer (see [`Id`]); any other type fails the parse.
pub(crate) trait IdField: Sized {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error>;
}

/// An id, a `null`, or the value of another type that was found.
fn read_id<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Option<Str>, Value>, A::Error> {
    Ok(map
        .next_value_seed(LenientSeed::<Id>(std::marker::PhantomData))?
        .map(|id| id.map(|id| id.0)))
}

/// serde's "invalid type" error for a value that is not an id (a fraction, a boolean, `null` where one is required).
#[inline(never)]
fn not_an_id<E: de::Error>(value: &Value) -> E {
    use de::Unexpected;
    let unexpected = match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => Unexpected::Float(n.as_f64().unwrap_or_default()),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    };
    E::invalid_type(unexpected, &"a string or an integer id")
}

/// Reads an id strictly: a value of another type (and `null`, when `required`) fails while the value is read, so
/// that path recorders (the models' own, `serde_path_to_error`) name its field. `None` only for an optional `null`.
struct StrictId {
    required: bool,
}

impl<'de> de::DeserializeSeed<'de> for StrictId {
    type Value = Option<Str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Str>, D::Error> {
        match LenientSeed::<Id>(std::marker::PhantomData).deserialize(d)? {
            Ok(Some(id)) => Ok(Some(id.0)),
            Ok(None) if !self.required => Ok(None),
            Ok(None) => Err(not_an_id(&Value::Null)),
            Err(other) => Err(not_an_id(&other)),
        }
    }
}

/// A required id (see [`StrictId`]).
#[derive(Clone, Copy)]
struct RequiredId;

impl<'de> de::DeserializeSeed<'de> for RequiredId {
    type Value = Str;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Str, D::Error> {
        StrictId { required: true }
            .deserialize(d)
            .map(Option::unwrap_or_default)
    }
}

impl IdField for Str {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value_seed(RequiredId)
    }
}

impl IdField for String {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        <Str as IdField>::read(map).map(|id| id.as_str().to_owned())
    }
}

impl IdField for Option<Str> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value_seed(StrictId { required: false })
    }
}

/// A list of ids (`hostIds`), read as every list is.
impl IdField for Vec<Str> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value_seed(List(RequiredId))
    }
}

/// An id of an undocumented payload (`; lenient_id`): a string or an integer; a value of another type is kept in
/// `extra` (see [`Lenient`]).
pub(crate) trait LenientId: Sized {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error>;
}

impl LenientId for Option<Str> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error> {
        read_id(map)
    }
}

impl LenientId for Option<String> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error> {
        Ok(<Option<Str> as LenientId>::read(map)?.map(|id| id.map(|s| s.as_str().to_owned())))
    }
}

macro_rules! open_struct {
    // A payload model: also read by the fast reader (`event::fast`) and the lazy one (`event::lazy`).
    (fast: $($rest:tt)*) => {
        open_struct! { $($rest)* }
        open_struct! { @fast_model $($rest)* }
    };
    (
        @fast_model
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $json:literal $(; $lenient:ident)?,
            )*
        }
    ) => {
        // Not in the browser build: its size budget has no room for a second reader (see `event::fast`).
        #[cfg(not(target_arch = "wasm32"))]
        impl $crate::event::fast::FastModel for $name {
            const KEYS: &'static [&'static str] = &[$($json),*];

            fn check_model(
                p: &mut $crate::event::fast::Parser<'_>,
                top: bool,
            ) -> $crate::event::fast::R<u32> {
                open_struct!(@check_body p, top, $name { $($field : $ty = $json $(; $lenient)?,)* })
            }

            fn fast_model(
                p: &mut $crate::event::fast::Parser<'_>,
                top: bool,
            ) -> $crate::event::fast::R<Self> {
                open_struct!(@fast_body p, top, [Ok], $name { $($field : $ty = $json $(; $lenient)?,)* })
            }

            // A list's element is built where it is kept (a booking's 400 attendees are not moved into their list).
            fn fast_push(
                p: &mut $crate::event::fast::Parser<'_>,
                out: &mut Vec<Self>,
            ) -> $crate::event::fast::R<()> {
                open_struct!(@fast_body p, false, [out.push], $name { $($field : $ty = $json $(; $lenient)?,)* });
                Ok(())
            }
        }

        // The lazy reader's view of the model (`event::lazy`): a method per field, decoding it when it is read.
        #[cfg(not(target_arch = "wasm32"))]
        impl<'a> $crate::event::lazy::View<'a, $name> {
            $(
                $(#[doc = $doc])*
                pub fn $field(
                    &self,
                ) -> $crate::event::lazy::Got<
                    <$ty as $crate::event::lazy::Field<'a, open_struct!(@marker $($lenient)?)>>::Out,
                > {
                    const N: usize = $crate::event::lazy::index_of(
                        <$name as $crate::event::fast::FastModel>::KEYS,
                        $json,
                    );
                    <$ty as $crate::event::lazy::Field<'a, open_struct!(@marker $($lenient)?)>>::view(
                        self.event(),
                        self.slot(N),
                    )
                }
            )*

            /// The whole object, built (its fields and `extra`).
            pub fn model(&self) -> $crate::event::lazy::Got<$name> {
                self.build(<$name as $crate::event::fast::FastModel>::fast_model)
            }

            /// Fields this SDK version does not know (or, for undocumented fields, values of an unexpected type).
            pub fn extra(
                &self,
            ) -> $crate::event::lazy::Got<::serde_json::Map<String, ::serde_json::Value>> {
                self.model().map(|m| m.extra)
            }
        }

        #[cfg(all(not(target_arch = "wasm32"), any(test, feature = "fuzzing")))]
        impl $crate::event::lazy::assemble::AssembleModel for $name {
            fn assemble_model(
                view: &$crate::event::lazy::View<'_, Self>,
            ) -> $crate::event::lazy::Got<Self> {
                use $crate::event::lazy::assemble::Assemble;
                Ok($name {
                    $( $field: <_ as Assemble<$ty>>::assemble(view.$field()?)?, )*
                    extra: view.extra()?,
                })
            }
        }

        #[cfg(not(target_arch = "wasm32"))]
        impl<'a> $crate::event::lazy::Field<'a, $crate::event::lazy::marker::Plain> for Option<$name> {
            type Out = Option<$crate::event::lazy::View<'a, $name>>;
            fn view(event: &'a $crate::event::lazy::LazyEvent, slot: u32) -> $crate::event::lazy::Got<Self::Out> {
                Ok($crate::event::lazy::View::of(event, slot))
            }
        }

        #[cfg(not(target_arch = "wasm32"))]
        impl<'a> $crate::event::lazy::Field<'a, $crate::event::lazy::marker::Plain> for Vec<$name> {
            type Out = $crate::event::lazy::List<'a, $name>;
            fn view(event: &'a $crate::event::lazy::LazyEvent, slot: u32) -> $crate::event::lazy::Got<Self::Out> {
                Ok($crate::event::lazy::List::new(event, slot))
            }
        }

        #[cfg(not(target_arch = "wasm32"))]
        impl $crate::event::lazy::Check<$crate::event::lazy::marker::Plain> for Option<$name> {
            fn check(p: &mut $crate::event::fast::Parser<'_>) -> $crate::event::fast::R<u32> {
                if p.null()? {
                    Ok(0)
                } else {
                    <$name as $crate::event::fast::FastModel>::check_model(p, false)
                }
            }
        }

        #[cfg(not(target_arch = "wasm32"))]
        impl $crate::event::lazy::Check<$crate::event::lazy::marker::Plain> for Vec<$name> {
            fn check(p: &mut $crate::event::fast::Parser<'_>) -> $crate::event::fast::R<u32> {
                p.check_list(|p| <$name as $crate::event::fast::FastModel>::check_model(p, false))
            }
        }
    };
    (@marker) => { $crate::event::lazy::marker::Plain };
    (@marker time) => { $crate::event::lazy::marker::Time };
    (@marker id) => { $crate::event::lazy::marker::Id };
    (@marker lenient_id) => { $crate::event::lazy::marker::LenientId };
    (@marker lenient) => { $crate::event::lazy::marker::Lenient };
    // Checks a model's object as `@fast_body` reads it, building nothing: its block on the tape, a slot per field.
    (
        @check_body $p:ident, $top:expr, $name:ident {
            $( $field:ident : $ty:ty = $json:literal $(; $lenient:ident)?, )*
        }
    ) => {{
        use $crate::event::fast::{Bail, FastModel, ModelKey};
        use $crate::event::lazy::Check;
        use $crate::open_struct::FieldValue;
        const FIELDS: usize = <$name as FastModel>::KEYS.len();
        const { assert!(FIELDS <= 64, "a model's fields are tracked in a u64") };
        let block = $p.open_block(FIELDS)?;
        let mut seen = 0u64;
        let mut seen_type = false;
        let mut first = true;
        let mut hint = 0;
        $p.begin_object()?;
        while let Some(key) = $p.next_model_key(&mut first, <$name as FastModel>::KEYS, &mut hint)? {
            let at = match key {
                ModelKey::Known(at) => at,
                ModelKey::Other(key) => {
                    $p.check_extra(&key, $top, &mut seen_type)?;
                    continue;
                }
            };
            if seen & (1 << at) != 0 {
                return Err(Bail);
            }
            seen |= 1 << at;
            let mut n = 0usize;
            let mut slot = None;
            $(
                if slot.is_none() && at == n {
                    slot = Some(<$ty as Check<open_struct!(@marker $($lenient)?)>>::check($p)?);
                }
                n += 1;
            )*
            let _ = n;
            *$p.tape.get_mut(block + 1 + at).ok_or(Bail)? = slot.ok_or(Bail)?;
        }
        // Required fields.
        let mut n = 0usize;
        $(
            if seen & (1 << n) == 0 && <$ty as FieldValue>::missing().is_err() {
                return Err(Bail);
            }
            n += 1;
        )*
        let _ = n;
        u32::try_from(block + 1).map_err(|_| Bail)
    }};
    // Reads a model's object into its fields, then gives `$($finish)*($name { ... })`.
    (
        @fast_body $p:ident, $top:expr, [$($finish:tt)*], $name:ident {
            $( $field:ident : $ty:ty = $json:literal $(; $lenient:ident)?, )*
        }
    ) => {{
        use $crate::event::fast::{self, Bail, ModelKey};
        use $crate::open_struct::FieldValue;
        $( let mut $field: Option<$ty> = None; )*
        let mut extra = ::serde_json::Map::new();
        let mut seen_type = false;
        let mut first = true;
        let mut hint = 0;
        $p.begin_object()?;
        while let Some(key) = $p.next_model_key(&mut first, &[$($json),*], &mut hint)? {
            let at = match key {
                ModelKey::Known(at) => at,
                ModelKey::Other(key) if $top && key == "webhookType" => {
                    $p.top_webhook_type(&mut seen_type)?;
                    continue;
                }
                ModelKey::Other(key) => {
                    $p.keep_extra(&mut extra, key)?;
                    continue;
                }
            };
            // The fields in order: `n` is a constant in each test once compiled.
            let mut n = 0usize;
            $(
                if at == n {
                    if $crate::open_struct::seen($field.is_some(), &extra, $json) {
                        return Err(Bail);
                    }
                    open_struct!(@fast_read $field, $ty, $p, $json, extra $(, $lenient)?);
                    continue;
                }
                n += 1;
            )*
            let _ = n;
            return Err(Bail);
        }
        $($finish)*($name {
            $(
                $field: match $field {
                    Some(v) => v,
                    None => <$ty as FieldValue>::missing().map_err(|()| Bail)?,
                },
            )*
            extra,
        })
    }};
    (@fast_read $field:ident, $ty:ty, $p:ident, $key:literal, $extra:ident) => {
        $field = Some(<$ty as fast::Plain>::fast($p)?);
    };
    (@fast_read $field:ident, $ty:ty, $p:ident, $key:literal, $extra:ident, time) => {
        $field = Some(<$ty as fast::Time>::fast($p)?);
    };
    (@fast_read $field:ident, $ty:ty, $p:ident, $key:literal, $extra:ident, id) => {
        $field = Some(<$ty as fast::IdField>::fast($p)?);
    };
    (@fast_read $field:ident, $ty:ty, $p:ident, $key:literal, $extra:ident, lenient_id) => {
        match <$ty as fast::LenientId>::fast($p)? {
            Ok(v) => $field = Some(v),
            Err(value) => {
                $extra.insert($key.to_owned(), value);
            }
        }
    };
    (@fast_read $field:ident, $ty:ty, $p:ident, $key:literal, $extra:ident, lenient) => {
        match <$ty as fast::Lenient>::fast($p)? {
            Ok(v) => $field = Some(v),
            Err(value) => {
                $extra.insert($key.to_owned(), value);
            }
        }
    };
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

        impl $crate::json_out::WriteJson for $name {
            fn write_json(&self, out: &mut String) {
                out.push('{');
                $crate::json_out::Model::write_members(self, out);
                out.push('}');
            }
        }

        impl $crate::json_out::Model for $name {
            fn write_members(&self, out: &mut String) {
                $(
                    $crate::json_out::write_key($json, out);
                    $crate::json_out::WriteJson::write_json(&self.$field, out);
                    out.push(',');
                )*
                $crate::json_out::write_extra(&self.extra, out);
            }
        }

        #[cfg(feature = "describe")]
        impl $crate::describe::Describe for $name {
            const MODEL: $crate::describe::ModelInfo = $crate::describe::ModelInfo {
                name: stringify!($name),
                attributes: &[$(stringify!($meta)),*],
                fields: &[
                    $(
                        $crate::describe::FieldInfo {
                            name: stringify!($field),
                            wire: $json,
                            ty: stringify!($ty),
                            doc: concat!($($doc, "\n",)* ""),
                            marker: concat!("" $(, stringify!($lenient))?),
                        },
                    )*
                ],
            };
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
                                        if $crate::open_struct::seen($field.is_some(), &extra, $json) {
                                            return Err(::serde::de::Error::duplicate_field($json));
                                        }
                                        open_struct!(@read $field, $ty, $json, map, key, extra $(, $lenient)?);
                                    }
                                )*
                                _ => {
                                    let value = map.next_value::<::serde_json::Value>()?;
                                    $crate::open_struct::keep_extra(&mut extra, key.into_owned(), value)?;
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
    (@read $field:ident, $ty:ty, $json:literal, $map:ident, $key:ident, $extra:ident) => {
        $field = Some(<$ty as $crate::open_struct::ReadField>::read(&mut $map).map_err(|e| open_struct!(@at $json, e))?);
    };
    (@read $field:ident, $ty:ty, $json:literal, $map:ident, $key:ident, $extra:ident, time) => {
        $field = Some(<$ty as $crate::time::TimeField>::read(&mut $map).map_err(|e| open_struct!(@at $json, e))?);
    };
    (@read $field:ident, $ty:ty, $json:literal, $map:ident, $key:ident, $extra:ident, id) => {
        $field = Some(<$ty as $crate::open_struct::IdField>::read(&mut $map).map_err(|e| open_struct!(@at $json, e))?);
    };
    (@read $field:ident, $ty:ty, $json:literal, $map:ident, $key:ident, $extra:ident, lenient_id) => {
        match <$ty as $crate::open_struct::LenientId>::read(&mut $map).map_err(|e| open_struct!(@at $json, e))? {
            Ok(v) => $field = Some(v),
            Err(value) => {
                $extra.insert($key.into_owned(), value);
            }
        }
    };
    (@read $field:ident, $ty:ty, $json:literal, $map:ident, $key:ident, $extra:ident, lenient) => {
        match <$ty as $crate::open_struct::Lenient>::read(&mut $map).map_err(|e| open_struct!(@at $json, e))? {
            Ok(v) => $field = Some(v),
            Err(value) => {
                $extra.insert($key.into_owned(), value);
            }
        }
    };
    (@at $json:literal, $e:ident) => {
        $crate::open_struct::error_path::at($crate::open_struct::error_path::Segment::Key($json), $e)
    };
}

pub(crate) use open_struct;
