//! [`Str`]: a string of a parsed delivery, shared with the body it was read from.
//!
//! Reading a delivery is bound by allocation, not by scanning: a 100 KB booking holds thousands of short strings.
//! While [`Event`](crate::Event) parses, the body is kept in one `Arc<str>` and every longer string without escapes
//! becomes a range of it (a reference-count increment) instead of an allocation and a copy. Strings of up to 24 bytes
//! (most of them: ids, names, e-mail addresses, time zones) are held inline, with no allocation and no reference
//! count to raise and drop (not in the browser build, where they are ranges or owned). Strings with escapes, and
//! strings read any other way (e.g. `serde_json::from_str::<Booking>`), are owned as usual.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// An immutable string from a delivery. Derefs to `str`: use it like a `&str`
/// (`booking.attendees[0].email.as_deref() == Some("ada@example.com")`).
///
/// A `Str` of more than 24 bytes read from a delivery shares that delivery's body: keeping one alive (say, a long
/// booking id in a long-lived cache) keeps the whole body (up to the parse limit) in memory. Copy it out with
/// `to_string()` / `String::from` to keep only the string. Shorter strings are held inline and keep nothing alive.
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    /// `buf[start..end]`.
    Shared {
        buf: Arc<str>,
        start: u32,
        end: u32,
    },
    Owned(Box<str>),
    /// A short string, held inline (no allocation and no reference count to raise and drop: most strings of a
    /// delivery are ids, names, e-mail addresses and time zones).
    #[cfg(not(target_arch = "wasm32"))]
    Inline(compact_str::CompactString),
}

/// The longest string held inline (`CompactString` keeps up to 24 bytes without allocating).
#[cfg(not(target_arch = "wasm32"))]
const INLINE: usize = 24;

impl Str {
    /// The string.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // The range was taken from a slice of `buf`, so it is in bounds and on char boundaries.
            Repr::Shared { buf, start, end } => {
                buf.get(*start as usize..*end as usize).unwrap_or_default()
            }
            Repr::Owned(s) => s,
            #[cfg(not(target_arch = "wasm32"))]
            Repr::Inline(s) => s,
        }
    }
}

thread_local! {
    /// The body being parsed on this thread, if any.
    static SOURCE: RefCell<Option<Arc<str>>> = const { RefCell::new(None) };
}

/// Runs `parse` with `buf` as the body that borrowed strings are shared from.
pub(crate) fn sharing<R>(buf: &Arc<str>, parse: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<str>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            SOURCE.with(|s| *s.borrow_mut() = previous);
        }
    }
    let previous = SOURCE.with(|s| s.borrow_mut().replace(Arc::clone(buf)));
    let _restore = Restore(previous);
    parse()
}

/// `buf[start..end]` as a shared `Str` (`None` past 4 GiB). The range must lie on `buf`'s char boundaries.
#[inline]
pub(crate) fn shared(buf: &Arc<str>, start: usize, end: usize) -> Option<Str> {
    #[cfg(not(target_arch = "wasm32"))]
    if end - start <= INLINE {
        return Some(Str(Repr::Inline(compact_str::CompactString::new(
            buf.get(start..end)?,
        ))));
    }
    Some(Str(Repr::Shared {
        buf: Arc::clone(buf),
        start: u32::try_from(start).ok()?,
        end: u32::try_from(end).ok()?,
    }))
}

/// A `Str` for a string borrowed from the parser's input: shared when it lies in the body being parsed.
pub(crate) fn from_borrowed(s: &str) -> Str {
    SOURCE.with(|source| {
        if let Some(buf) = source.borrow().as_ref() {
            let base = buf.as_ptr() as usize;
            let at = s.as_ptr() as usize;
            if at >= base && at + s.len() <= base + buf.len() {
                let start = at - base;
                if let Some(shared) = shared(buf, start, start + s.len()) {
                    return shared;
                }
            }
        }
        Str::from(s)
    })
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Default for Str {
    fn default() -> Self {
        Str(Repr::Owned(Box::default()))
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        if s.len() <= INLINE {
            return Str(Repr::Inline(compact_str::CompactString::new(s)));
        }
        Str(Repr::Owned(s.into()))
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        if s.len() <= INLINE {
            return Str::from(s.as_str());
        }
        Str(Repr::Owned(s.into_boxed_str()))
    }
}

impl From<Str> for String {
    fn from(s: Str) -> Self {
        s.as_str().to_owned()
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == other.as_str()
    }
}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> Visitor<'de> for StrVisitor {
            type Value = Str;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Str, E> {
                Ok(from_borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str, E> {
                Ok(Str::from(v))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str, E> {
                Ok(Str::from(v))
            }
        }
        d.deserialize_str(StrVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_only_slices_of_the_current_body() {
        let long = "a string longer than twenty-four bytes";
        let body: Arc<str> = Arc::from(format!(
            r#"["{long}","esc\"aped and longer than the inline size","short"]"#
        ));
        let parsed: Vec<Str> = sharing(&body, || serde_json::from_str(&body).unwrap());
        assert_eq!(
            parsed,
            vec![
                Str::from(long),
                Str::from("esc\"aped and longer than the inline size"),
                Str::from("short")
            ]
        );
        assert!(matches!(parsed[0].0, Repr::Shared { .. }));
        assert!(matches!(parsed[1].0, Repr::Owned(_)));
        assert!(
            matches!(parsed[2].0, Repr::Inline(_)),
            "short strings are held inline"
        );
        assert_eq!(Arc::strong_count(&body), 2, "one share held by parsed[0]");
        // Outside `sharing`, and for other inputs, strings are owned.
        let text = format!(r#"["{long}"]"#);
        let other: Vec<Str> = serde_json::from_str(&text).unwrap();
        assert!(matches!(other[0].0, Repr::Owned(_)));
        let elsewhere: Vec<Str> = sharing(&body, || serde_json::from_str(&text).unwrap());
        assert!(matches!(elsewhere[0].0, Repr::Owned(_)));
        drop(parsed);
        assert_eq!(Arc::strong_count(&body), 1, "none leaked by `sharing`");
    }
}
