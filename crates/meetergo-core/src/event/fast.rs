//! The fast reader: one pass over the body's bytes straight into the payload models, with no serde machinery in
//! between (no visitors, no per-string thread-local lookups, no path recording).
//!
//! It only ever *accepts*. Anything it does not read exactly as the reference reader (`parse.rs`, serde_json and
//! the models' serde visitors) would — any error, the older envelope, `webhookType` that is not the first member,
//! escapes it cannot decode, numbers other than plain integers in typed fields, deep nesting — makes it give up
//! ([`Bail`]), and the reference reader reads the body instead and says precisely what is wrong. So errors are the
//! reference reader's by construction, and a body the fast reader accepts gives the same [`Event`] the reference
//! reader would (held to it by a property test and a fuzz target).

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

use super::{Booking, Event, FormSubmission, NewEmployee};
use crate::event_type::EventType;
use crate::secret::Secret;
use crate::text::Str;

/// The fast reader gave up: the reference reader decides.
#[derive(Debug)]
pub(crate) struct Bail;

pub(crate) type R<T> = Result<T, Bail>;

/// Deeper than this, the reference reader decides (serde_json's own limit is 128).
pub(crate) const MAX_DEPTH: u32 = 100;

/// A key of a model's object: one of its fields (by position), or another member.
pub(crate) enum ModelKey<'a> {
    Known(usize),
    Other(Cow<'a, str>),
}

/// A cursor over the body being read.
pub(crate) struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    buf: &'a Arc<str>,
    pub(crate) i: usize,
    pub(crate) depth: u32,
    /// Deeper than this gives up.
    pub(crate) limit: u32,
    /// The checker's tape (`event::lazy`): a block of slots per model object, a table per list.
    pub(crate) tape: Vec<u32>,
    /// The slots of the elements of the lists being checked, until each list's table is written.
    pub(crate) items: Vec<u32>,
    /// The body is the flat form of an event the reference reader built (`event::lazy`): serde_json's private tokens
    /// in it are plain keys, and its fractions and exponents are serde_json's shortest writing of a float, which is
    /// read exactly (serde_json's own fast reader may be a unit in the last place off: the value would change).
    pub(crate) flat: bool,
}

impl<'a> Parser<'a> {
    /// A cursor at byte `i` of `raw`.
    pub(crate) fn at(raw: &'a Arc<str>, i: usize, limit: u32) -> Self {
        Parser {
            src: raw,
            b: raw.as_bytes(),
            buf: raw,
            i,
            depth: 0,
            limit,
            tape: Vec::new(),
            items: Vec::new(),
            flat: false,
        }
    }
}

/// The type named by the first member of a flat delivery, `None` when that member is not a non-blank `webhookType`.
pub(crate) fn first_type(p: &mut Parser<'_>) -> Option<EventType> {
    let type_name = p.first_webhook_type().ok()?;
    if type_name.trim().is_empty() {
        return None;
    }
    p.i = 0;
    p.depth = 0;
    Some(EventType::from(type_name))
}

/// Reads a flat delivery whose first member is `webhookType`; `None` when the reference reader must decide.
pub(super) fn parse(raw: &Arc<str>) -> Option<Event> {
    let mut p = Parser::at(raw, 0, MAX_DEPTH);
    let webhook_type = first_type(&mut p)?;
    let data = super::parse::dispatch(
        &webhook_type,
        &mut p,
        |p| Booking::fast_model(p, true),
        |p| NewEmployee::fast_model(p, true),
        |p| FormSubmission::fast_model(p, true),
        Parser::unknown_body,
    )
    .ok()?;
    p.end().ok()?;
    Some(Event::assemble(webhook_type, data, raw.clone(), false))
}

/// Where the first byte that ends a run of plain string bytes stands: `"`, `\` or a control character.
#[inline]
fn plain_run(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let quote = w ^ (ONES * u64::from(b'"'));
        let slash = w ^ (ONES * u64::from(b'\\'));
        // A byte is flagged when it is zero (quote, backslash) or below 0x20; borrows only ever flag bytes above a
        // truly flagged one, so the lowest flag is exact.
        let found = ((quote.wrapping_sub(ONES) & !quote)
            | (slash.wrapping_sub(ONES) & !slash)
            | (w.wrapping_sub(ONES * 0x20) & !w))
            & HIGH;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

fn hex4(b: &[u8]) -> R<u32> {
    let mut n = 0;
    for &c in b.get(..4).ok_or(Bail)? {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return Err(Bail),
        };
        n = n * 16 + u32::from(d);
    }
    Ok(n)
}

impl<'a> Parser<'a> {
    #[inline]
    pub(crate) fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// The next byte after whitespace (not consumed).
    #[inline]
    pub(crate) fn peek(&mut self) -> R<u8> {
        self.ws();
        self.b.get(self.i).copied().ok_or(Bail)
    }

