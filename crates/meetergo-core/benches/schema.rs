//! A measurement for issue 16's untried option: a **schema-as-data checker**. One generic loop, driven by tables built
//! at start from the model descriptions (`PAYLOAD_MODELS`, the `describe` feature), checks a delivery as the readers
//! do (JSON syntax, UTF-8, a documented field's type, RFC 3339 times, a documented field given twice, depth) and
//! records where each documented value starts (a tape that typed views could decode on access), but builds nothing.
//!
//! It is a prototype, not shipped: it answers how fast the parse phase of a check-now-decode-later engine could be,
//! next to the engine that ships (`Event::from_slice`, which builds the models) and the floors (syntax only). Before
//! timing, it is held to `Event::from_slice` on every body of the shared corpus: a body it accepts must parse, and
//! the reverse (it refuses what the shipped reader refuses, give or take the cases listed as not modelled).
//!
//! `cargo bench -p meetergo-core --features describe --bench schema`

use meetergo_core::Event;
use meetergo_core::describe::ModelInfo;

mod common;
use common::{HandWritten, PAYLOADS, event_reads, fixture, hand_reads};

const MAX_DEPTH: u32 = 100;

/// How a documented field is checked.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// A string (`null` allowed when `nullable`).
    Str { nullable: bool },
    /// A string or an integer.
    Id { nullable: bool },
    /// A list of ids (`null` is empty).
    Ids,
    /// An RFC 3339 string.
    Time { nullable: bool },
    /// `true` / `false` / `null`.
    Bool,
    /// A model's object, or `null`.
    Model(usize),
    /// A list of a model's objects (`null` is empty).
    Models(usize),
    /// Lenient: any value (one of another type is kept in `extra`).
    Any,
}

struct Model {
    keys: Vec<&'static [u8]>,
    kinds: Vec<Kind>,
    /// Bit `i`: field `i` must be present.
    required: u64,
}

/// The tables, from the model descriptions.
fn schema(models: &[ModelInfo]) -> Vec<Model> {
    let index = |name: &str| {
        models
            .iter()
            .position(|m| m.name == name)
            .unwrap_or_else(|| panic!("no model {name}"))
    };
    models
        .iter()
        .map(|m| {
            let mut model = Model {
                keys: Vec::new(),
                kinds: Vec::new(),
                required: 0,
            };
            for (i, f) in m.fields.iter().enumerate() {
                let ty = f.ty.replace(' ', "");
                let inner = |outer: &str| {
                    ty.strip_prefix(outer)
                        .and_then(|t| t.strip_suffix('>'))
                        .map(str::to_owned)
                };
                let kind = match (f.marker, ty.as_str()) {
                    ("lenient" | "lenient_id", _) => Kind::Any,
                    ("id", "Vec<Str>") => Kind::Ids,
                    ("id", t) => Kind::Id {
                        nullable: t.starts_with("Option<"),
                    },
                    ("time", t) => Kind::Time {
                        nullable: t.starts_with("Option<"),
                    },
                    ("", "Option<Str>" | "Option<Secret>") => Kind::Str { nullable: true },
                    ("", "Str") => Kind::Str { nullable: false },
                    ("", "Option<bool>") => Kind::Bool,
                    ("", t) if t.starts_with("Vec<") => {
                        Kind::Models(index(&inner("Vec<").expect("Vec<T>")))
                    }
                    ("", t) if t.starts_with("Option<") => {
                        Kind::Model(index(&inner("Option<").expect("Option<T>")))
                    }
                    (marker, t) => panic!("not modelled: {t} ; {marker}"),
                };
                if !f.ty.starts_with("Option<") && !f.ty.starts_with("Vec<") {
                    model.required |= 1 << i;
                }
                model.keys.push(f.wire.as_bytes());
                model.kinds.push(kind);
            }
            model
        })
        .collect()
}

struct Checker<'a> {
    b: &'a [u8],
    i: usize,
    depth: u32,
    models: &'a [Model],
    /// Where each documented value and each list element starts.
    tape: Vec<u32>,
}

type R<T = ()> = Result<T, ()>;