    #[inline]
    fn eat(&mut self, c: u8) -> R<()> {
        if self.peek()? == c {
            self.i += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    pub(crate) fn literal(&mut self, word: &[u8]) -> R<()> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Consumes a `null` if one comes next.
    #[inline]
    pub(crate) fn null(&mut self) -> R<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Only whitespace may follow the body.
    pub(crate) fn end(&mut self) -> R<()> {
        self.ws();
        if self.i == self.b.len() {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// A string's contents: its range in the body, and whether it holds escapes.
    #[inline]
    pub(crate) fn raw_string(&mut self) -> R<(usize, usize, bool)> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            let at = plain_run(self.b, self.i);
            match self.b.get(at) {
                Some(b'"') => {
                    self.i = at + 1;
                    return Ok((start, at, escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    // The escape is checked when decoded; here it is only stepped over.
                    self.i = at + 2;
                }
                _ => return Err(Bail),
            }
        }
    }

    /// Decodes the escapes of `start..end` (a string's contents) as serde_json does; lone surrogates give up.
    pub(crate) fn unescape(&self, start: usize, end: usize) -> R<String> {
        let b = &self.b[start..end];
        let mut out = String::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let run = plain_run(b, i);
            out.push_str(self.src.get(start + i..start + run).ok_or(Bail)?);
            if run == b.len() {
                break;
            }
            // `plain_run` stopped at a backslash (quotes and control characters end `raw_string` first).
            let c = match b.get(run + 1).ok_or(Bail)? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let high = hex4(&b[run + 2..])?;
                    i = run + 6;
                    let code = match high {
                        0xD800..=0xDBFF => {
                            if b.get(i..i + 2) != Some(b"\\u") {
                                return Err(Bail);
                            }
                            let low = hex4(&b[i + 2..])?;
                            if !(0xDC00..=0xDFFF).contains(&low) {
                                return Err(Bail);
                            }
                            i += 6;
                            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        }
                        0xDC00..=0xDFFF => return Err(Bail),
                        n => n,
                    };
                    out.push(char::from_u32(code).ok_or(Bail)?);
                    continue;
                }
                _ => return Err(Bail),
            };
            out.push(c);
            i = run + 2;
        }
        Ok(out)
    }

    /// A string shared with the body (copied only when it has escapes).
    #[inline]
    pub(crate) fn string(&mut self) -> R<Str> {
        let (start, end, escaped) = self.raw_string()?;
        if escaped {
            return Ok(Str::from(self.unescape(start, end)?));
        }
        Ok(crate::text::shared(self.buf, start, end)
            .unwrap_or_else(|| Str::from(&self.src[start..end])))
    }

    /// A string as text: borrowed from the body when it has no escapes.
    fn text(&mut self) -> R<Cow<'a, str>> {
        let (start, end, escaped) = self.raw_string()?;
        if escaped {
            Ok(Cow::Owned(self.unescape(start, end)?))
        } else {
            Ok(Cow::Borrowed(&self.src[start..end]))
        }
    }

    fn enter(&mut self, open: u8) -> R<()> {
        self.eat(open)?;
        self.depth += 1;
        if self.depth > self.limit {
            return Err(Bail);
        }
        Ok(())
    }

    /// Starts reading an object.
    #[inline]
    pub(crate) fn begin_object(&mut self) -> R<()> {
        self.enter(b'{')
    }

    /// Steps over the `,` before an object's member or an array's element; `false` after the `close` that ends it.
    #[inline]
    fn next_item(&mut self, first: &mut bool, close: u8) -> R<bool> {
        let c = self.peek()?;
        if c == close {
            self.i += 1;
            self.depth -= 1;
            return Ok(false);
        }
        if !std::mem::take(first) {
            if c != b',' {
                return Err(Bail);
            }
            self.i += 1;
            self.ws();
        }
        Ok(true)
    }

    /// The next key of an object (`None` after its `}`); `first` is `true` before the first.
    #[inline]
    pub(crate) fn next_key(&mut self, first: &mut bool) -> R<Option<Cow<'a, str>>> {
        if !self.next_item(first, b'}')? {
            return Ok(None);
        }
        let key = self.text()?;
        self.eat(b':')?;
        Ok(Some(key))
    }

    /// [`Parser::next_key`] for a model whose keys are `keys`: senders write a model's members in one order, so the
    /// key after the one at `hint - 1` is compared first, in place, without scanning or decoding it.
    #[inline]
    pub(crate) fn next_model_key(
        &mut self,
        first: &mut bool,
        keys: &[&str],
        hint: &mut usize,
    ) -> R<Option<ModelKey<'a>>> {
        if !self.next_item(first, b'}')? {
            return Ok(None);
        }
        if let Some(expected) = keys.get(*hint) {
            let at = self.i + 1;
            let end = at + expected.len();
            if self.b.get(self.i) == Some(&b'"')
                && self.b.get(end) == Some(&b'"')
                && self.b[at..end]
                    .iter()
                    .zip(expected.bytes())
                    .all(|(a, b)| *a == b)
            {
                self.i = end + 1;
                let known = *hint;
                *hint += 1;
                self.eat(b':')?;
                return Ok(Some(ModelKey::Known(known)));
            }
        }
        let key = self.text()?;
        self.eat(b':')?;
        Ok(Some(match keys.iter().position(|k| *k == key) {
            Some(at) => {
                *hint = at + 1;
                ModelKey::Known(at)
            }
            None => ModelKey::Other(key),
        }))
    }

    /// Starts reading an array.
    pub(crate) fn begin_array(&mut self) -> R<()> {
        self.enter(b'[')
    }

    /// `true` when another element follows (its value is next); `false` after the `]`.
    pub(crate) fn next_element(&mut self, first: &mut bool) -> R<bool> {
        self.next_item(first, b']')
    }

    /// A JSON array of `T`, `null` read as empty.
    pub(crate) fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> R<T>) -> R<Vec<T>> {
        self.list_into(|p, out| {
            out.push(item(p)?);
            Ok(())
        })
    }

    /// [`Parser::list`] whose `push` reads an element straight into the list.
    pub(crate) fn list_into<T>(
        &mut self,
        mut push: impl FnMut(&mut Self, &mut Vec<T>) -> R<()>,
    ) -> R<Vec<T>> {
        if self.null()? {
            return Ok(Vec::new());
        }
        self.begin_array()?;
        let mut out = Vec::new();
        let mut first = true;
        while self.next_element(&mut first)? {
            let from = self.i;
            push(self, &mut out)?;
            if out.len() == 1 {
                // As many more as the rest of the body could hold, if they are as long as the first (at most 4,096):
                // a long list is then built without being copied as it grows.
                let each = (self.i - from).max(16);
                out.reserve(((self.b.len() - self.i) / each).min(4096));
            }
        }
        // A list sized for far more than it holds (a short list before a long rest of the body) gives the room back
        // before the rest is read. A small excess is kept: giving it back costs a copy (measured: 10–25 % of the
        // 100 KB parse).
        if out.capacity() > 2 * out.len() + 16 {
            out.shrink_to_fit();
        }
        Ok(out)
    }

    /// A number's text, checked against JSON's grammar.
    fn number_text(&mut self) -> R<(&'a str, bool)> {
        self.ws();
        let start = self.i;
        let b = self.b;
        let digits = |i: &mut usize| {
            let from = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > from
        };
        let mut i = self.i;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return Err(Bail),
        }
        let mut integer = true;
        if b.get(i) == Some(&b'.') {
            i += 1;
            integer = false;
            if !digits(&mut i) {
                return Err(Bail);
            }
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1;
            integer = false;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            if !digits(&mut i) {
                return Err(Bail);
            }
        }
        self.i = i;
        Ok((&self.src[start..i], integer))
    }

    /// A number as serde_json reads it: plain integers here, anything else by serde_json itself.
    pub(crate) fn number(&mut self) -> R<serde_json::Number> {
        let (text, integer) = self.number_text()?;
        if integer && text.len() <= 18 && text != "-0" {
            return Ok(match text.strip_prefix('-') {
                Some(digits) => serde_json::Number::from(-digits.parse::<i64>().map_err(|_| Bail)?),
                None => serde_json::Number::from(text.parse::<u64>().map_err(|_| Bail)?),
            });
        }
        if self.flat && !integer {
            return crate::num::parse_f64(text)
                .and_then(serde_json::Number::from_f64)
                .ok_or(Bail);
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Number(n)) => Ok(n),
            _ => Err(Bail),
        }
    }

    /// Any JSON value, built as serde_json builds a [`Value`].
    pub(crate) fn value(&mut self) -> R<Value> {
        Ok(match self.peek()? {
            b'"' => Value::String(self.text()?.into_owned()),
            b'{' => {
                self.begin_object()?;
                // Collected, then built at once: a map of hundreds of members (`metadata`) is built in one pass
                // from the sorted members instead of by as many inserts. A key given twice keeps its last value,
                // as `insert` would.
                let mut members = Vec::new();
                let mut first = true;
                while let Some(key) = self.next_key(&mut first)? {
                    // serde_json reads an object whose first key is one of its private tokens
                    // (`$serde_json::private::RawValue` with its `raw_value` feature) as the value that token
                    // holds, not as an object: the reference reader decides.
                    if !self.flat && key.starts_with("$serde_json::private::") {
                        return Err(Bail);
                    }
                    let value = self.value()?;
                    members.push((key.into_owned(), value));
                }
                Value::Object(members.into_iter().collect())
            }
            b'[' => {
                self.begin_array()?;
                let mut items = Vec::new();
                let mut first = true;
                while self.next_element(&mut first)? {
                    items.push(self.value()?);
                }
                Value::Array(items)
            }
            b't' => {
                self.literal(b"true")?;
                Value::Bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                Value::Bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                Value::Null
            }
            _ => Value::Number(self.number()?),
        })
    }

    /// Steps over any JSON value, accepting exactly what [`Parser::value`] accepts, and builds nothing.
    pub(crate) fn skip_value(&mut self) -> R<()> {
        match self.peek()? {
            b'"' => self.check_string(),
            b'{' => {
                self.begin_object()?;
                let mut first = true;
                while let Some(key) = self.next_key(&mut first)? {
                    if !self.flat && key.starts_with("$serde_json::private::") {
                        return Err(Bail);
                    }
                    self.skip_value()?;
                }
                Ok(())
            }
            b'[' => {
                self.begin_array()?;
                let mut first = true;
                while self.next_element(&mut first)? {
                    self.skip_value()?;
                }
                Ok(())
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number().map(|_| ()),
        }
    }

    /// Steps over a string whose escapes [`Parser::string`] would decode.
    #[inline]
    pub(crate) fn check_string(&mut self) -> R<()> {
        let (start, end, escaped) = self.raw_string()?;
        if escaped {
            self.unescape(start, end)?;
        }
        Ok(())
    }

    /// An undocumented member, kept in `extra` (a second `webhookType` gives up, as `keep_extra` refuses it).
    #[inline(never)]
    pub(crate) fn keep_extra(
        &mut self,
        extra: &mut Map<String, Value>,
        key: Cow<'_, str>,
    ) -> R<()> {
        let value = self.value()?;
        if key == "webhookType" && extra.contains_key("webhookType") {
            return Err(Bail);
        }
        extra.insert(key.into_owned(), value);
        Ok(())
    }

    /// The top-level model's own `webhookType`: the event's type, not a payload field. It is read (it was read as
    /// the type before) and not kept; a second one gives up.
    #[inline(never)]
    pub(crate) fn top_webhook_type(&mut self, seen: &mut bool) -> R<()> {
        if std::mem::replace(seen, true) {
            return Err(Bail);
        }
        self.raw_string().map(|_| ())
    }

    /// `webhookType`, when it is the body's first member and a string.
    pub(crate) fn first_webhook_type(&mut self) -> R<String> {
        self.begin_object()?;
        let mut first = true;
        match self.next_key(&mut first)? {
            Some(key) if key == "webhookType" => Ok(self.text()?.into_owned()),
            _ => Err(Bail),
        }
    }

    /// The body of an event the SDK does not model: every member but `webhookType`.
    fn unknown_body(&mut self) -> R<Map<String, Value>> {
        self.begin_object()?;
        let mut body = Map::new();
        let mut first = true;
        let mut seen_type = false;
        while let Some(key) = self.next_key(&mut first)? {
            if key == "webhookType" {
                self.top_webhook_type(&mut seen_type)?;
            } else {
                self.keep_extra(&mut body, key)?;
            }
        }
        Ok(body)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// How each kind of field is read (the `; marker` of `open_struct!`), mirroring the serde readers of `open_struct.rs`.

/// A payload model (`open_struct! { fast: ... }`).
pub(crate) trait FastModel: Sized {
    /// The fields' wire names, in order.
    const KEYS: &'static [&'static str];
    /// Checks the model's object as [`FastModel::fast_model`] reads it, building nothing: writes its block to the
    /// tape (`event::lazy`) and gives its slot (the block's index + 1).
    fn check_model(p: &mut Parser<'_>, top: bool) -> R<u32>;
    /// Reads the model's object; `top` for the body's own object (whose `webhookType` is the event's).
    fn fast_model(p: &mut Parser<'_>, top: bool) -> R<Self>;
    /// Reads the model's object (not the body's own) straight onto the end of `out`.
    fn fast_push(p: &mut Parser<'_>, out: &mut Vec<Self>) -> R<()>;
}

/// A value that is not `null` (strings, booleans, secrets, models).
pub(crate) trait FastValue: Sized {
    fn fast_value(p: &mut Parser<'_>) -> R<Self>;
    /// Reads a value onto the end of `out` (a model is built in place, not moved there).
    #[inline]
    fn fast_push(p: &mut Parser<'_>, out: &mut Vec<Self>) -> R<()> {
        out.push(Self::fast_value(p)?);
        Ok(())
    }
}

impl FastValue for Str {
    #[inline]
    fn fast_value(p: &mut Parser<'_>) -> R<Self> {
        p.string()
    }
}

impl FastValue for bool {
    fn fast_value(p: &mut Parser<'_>) -> R<Self> {
        match p.peek()? {
            b't' => p.literal(b"true").map(|()| true),
            b'f' => p.literal(b"false").map(|()| false),
            _ => Err(Bail),
        }
    }
}

impl FastValue for Secret {
    fn fast_value(p: &mut Parser<'_>) -> R<Self> {
        p.text().map(|s| Secret::new(s.into_owned()))
    }
}

impl<T: FastModel> FastValue for T {
    #[inline]
    fn fast_value(p: &mut Parser<'_>) -> R<Self> {
        T::fast_model(p, false)
    }
    #[inline]
    fn fast_push(p: &mut Parser<'_>, out: &mut Vec<Self>) -> R<()> {
        T::fast_push(p, out)
    }
}

/// A field without a marker: `Option<T>` (`null` is `None`) or `Vec<T>` (`null` is empty).
pub(crate) trait Plain: Sized {
    fn fast(p: &mut Parser<'_>) -> R<Self>;
}

impl<T: FastValue> Plain for Option<T> {
    #[inline]
    fn fast(p: &mut Parser<'_>) -> R<Self> {
        if p.null()? {
            Ok(None)
        } else {
            T::fast_value(p).map(Some)
        }
    }
}

impl<T: FastValue> Plain for Vec<T> {
    fn fast(p: &mut Parser<'_>) -> R<Self> {
        p.list_into(T::fast_push)
    }
}

/// `; time`: an RFC 3339 string.
pub(crate) trait Time: Sized {
    fn fast(p: &mut Parser<'_>) -> R<Self>;
}

fn time(p: &mut Parser<'_>) -> R<DateTime<FixedOffset>> {
    crate::time::parse(&p.text()?).map_err(|_| Bail)
}

impl Time for DateTime<FixedOffset> {
    fn fast(p: &mut Parser<'_>) -> R<Self> {
        time(p)
    }
}

impl Time for Option<DateTime<FixedOffset>> {
    fn fast(p: &mut Parser<'_>) -> R<Self> {
        if p.null()? {
            Ok(None)
        } else {
            time(p).map(Some)
        }
    }
}

/// An id: a string, or an integer as the decimal string serde_json's `Number` writes. `Err(value)`: another type.
fn id(p: &mut Parser<'_>) -> R<Result<Option<Str>, Value>> {
    match p.peek()? {
        b'"' => p.string().map(|s| Ok(Some(s))),
        b'n' => p.literal(b"null").map(|()| Ok(None)),
        b'-' | b'0'..=b'9' => {
            let n = p.number()?;
            Ok(if n.is_i64() || n.is_u64() {
                Ok(Some(Str::from(n.to_string())))
            } else {
                Err(Value::Number(n))
            })
        }
        _ => p.value().map(Err),
    }
}

/// `; id`: a string or an integer; anything else (and `null` where required) gives up.
pub(crate) trait IdField: Sized {
    fn fast(p: &mut Parser<'_>) -> R<Self>;
}

fn required_id(p: &mut Parser<'_>) -> R<Str> {
    match id(p)? {
        Ok(Some(s)) => Ok(s),
        _ => Err(Bail),
    }
}

impl IdField for Str {
    fn fast(p: &mut Parser<'_>) -> R<Self> {
        required_id(p)
    }
}

impl IdField for Option<Str> {
    fn fast(p: &mut Parser<'_>) -> R<Self> {
        id(p)?.map_err(|_| Bail)
    }
}

impl IdField for Vec<Str> {
    fn fast(p: &mut Parser<'_>) -> R<Self> {
        p.list(required_id)
    }
}

/// `; lenient_id`: an id, `null`, or a value of another type for `extra`.
pub(crate) trait LenientId: Sized {
    fn fast(p: &mut Parser<'_>) -> R<Result<Self, Value>>;
}

impl LenientId for Option<Str> {
    fn fast(p: &mut Parser<'_>) -> R<Result<Self, Value>> {
        id(p)
    }
}

/// `; lenient`: the value the field's type accepts, `null`, or a value of another type for `extra`.
pub(crate) trait Lenient: Sized {
    fn fast(p: &mut Parser<'_>) -> R<Result<Self, Value>>;
}

impl Lenient for Option<Str> {
    fn fast(p: &mut Parser<'_>) -> R<Result<Self, Value>> {
        match p.peek()? {
            b'"' => p.string().map(|s| Ok(Some(s))),
            b'n' => p.literal(b"null").map(|()| Ok(None)),
            _ => p.value().map(Err),
        }
    }
}

impl Lenient for Option<u64> {
    fn fast(p: &mut Parser<'_>) -> R<Result<Self, Value>> {
        Ok(match p.value()? {
            Value::Null => Ok(None),
            other => other.as_u64().map(Some).ok_or(other),
        })
    }
}

impl Lenient for Option<DateTime<FixedOffset>> {
    fn fast(p: &mut Parser<'_>) -> R<Result<Self, Value>> {
        Ok(crate::time::lenient(p.value()?))
    }
}

impl Lenient for Option<Map<String, Value>> {
    fn fast(p: &mut Parser<'_>) -> R<Result<Self, Value>> {
        Ok(match p.value()? {
            Value::Object(m) => Ok(Some(m)),
            Value::Null => Ok(None),
            other => Err(other),
        })
    }
}

/// A cancellation object by its model, `null`, or another value for `extra`.
impl Lenient for Option<super::Cancellation> {
    fn fast(p: &mut Parser<'_>) -> R<Result<Self, Value>> {
        match p.peek()? {
            b'{' => super::Cancellation::fast_model(p, false).map(|c| Ok(Some(c))),
            b'n' => p.literal(b"null").map(|()| Ok(None)),
            _ => p.value().map(Err),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::super::parse::reference;

    /// The fast reader accepts only what the reference reader reads, and reads it the same way.
    fn agrees(body: &str) -> bool {
        let checked = super::super::lazy::tests::agrees_lazily(body);
        let raw: Arc<str> = Arc::from(body);
        let Some(fast) = super::parse(&raw) else {
            return false;
        };
        assert!(
            checked,
            "the lazy reader's check gave up where the fast reader reads: {body}"
        );
        let slow = reference(Arc::clone(&raw)).unwrap_or_else(|e| {
            panic!("the fast reader accepted what the reference refuses ({e}): {body}")
        });
        assert_eq!(fast, slow, "{body}");
        assert_eq!(fast.to_json(), slow.to_json(), "{body}");
        assert_eq!(fast.idempotency_key(), slow.idempotency_key(), "{body}");
        assert_eq!(fast.id(), slow.id(), "{body}");
        assert_eq!(fast.raw_json(), slow.raw_json());
        assert_eq!(fast.is_envelope(), slow.is_envelope());
        true
    }

    fn corpus() -> Vec<(String, Vec<u8>)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/deliveries");
        let mut out: Vec<_> = std::fs::read_dir(&dir)
            .expect("corpus")
            .map(|e| {
                let path = e.expect("entry").path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&path).expect("read"))
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn the_corpus_reads_alike_and_the_documented_shapes_take_the_fast_path() {
        let mut fast = Vec::new();
        for (name, body) in corpus() {
            let Ok(text) = std::str::from_utf8(&body) else {
                continue;
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            if agrees(text) {
                fast.push(name);
            }
        }
        for name in [
            "booking_created_full.json",
            "booking_large.json",
            "booking_cancelled.json",
            "booking_rescheduled.json",
            "booking_numeric_ids.json",
            "booking_lenient_types.json",
            "booking_extra_fields.json",
            "form_submission.json",
        ] {
            assert!(
                fast.contains(&name.to_owned()),
                "{name} should take the fast path; fast: {fast:?}"
            );
        }
        assert!(!fast.iter().any(|n| n.starts_with("bad_")), "{fast:?}");
    }

    /// Values of every JSON type, with the spellings readers disagree on.
    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[a-z@. ]{0,12}".prop_map(Value::from),
            "\\PC{0,6}".prop_map(Value::from),
            prop_oneof![
                Just("2024-01-15T09:00:00+01:00"),
                Just("2024-01-15T09:00:00.123Z"),
                Just("2024-02-30T09:00:00Z"),
                Just("2024-01-15 09:00:00z"),
                Just("not a date"),
            ]
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-zA-Z]{1,8}", inner), 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    const KEYS: &[&str] = &[
        "id",
        "secret",
        "start",
        "end",
        "location",
        "isCancelled",
        "rescheduledAt",
        "meetingInfo",
        "attendees",
        "hosts",
        "hostIds",
        "meetingType",
        "meetingTypeId",
        "companyId",
        "createdAt",
        "updatedAt",
        "cancel",
        "originalStart",
        "email",
        "givenName",
        "formId",
        "submittedAt",
        "channel",
        "meetingLink",
        "name",
        "duration",
        "slug",
        "metadata",
        "actionAt",
        "reason",
        "firstname",
        "webhookType",
        "other",
    ];

    /// A value of the type a documented key holds (ids as strings or integers, dates, lists of objects, ...).
    fn fitting(key: &'static str, depth: u32) -> BoxedStrategy<Value> {
        let date = prop::sample::select(
            &[
                "2024-01-15T09:00:00+01:00",
                "2024-01-15T09:00:00.5Z",
                "2024-01-15t09:00:00-00:30",
            ][..],
        )
        .prop_map(Value::from);
        let id = prop_oneof![
            "[a-z0-9-]{0,10}".prop_map(Value::from),
            any::<u32>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
        ];
        match key {
            "start" | "end" | "rescheduledAt" | "createdAt" | "updatedAt" | "originalStart"
            | "actionAt" | "submittedAt" => date.boxed(),
            "id" | "meetingTypeId" | "companyId" | "formId" => id.boxed(),
            "hostIds" => prop::collection::vec(id, 0..3)
                .prop_map(Value::Array)
                .boxed(),
            "isCancelled" => any::<bool>().prop_map(Value::from).boxed(),
            "duration" => any::<u32>().prop_map(Value::from).boxed(),
            "attendees" | "hosts" if depth > 0 => prop::collection::vec(object(depth - 1), 0..3)
                .prop_map(Value::Array)
                .boxed(),
            "meetingInfo" | "meetingType" | "cancel" | "metadata" if depth > 0 => object(depth - 1),
            _ => "\\PC{0,8}".prop_map(Value::from).boxed(),
        }
    }

    /// An object of documented and other keys, each value mostly of its documented type, sometimes of any type.
    fn object(depth: u32) -> BoxedStrategy<Value> {
        let member = prop::sample::select(KEYS).prop_flat_map(move |key| {
            (
                Just(key),
                prop_oneof![4 => fitting(key, depth), 1 => any_value()],
            )
        });
        prop::collection::vec(member, 0..10)
            .prop_map(|members| {
                let mut map = serde_json::Map::new();
                for (k, v) in members {
                    map.insert(k.to_owned(), v);
                }
                Value::Object(map)
            })
            .boxed()
    }

    /// Writes `value` with `webhookType` first, with escapes, spaces and repeated keys a writer may produce.
    fn write(webhook_type: &str, body: &Value, escape_keys: bool, repeat: Option<usize>) -> String {
        let Value::Object(map) = body else {
            unreachable!()
        };
        let mut out = format!("{{ \"webhookType\" : {}", json!(webhook_type));
        for (i, (k, v)) in map.iter().enumerate() {
            let key = if escape_keys && i % 2 == 0 {
                k.chars()
                    .map(|c| format!("\\u{:04x}", c as u32))
                    .collect::<String>()
            } else {
                k.clone()
            };
            out.push_str(&format!(",\n\t\"{key}\":{v}"));
            if repeat == Some(i) {
                out.push_str(&format!(",\"{key}\" : {v}"));
            }
        }
        out.push_str(" }");
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn generated_payloads_read_as_the_reference_reads_them(
            webhook_type in prop::sample::select(&[
                "booking_created", "booking_cancelled", "booking_rescheduled", "new_employee",
                "form_submission", "review_submitted", "something_new", " ",
            ][..]),
            body in object(2),
            escape_keys in any::<bool>(),
            repeat in prop::option::of(0usize..10),
        ) {
            agrees(&write(webhook_type, &body, escape_keys, repeat));
            // The older envelope: the lazy reader checks the flat form of what the reference reader built.
            let envelope = json!({"event": webhook_type, "data": body});
            super::super::lazy::tests::agrees_lazily(&envelope.to_string());
        }

        #[test]
        fn generated_bookings_read_as_the_reference_reads_them(
            body in object(2),
            attendee in object(0),
            start in prop_oneof![Just(json!("2024-01-15T09:00:00+01:00")), Just(json!("2024-01-15T09:00:00Z")),
                Just(json!("x")), Just(json!(null))],
            id in prop_oneof![Just(json!("appt-1")), Just(json!(17)), Just(json!(-3)), Just(json!(1.5)),
                Just(json!(18_446_744_073_709_551_615u64)), Just(json!(null))],
        ) {
            let mut body = body;
            let map = body.as_object_mut().unwrap();
            map.insert("id".into(), id);
            map.insert("start".into(), start);
            map.insert("end".into(), json!("2024-01-15T09:30:00+01:00"));
            map.insert("attendees".into(), json!([attendee.clone(), attendee]));
            agrees(&write("booking_created", &body, false, None));
        }

        #[test]
        fn mutated_corpus_bodies_read_as_the_reference_reads_them(
            which in 0usize..64,
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..4),
        ) {
            let corpus = corpus();
            let (_, body) = &corpus[which % corpus.len()];
            let mut body = body.clone();
            const BYTES: &[u8] = b"{}[]\",:\\ 0123456789-+.eEtrufalsn\x01\xc3\xa9";
            for (at, op, byte) in edits {
                if body.is_empty() { break; }
                let at = at.index(body.len());
                let byte = BYTES[usize::from(byte) % BYTES.len()];
                match op {
                    0 => { body.remove(at); }
                    1 => body.insert(at, byte),
                    2 => body[at] = byte,
                    _ => { let copy = body[at..].to_vec(); body.truncate(at); body.extend_from_slice(&copy[copy.len() / 2..]); }
                }
            }
            if let Ok(text) = std::str::from_utf8(&body) {
                agrees(text);
            }
        }
    }

    /// The generators reach the fast path (a property that held only because every case gave up would hold nothing).
    #[test]
    fn the_generated_payloads_mostly_take_the_fast_path() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut accepted, mut refused_by_both) = (0, 0);
        for _ in 0..500 {
            let body = object(2).new_tree(&mut runner).unwrap().current();
            let mut with_required = body.clone();
            let map = with_required.as_object_mut().unwrap();
            for (k, v) in [
                ("id", "a"),
                ("start", "2024-01-15T09:00:00Z"),
                ("end", "2024-01-15T09:30:00Z"),
            ] {
                map.insert(k.into(), Value::from(v));
            }
            for text in [
                write("booking_cancelled", &body, false, None),
                write("booking_cancelled", &with_required, true, None),
                write("new_employee", &body, false, None),
            ] {
                if agrees(&text) {
                    accepted += 1;
                } else if reference(Arc::from(text.as_str())).is_err() {
                    refused_by_both += 1;
                }
            }
        }
        assert!(
            accepted > 300 && refused_by_both > 100,
            "accepted {accepted}, refused {refused_by_both}"
        );
    }

    #[test]
    fn numbers_strings_and_nesting_at_the_edges() {
        let mut fast = 0;
        for body in [
            r#"{"webhookType":"x","n":[0,-0,1e2,1E-2,-1.5,123456789012345678,1234567890123456789,18446744073709551616,9297.777777777777777778e7]}"#,
            r#"{"webhookType":"new_employee","id":-0,"companyId":12345678901234567890,"createdAt":7}"#,
            r#"{"webhookType":"x","s":"\ud83d\ude00 \u00e9 \/ \b\f\n\r\t \"q\" \\"}"#,
            r#"{"webhookType":"x","deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
            r#"{"webhookType":"form_submission","formId":1.0,"submittedAt":"2024-01-15T09:00:00Z","id":"\u0041"}"#,
            r#"{"webhookType":"x","m":{"b":1,"a":2,"b":3,"a":{"z":1,"z":[]}}}"#,
            r#"{"webhookType":"booking_created","id":"a","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:00:00Z","meetingType":{"metadata":{"k2":1,"k1":2,"k2":"last"}}}"#,
        ] {
            let raw: Arc<str> = Arc::from(body);
            if super::parse(&raw).is_some() {
                assert!(agrees(body));
                fast += 1;
            }
        }
        assert!(fast >= 5, "{fast}");
        // serde_json's private token reads as the value it holds, not as an object (found in review): the fast
        // reader leaves such bodies to the reference reader, which reads each of these one way or refuses it.
        for body in [
            r#"{"webhookType":"x","a":{"$serde_json::private::RawValue":"not json"}}"#,
            r#"{"webhookType":"x","a":{"$serde_json::private::RawValue":"1","b":2}}"#,
            r#"{"webhookType":"x","id":{"$serde_json::private::RawValue":"7"},"updatedAt":"2024-01-01T00:00:00Z"}"#,
            r#"{"webhookType":"new_employee","id":"7","updatedAt":{"$serde_json::private::RawValue":"\"2024-01-01T00:00:00Z\""}}"#,
            r#"{"webhookType":"booking_created","id":"a","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z","meetingType":{"meetingInfo":{"duration":{"$serde_json::private::RawValue":"30"}}}}"#,
            r#"{"webhookType":"x","a":[{"k":1,"$serde_json::private::Number":"1"}]}"#,
        ] {
            assert!(super::parse(&Arc::from(body)).is_none(), "{body}");
        }
        let raw = reference(Arc::from(
            r#"{"webhookType":"x","id":{"$serde_json::private::RawValue":"7"},"updatedAt":"2024-01-01T00:00:00Z"}"#,
        ))
        .expect("the reference reader reads the token");
        assert_eq!(raw.id().as_deref(), Some("7"), "as serde_json does");

        // Refused by both: a lone surrogate, a control character, a second `webhookType`, trailing data.
        for body in [
            r#"{"webhookType":"x","s":"\ud83d"}"#,
            "{\"webhookType\":\"x\",\"s\":\"a\u{1}\"}",
            r#"{"webhookType":"x","webhookType":"y"}"#,
            r#"{"webhookType":"x"} x"#,
            r#"{"webhookType":"x",}"#,
        ] {
            assert!(super::parse(&Arc::from(body)).is_none(), "{body}");
            assert!(reference(Arc::from(body)).is_err(), "{body}");
        }
    }
}