/// Where the first `"`, `\` or control character at or after `i` stands (8 bytes at a time).
fn plain_run(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let quote = w ^ (ONES * u64::from(b'"'));
        let slash = w ^ (ONES * u64::from(b'\\'));
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

impl Checker<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> R<u8> {
        self.ws();
        self.b.get(self.i).copied().ok_or(())
    }

    fn eat(&mut self, c: u8) -> R {
        if self.peek()? == c {
            self.i += 1;
            Ok(())
        } else {
            Err(())
        }
    }

    fn literal(&mut self, word: &[u8]) -> R {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(())
        }
    }

    fn null(&mut self) -> R<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// A string's contents (escapes checked, not decoded): its range.
    fn string(&mut self) -> R<(usize, usize)> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            let at = plain_run(self.b, self.i);
            match self.b.get(at) {
                Some(b'"') => {
                    self.i = at + 1;
                    return Ok((start, at));
                }
                Some(b'\\') => match self.b.get(at + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i = at + 2,
                    Some(b'u') => {
                        let hex = self.b.get(at + 2..at + 6).ok_or(())?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return Err(());
                        }
                        self.i = at + 6;
                    }
                    _ => return Err(()),
                },
                _ => return Err(()),
            }
        }
    }

    /// A number, checked against JSON's grammar; `true` for an integer.
    fn number(&mut self) -> R<bool> {
        self.ws();
        let b = self.b;
        let mut i = self.i;
        let digits = |i: &mut usize| {
            let from = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > from
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return Err(()),
        }
        let mut integer = true;
        if b.get(i) == Some(&b'.') {
            i += 1;
            integer = false;
            if !digits(&mut i) {
                return Err(());
            }
        }
        if let Some(b'e' | b'E') = b.get(i) {
            i += 1;
            integer = false;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            if !digits(&mut i) {
                return Err(());
            }
        }
        self.i = i;
        Ok(integer)
    }

    fn enter(&mut self, open: u8) -> R {
        self.eat(open)?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(());
        }
        Ok(())
    }

    /// Steps over the `,` before a member or element; `false` after the `close`.
    fn next_item(&mut self, first: &mut bool, close: u8) -> R<bool> {
        let c = self.peek()?;
        if c == close {
            self.i += 1;
            self.depth -= 1;
            return Ok(false);
        }
        if !std::mem::take(first) {
            if c != b',' {
                return Err(());
            }
            self.i += 1;
        }
        Ok(true)
    }

    /// Any JSON value, checked and stepped over.
    fn skip(&mut self) -> R {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' => {
                self.enter(b'{')?;
                let mut first = true;
                while self.next_item(&mut first, b'}')? {
                    self.string()?;
                    self.eat(b':')?;
                    self.skip()?;
                }
                Ok(())
            }
            b'[' => {
                self.enter(b'[')?;
                let mut first = true;
                while self.next_item(&mut first, b']')? {
                    self.skip()?;
                }
                Ok(())
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.number().map(|_| ()),
        }
    }

    fn id(&mut self, nullable: bool) -> R {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'n' if nullable => self.literal(b"null"),
            _ => {
                if self.number()? {
                    Ok(())
                } else {
                    Err(())
                }
            }
        }
    }

    fn time(&mut self) -> R {
        let (start, end) = self.string()?;
        rfc3339(&self.b[start..end])
    }

    fn list(&mut self, mut element: impl FnMut(&mut Self) -> R) -> R {
        if self.null()? {
            return Ok(());
        }
        self.enter(b'[')?;
        let mut first = true;
        while self.next_item(&mut first, b']')? {
            self.tape.push(u32::try_from(self.i).map_err(|_| ())?);
            element(self)?;
        }
        Ok(())
    }

    fn model(&mut self, m: usize, top: bool) -> R {
        let models = self.models;
        let model = &models[m];
        self.enter(b'{')?;
        let mut seen = 0u64;
        let mut seen_type = false;
        let mut hint = 0usize;
        let mut first = true;
        while self.next_item(&mut first, b'}')? {
            let (start, end) = self.string()?;
            let key = &self.b[start..end];
            self.eat(b':')?;
            let at = if model.keys.get(hint) == Some(&key) {
                Some(hint)
            } else {
                model.keys.iter().position(|k| *k == key)
            };
            let Some(at) = at else {
                if key.contains(&b'\\') {
                    // An escaped key may spell a documented one: not modelled here.
                    return Err(());
                }
                if top && key == b"webhookType" {
                    if std::mem::replace(&mut seen_type, true) {
                        return Err(());
                    }
                    self.string()?;
                } else {
                    self.skip()?;
                }
                continue;
            };
            hint = at + 1;
            if seen & (1 << at) != 0 {
                return Err(());
            }
            seen |= 1 << at;
            self.tape.push(u32::try_from(self.i).map_err(|_| ())?);
            match model.kinds[at] {
                Kind::Str { nullable } => {
                    if !(nullable && self.null()?) {
                        self.string()?;
                    }
                }
                Kind::Id { nullable } => self.id(nullable)?,
                Kind::Ids => self.list(|c| c.id(false))?,
                Kind::Time { nullable } => {
                    if !(nullable && self.null()?) {
                        self.time()?;
                    }
                }
                Kind::Bool => match self.peek()? {
                    b't' => self.literal(b"true")?,
                    b'f' => self.literal(b"false")?,
                    _ => self.literal(b"null")?,
                },
                Kind::Model(inner) => {
                    if !self.null()? {
                        self.model(inner, false)?;
                    }
                }
                Kind::Models(inner) => self.list(|c| c.model(inner, false))?,
                Kind::Any => self.skip()?,
            }
        }
        if seen & model.required != model.required {
            return Err(());
        }
        Ok(())
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, fields in range (days by month, leap years included).
fn rfc3339(s: &[u8]) -> R {
    let num = |from: usize, len: usize| -> R<u32> {
        let part = s.get(from..from + len).ok_or(())?;
        part.iter().try_fold(0u32, |n, &c| {
            if c.is_ascii_digit() {
                Ok(n * 10 + u32::from(c - b'0'))
            } else {
                Err(())
            }
        })
    };
    let sep = |at: usize, c: &[u8]| -> R {
        if s.get(at).is_some_and(|x| c.contains(x)) {
            Ok(())
        } else {
            Err(())
        }
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    sep(4, b"-")?;
    sep(7, b"-")?;
    sep(10, b"Tt ")?;
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    sep(13, b":")?;
    sep(16, b":")?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(()),
    };
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 60 {
        return Err(());
    }
    let mut i = 19;
    if s.get(i) == Some(&b'.') {
        i += 1;
        let from = i;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == from {
            return Err(());
        }
    }
    match s.get(i) {
        Some(b'Z' | b'z') if i + 1 == s.len() => Ok(()),
        Some(b'+' | b'-') if i + 6 == s.len() => {
            sep(i + 3, b":")?;
            if num(i + 1, 2)? > 23 || num(i + 4, 2)? > 59 {
                return Err(());
            }
            Ok(())
        }
        _ => Err(()),
    }
}

/// Checks a booking delivery (`webhookType` first, as the fast reader takes it); the tape's length on success.
fn check(models: &[Model], booking: usize, body: &[u8]) -> R<usize> {
    std::str::from_utf8(body).map_err(|_| ())?;
    let mut c = Checker {
        b: body,
        i: 0,
        depth: 0,
        models,
        tape: Vec::with_capacity(64),
    };
    // `webhookType` first and a booking type, as the fast reader takes it (anything else: the reference reader).
    c.eat(b'{')?;
    let (start, end) = c.string()?;
    if &body[start..end] != b"webhookType" {
        return Err(());
    }
    c.eat(b':')?;
    let (start, end) = c.string()?;
    if ![
        "booking_created",
        "booking_cancelled",
        "booking_rescheduled",
    ]
    .iter()
    .any(|t| t.as_bytes() == &body[start..end])
    {
        return Err(());
    }
    c.i = 0;
    c.model(booking, true)?;
    c.ws();
    if c.i != body.len() {
        return Err(());
    }
    Ok(c.tape.len())
}

fn main() {
    let models = schema(meetergo_core::PAYLOAD_MODELS);
    let booking = meetergo_core::PAYLOAD_MODELS
        .iter()
        .position(|m| m.name == "Booking")
        .expect("Booking");

    // Held to the shipped reader on every booking body of the corpus.
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/deliveries");
    let (mut accepted, mut refused, mut differ) = (0, 0, Vec::new());
    for entry in std::fs::read_dir(&dir).expect("corpus") {
        let path = entry.expect("entry").path();
        let body = std::fs::read(&path).expect("read");
        let is_booking = body.windows(8).any(|w| w == b"booking_");
        if !is_booking {
            continue;
        }
        let shipped = Event::from_slice(&body).is_ok();
        if check(&models, booking, &body).is_ok() == shipped {
            if shipped {
                accepted += 1;
            } else {
                refused += 1;
            }
        } else {
            differ.push((path.file_name().unwrap_or_default().to_owned(), shipped));
        }
    }
    println!(
        "corpus: the checker and Event::from_slice agree on {} booking bodies ({accepted} accepted, {refused} refused)",
        accepted + refused
    );
    // Every byte of the documented booking replaced, in turn, by bytes that break or bend it.
    let base = fixture("booking_created_full.json");
    let (mut same, mut mutations) = (0, 0);
    let mut lenient = Vec::new();
    for at in 0..base.len() {
        for byte in [b'"', b'1', b'x', b'{', b'\\', 0xff, b' '] {
            let mut body = base.clone();
            body[at] = byte;
            mutations += 1;
            let shipped = Event::from_slice(&body).is_ok();
            let checked = check(&models, booking, &body).is_ok();
            if shipped == checked {
                same += 1;
            } else if checked {
                lenient.push((at, byte as char));
            }
        }
    }
    println!(
        "mutations: {same} of {mutations} one-byte mutations of the documented booking judged alike; the checker \
         accepts {} that Event::from_slice refuses {:?}",
        lenient.len(),
        &lenient[..lenient.len().min(8)]
    );
    // A checker that let through what the readers refuse would be timed doing less than they do.
    assert!(
        lenient.is_empty() && differ.iter().all(|(_, shipped)| *shipped),
        "the checker accepts bodies Event::from_slice refuses"
    );
    for (name, shipped) in &differ {
        println!(
            "  {name:?}: left to the reference reader (not modelled here); Event::from_slice {}",
            if *shipped { "accepts" } else { "refuses" }
        );
    }

    type Run<'m> = Box<dyn Fn(&[u8]) -> usize + 'm>;
    let contenders: Vec<(&str, Run<'_>)> = vec![
        (
            "meetergo Event::from_slice",
            Box::new(|b| event_reads(&Event::from_slice(b).expect("parses"))),
        ),
        (
            "sonic-rs -> hand-written",
            Box::new(|b| hand_reads(&sonic_rs::from_slice::<HandWritten>(b).expect("parses"))),
        ),
        (
            "schema-as-data check (tape)",
            Box::new(|b| check(&models, booking, b).expect("checks")),
        ),
        (
            "serde_json syntax only",
            Box::new(|b| {
                serde_json::from_slice::<serde::de::IgnoredAny>(b).expect("parses");
                0
            }),
        ),
    ];
    for (_, file) in PAYLOADS {
        let body = fixture(file);
        let (rounds, per_round) = common::rounds(&body);
        let runs: Vec<common::Run<'_>> = contenders.iter().map(|(_, run)| &**run).collect();
        let best = common::interleaved(&body, &runs);
        println!(
            "\n{file} ({} bytes), best of {rounds} interleaved rounds of {per_round} (the check reads nothing):",
            body.len()
        );
        println!(
            "  {:<30} {:>10} {:>22}",
            "contender", "µs/parse", "vs sonic-rs typed"
        );
        for (i, (label, _)) in contenders.iter().enumerate() {
            let secs = best[i].as_secs_f64();
            println!(
                "  {label:<30} {:>10.2} {:>21.2}x",
                secs * 1e6,
                best[1].as_secs_f64() / secs
            );
        }
    }
}
