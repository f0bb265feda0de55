//! The shared delivery fixture corpus (`tests/fixtures/deliveries.json` at the workspace root), checked case by case.
//!
//! The manifest format is described in `tests/fixtures/README.md`; the Python, Node and browser tests read the
//! same files. The helpers here (`cases`, `body`, `parse`, ...) are also used by `parse_props` and `hygiene`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use meetergo_core::{
    Attendee, Booking, Cancellation, Deduplicator, Event, EventData, Host, MeetingInfo,
    MeetingType, MeetingTypeInfo, ParseOptions, PayloadError, PayloadErrorKind, Secret,
};
use serde::Deserialize;
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------------------------------
// The manifest.

/// One case of `deliveries.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Case {
    pub name: String,
    pub file: String,
    #[serde(rename = "maxBodyBytes")]
    pub max_body_bytes: Option<usize>,
    pub expect: Expect,
}

/// What a case must give.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expect {
    pub ok: bool,
    // ok cases
    #[serde(rename = "webhookType")]
    pub webhook_type: Option<String>,
    pub class: Option<String>,
    pub envelope: Option<bool>,
    #[serde(default)]
    pub fields: Map<String, Value>,
    #[serde(default)]
    pub extra: Map<String, Value>,
    #[serde(rename = "idempotencyKey")]
    pub idempotency_key: Option<String>,
    #[serde(rename = "idempotencyKeyGroup")]
    pub idempotency_key_group: Option<String>,
    /// A file holding the body with its integer ids written as strings: what the event serializes to.
    #[serde(rename = "idsAsStrings")]
    pub ids_as_strings: Option<String>,
    // error cases
    #[serde(rename = "errorKind")]
    pub error_kind: Option<String>,
    pub path: Option<String>,
    #[serde(rename = "messageContains", default)]
    pub message_contains: Vec<String>,
    #[serde(rename = "messageExcludes", default)]
    pub message_excludes: Vec<String>,
}

pub(crate) fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// All cases of the manifest, read once.
pub(crate) fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let path = fixtures_dir().join("deliveries.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad manifest: {e}"))
    })
}

pub(crate) fn case(name: &str) -> &'static Case {
    cases()
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name:?} in deliveries.json"))
}

pub(crate) fn ok_cases() -> impl Iterator<Item = &'static Case> {
    cases().iter().filter(|c| c.expect.ok)
}

pub(crate) fn error_cases() -> impl Iterator<Item = &'static Case> {
    cases().iter().filter(|c| !c.expect.ok)
}

/// The body of a case, byte for byte.
pub(crate) fn body(case: &Case) -> Vec<u8> {
    let path = fixtures_dir().join("deliveries").join(&case.file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub(crate) fn options(case: &Case) -> ParseOptions {
    match case.max_body_bytes {
        Some(limit) => ParseOptions::default().max_body_bytes(limit),
        None => ParseOptions::default(),
    }
}

/// Parses a case's body with its options.
pub(crate) fn parse(case: &Case) -> Result<Event, PayloadError> {
    Event::from_slice_with(&body(case), &options(case))
}

/// Parses an ok case, failing the test with the case name when it does not parse.
pub(crate) fn parse_ok(case: &Case) -> Event {
    parse(case).unwrap_or_else(|e| panic!("case {}: expected ok, got {e:?}", case.name))
}

/// The input body as a JSON value (BOM removed): the reference the parsed event is compared with.
pub(crate) fn input_value(case: &Case) -> Value {
    let bytes = body(case);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("case {}: not JSON: {e}", case.name))
}

pub(crate) fn kind_name(kind: &PayloadErrorKind) -> &'static str {
    // An oracle independent of `PayloadErrorKind::name`, which must agree with it.
    let name = match kind {
        PayloadErrorKind::TooLarge { .. } => "TooLarge",
        PayloadErrorKind::InvalidUtf8 { .. } => "InvalidUtf8",
        PayloadErrorKind::InvalidJson { .. } => "InvalidJson",
        PayloadErrorKind::TooDeep => "TooDeep",
        PayloadErrorKind::NotAnObject => "NotAnObject",
        PayloadErrorKind::MissingWebhookType => "MissingWebhookType",
        PayloadErrorKind::InvalidWebhookType => "InvalidWebhookType",
        PayloadErrorKind::InvalidField { .. } => "InvalidField",
        _ => "<new PayloadErrorKind variant>",
    };
    assert_eq!(kind.name(), name, "PayloadErrorKind::name");
    name
}

fn class_name(data: &EventData) -> &'static str {
    match data {
        EventData::BookingCreated(_) => "BookingCreated",
        EventData::BookingCancelled(_) => "BookingCancelled",
        EventData::BookingRescheduled(_) => "BookingRescheduled",
        EventData::NewEmployee(_) => "NewEmployee",
        EventData::FormSubmission(_) => "FormSubmission",
        EventData::Unknown(_) => "UnknownEvent",
        _ => "<new EventData variant>",
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Wire paths (`attendees[0].email`, `meetingType.meetingInfo.name`) and JSON comparison.

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Splits a wire path into segments. Keys may contain anything but `.` and `[`.
pub(crate) fn segments(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key.to_owned()));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').unwrap_or_else(|| panic!("bad path {path:?}"));
            let index = r[..end]
                .parse()
                .unwrap_or_else(|_| panic!("bad index in {path:?}"));
            out.push(Seg::Index(index));
            rest = &r[end + 1..];
        }
        assert!(rest.is_empty(), "bad path {path:?}");
    }
    out
}

/// The value at a wire path, `None` when absent.
pub(crate) fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    segments(path).iter().try_fold(value, |v, seg| match seg {
        Seg::Key(k) => v.get(k.as_str()),
        Seg::Index(i) => v.get(*i),
    })
}

fn datetime(v: &Value) -> Option<DateTime<FixedOffset>> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
}

/// JSON equality, except that two strings that both parse as RFC 3339 date-times are compared as instant plus
/// UTC offset (`2024-01-10T12:00:00.000Z` equals `2024-01-10T12:00:00+00:00`).
pub(crate) fn same_json(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::String(_), Value::String(_)) => match (datetime(actual), datetime(expected)) {
            (Some(a), Some(e)) => a == e && a.offset() == e.offset(),
            _ => actual == expected,
        },
        (Value::Array(a), Value::Array(e)) => {
            a.len() == e.len() && a.iter().zip(e).all(|(a, e)| same_json(a, e))
        }
        (Value::Object(a), Value::Object(e)) => {
            a.len() == e.len()
                && a.iter()
                    .all(|(k, av)| e.get(k).is_some_and(|ev| same_json(av, ev)))
        }
        _ => actual == expected,
    }
}

/// `fields` rule: `null` expects the path absent or null, `[]` expects it absent, null or empty; anything else must
/// be there and equal (see [`same_json`]).
fn field_matches(actual: Option<&Value>, expected: &Value) -> bool {
    let actual = actual.unwrap_or(&Value::Null);
    match expected {
        Value::Null => actual.is_null(),
        Value::Array(e) if e.is_empty() => {
            actual.is_null() || actual.as_array().is_some_and(Vec::is_empty)
        }
        _ => same_json(actual, expected),
    }
}

/// The round-trip normal form: object keys whose value is `null` or `[]` are dropped, at any depth.
///
/// The typed models leave out an absent optional field and an empty list when serializing, so `"location": null`,
/// `"attendees": null` and `"hostIds": []` in a body come back as a missing key; everything else comes back as sent.
pub(crate) fn normalize(value: &Value) -> Value {
    match value {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !(v.is_null() || v.as_array().is_some_and(Vec::is_empty)))
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

/// The flat JSON a case's event must serialize to: the body itself (with integer ids as strings, when the case names
/// that form), or for the older envelope its `data` with `webhookType` set to `event`.
fn expected_flat(case: &Case) -> Value {
    let input = match &case.expect.ids_as_strings {
        Some(file) => serde_json::from_slice(
            &std::fs::read(fixtures_dir().join("deliveries").join(file))
                .expect("idsAsStrings file"),
        )
        .expect("idsAsStrings is JSON"),
        None => input_value(case),
    };
    if case.expect.envelope == Some(true) {
        let mut data = input["data"].as_object().expect("envelope data").clone();
        data.insert("webhookType".into(), input["event"].clone());
        Value::Object(data)
    } else {
        input
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Navigating the typed model by wire path, to find the `extra` map that must hold an unknown field.

enum Node<'a> {
    Booking(&'a Booking),
    Attendees(&'a [Attendee]),
    Attendee(&'a Attendee),
    Hosts(&'a [Host]),
    Host(&'a Host),
    MeetingInfo(&'a MeetingInfo),
    MeetingType(&'a MeetingType),
    MeetingTypeInfo(&'a MeetingTypeInfo),
    Cancellation(&'a Cancellation),
    Extra(&'a Map<String, Value>),
    Json(&'a Value),
}

impl<'a> Node<'a> {
    fn root(data: &'a EventData) -> Node<'a> {
        match data {
            EventData::BookingCreated(b)
            | EventData::BookingCancelled(b)
            | EventData::BookingRescheduled(b) => Node::Booking(b),
            EventData::NewEmployee(e) => Node::Extra(&e.extra),
            EventData::FormSubmission(f) => Node::Extra(&f.extra),
            EventData::Unknown(u) => Node::Extra(&u.body),
            _ => panic!("new EventData variant"),
        }
    }

    /// The map that holds the unknown fields at this node.
    fn extra(&self) -> Option<&'a Map<String, Value>> {
        Some(match self {
            Node::Booking(b) => &b.extra,
            Node::Attendee(a) => &a.extra,
            Node::Host(h) => &h.extra,
            Node::MeetingInfo(m) => &m.extra,
            Node::MeetingType(m) => &m.extra,
            Node::MeetingTypeInfo(m) => &m.extra,
            Node::Cancellation(c) => &c.extra,
            Node::Extra(m) => m,
            Node::Json(v) => v.as_object()?,
            Node::Attendees(_) | Node::Hosts(_) => return None,
        })
    }

    fn child(&self, seg: &Seg) -> Option<Node<'a>> {
        let key = match seg {
            Seg::Key(k) => k.as_str(),
            Seg::Index(i) => {
                return match self {
                    Node::Attendees(a) => a.get(*i).map(Node::Attendee),
                    Node::Hosts(h) => h.get(*i).map(Node::Host),
                    Node::Json(v) => v.get(*i).map(Node::Json),
                    _ => None,
                };
            }
        };
        let typed = match (self, key) {
            (Node::Booking(b), "attendees") => Some(Node::Attendees(&b.attendees)),
            (Node::Booking(b), "hosts") => Some(Node::Hosts(&b.hosts)),
            (Node::Booking(b), "meetingInfo") => b.meeting_info.as_ref().map(Node::MeetingInfo),
            (Node::Booking(b), "meetingType") => b.meeting_type.as_ref().map(Node::MeetingType),
            (Node::Booking(b), "cancel") => b.cancel.as_ref().map(Node::Cancellation),
            (Node::MeetingType(m), "meetingInfo") => {
                m.meeting_info.as_ref().map(Node::MeetingTypeInfo)
            }
            _ => None,
        };
        typed.or_else(|| self.extra()?.get(key).map(Node::Json))
    }
}

/// The `extra` map (or kept body, or unknown JSON object) that holds the last key of `path`, and that key.
fn extra_holder<'a>(data: &'a EventData, path: &str) -> (Option<&'a Map<String, Value>>, String) {
    let mut segs = segments(path);
    let Some(Seg::Key(last)) = segs.pop() else {
        panic!("an extra path must end with a key: {path:?}");
    };
    let mut node = Some(Node::root(data));
    for seg in &segs {
        node = node.and_then(|n| n.child(seg));
    }
    (node.and_then(|n| n.extra()), last)
}

// ---------------------------------------------------------------------------------------------------------------
// The corpus itself.

#[test]
fn manifest_is_consistent_with_the_files() {
    let dir = fixtures_dir().join("deliveries");
    let mut names = BTreeSet::new();
    let mut used = BTreeSet::new();
    for case in cases() {
        assert!(
            names.insert(&case.name),
            "duplicate case name {}",
            case.name
        );
        assert!(
            dir.join(&case.file).is_file(),
            "case {}: missing file {}",
            case.name,
            case.file
        );
        used.insert(case.file.clone());
        let e = &case.expect;
        if let Some(file) = &e.ids_as_strings {
            assert!(
                e.ok && dir.join(file).is_file(),
                "case {}: {file}",
                case.name
            );
            used.insert(file.clone());
        }
        if e.ok {
            assert!(
                e.webhook_type.is_some() && e.class.is_some() && e.envelope.is_some(),
                "case {}: ok cases need webhookType, class and envelope",
                case.name
            );
            assert!(
                e.idempotency_key.is_some() || e.idempotency_key_group.is_some(),
                "case {}: ok cases need idempotencyKey or idempotencyKeyGroup",
                case.name
            );
            assert!(
                e.error_kind.is_none() && e.path.is_none(),
                "case {}",
                case.name
            );
        } else {
            assert!(
                e.error_kind.is_some(),
                "case {}: needs errorKind",
                case.name
            );
            assert!(
                e.class.is_none() && e.fields.is_empty() && e.extra.is_empty(),
                "case {}",
                case.name
            );
        }
    }
    for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
        let name = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("name");
        assert!(used.contains(&name), "{name} is not used by any case");
    }
    assert!(cases().len() >= 40, "the corpus shrank: {}", cases().len());
}

#[test]
fn every_case_parses_as_expected() {
    let mut failures = Vec::new();
    for case in cases() {
        if let Err(why) = check_case(case) {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn check_case(case: &Case) -> Result<(), String> {
    let e = &case.expect;
    match (parse(case), e.ok) {
        (Ok(event), true) => check_ok(case, &event),
        (Err(err), false) => check_err(case, &err),
        (Ok(event), false) => Err(format!("expected an error, parsed {event:?}")),
        (Err(err), true) => Err(format!("expected ok, got {err:?}")),
    }
}

fn check_ok(case: &Case, event: &Event) -> Result<(), String> {
    let e = &case.expect;
    let want_type = e.webhook_type.as_deref().unwrap_or_default();
    if event.webhook_type().as_str() != want_type {
        return Err(format!(
            "webhookType {:?}, expected {want_type:?}",
            event.webhook_type()
        ));
    }
    let class = class_name(event.data());
    if Some(class) != e.class.as_deref() {
        return Err(format!("class {class}, expected {:?}", e.class));
    }
    if Some(event.is_envelope()) != e.envelope {
        return Err(format!(
            "envelope {}, expected {:?}",
            event.is_envelope(),
            e.envelope
        ));
    }
    if event.booking().is_some() != class.starts_with("Booking") {
        return Err("booking() disagrees with the class".into());
    }
    let value = event.to_value();
    for (path, expected) in &e.fields {
        let actual = lookup(&value, path);
        if !field_matches(actual, expected) {
            return Err(format!("field {path}: got {actual:?}, expected {expected}"));
        }
    }
    for (path, expected) in &e.extra {
        let (holder, key) = extra_holder(event.data(), path);
        let Some(holder) = holder else {
            return Err(format!("extra {path}: the object holding it is missing"));
        };
        match holder.get(&key) {
            Some(actual) if same_json(actual, expected) => {}
            other => return Err(format!("extra {path}: got {other:?}, expected {expected}")),
        }
    }
    let key = event.idempotency_key();
    if let Some(want) = &e.idempotency_key {
        if key != want {
            return Err(format!("idempotency key {key:?}, expected {want:?}"));
        }
    }
    Ok(())
}

fn check_err(case: &Case, err: &PayloadError) -> Result<(), String> {
    let e = &case.expect;
    let kind = kind_name(&err.kind);
    if Some(kind) != e.error_kind.as_deref() {
        return Err(format!(
            "error kind {kind} ({err}), expected {:?}",
            e.error_kind
        ));
    }
    if let Some(want) = &e.path {
        match &err.kind {
            PayloadErrorKind::InvalidField { path } if path == want => {}
            other => return Err(format!("error {other:?}, expected path {want:?}")),
        }
    }
    if err.message.trim().is_empty() {
        return Err("empty error message".into());
    }
    let display = err.to_string();
    if !display.contains(&err.message) {
        return Err(format!("Display {display:?} lacks the message"));
    }
    for needle in &e.message_contains {
        if !err.message.contains(needle.as_str()) {
            return Err(format!("message {:?} lacks {needle:?}", err.message));
        }
    }
    for needle in &e.message_excludes {
        let debug = format!("{err:?}");
        if display.contains(needle.as_str()) || debug.contains(needle.as_str()) {
            return Err(format!("error {debug} contains {needle:?}"));
        }
    }
    Ok(())
}

#[test]
fn idempotency_keys_follow_the_group_rules() {
    // Rule: the cases of one `idempotencyKeyGroup` share one key; a key is never shared by two cases unless they
    // are in the same group or expect the same exact `idempotencyKey` (i.e. they are deliveries of the same event).
    let mut by_group: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut owner_of_key: BTreeMap<String, (String, &str)> = BTreeMap::new();
    for case in ok_cases() {
        let event = parse_ok(case);
        let key = event.idempotency_key().to_owned();
        assert!(!key.is_empty(), "case {}: empty key", case.name);
        assert!(
            key.split([':', '#'])
                .all(|part| !part.is_empty() && part != "undefined" && part != "null"),
            "case {}: key {key:?} has a missing part",
            case.name
        );
        assert_eq!(
            event.idempotency_key(),
            key,
            "case {}: the key is not stable",
            case.name
        );
        let identity = match (
            &case.expect.idempotency_key_group,
            &case.expect.idempotency_key,
        ) {
            (Some(group), _) => {
                by_group.entry(group).or_default().insert(key.clone());
                format!("group {group}")
            }
            (None, Some(exact)) => format!("key {exact}"),
            (None, None) => unreachable!("checked by manifest_is_consistent_with_the_files"),
        };
        if let Some((other, other_case)) = owner_of_key.get(&key) {
            assert_eq!(
                other, &identity,
                "cases {other_case} and {} share the key {key:?}",
                case.name
            );
        } else {
            owner_of_key.insert(key, (identity, &case.name));
        }
    }
    for (group, keys) in &by_group {
        assert_eq!(keys.len(), 1, "group {group} has several keys: {keys:?}");
    }
    assert!(by_group.len() >= 6, "groups: {:?}", by_group.keys());
}

#[test]
fn ok_fixtures_round_trip() {
    // Rule: `Event::to_value()` equals the body (for the older envelope: `data` plus `webhookType`), compared as JSON
    // after dropping, at any depth, object keys whose value is `null` or `[]` (the models leave out absent optional
    // fields and empty lists), and comparing RFC 3339 date-time strings as instant plus offset.
    for case in ok_cases() {
        let event = parse_ok(case);
        let value = event.to_value();
        let expected = normalize(&expected_flat(case));
        assert!(
            same_json(&normalize(&value), &expected),
            "case {}: to_value differs from the body\n got: {value}\nwant: {expected}",
            case.name
        );
        // Serialize impl and to_value agree.
        assert_eq!(serde_json::to_value(&event).expect("serialize"), value);

        // model -> JSON -> model is a fixed point.
        let text = serde_json::to_string(&value).expect("to_string");
        let again = Event::from_json_str(&text)
            .unwrap_or_else(|e| panic!("case {}: re-parse failed: {e:?}\n{text}", case.name));
        assert_eq!(again, event, "case {}: re-parsed model differs", case.name);
        assert_eq!(again.to_value(), value, "case {}: JSON differs", case.name);
        assert_eq!(
            again.webhook_type(),
            event.webhook_type(),
            "case {}",
            case.name
        );
        assert!(!again.is_envelope());
        let third = Event::from_json_str(&again.to_value().to_string()).expect("third parse");
        assert_eq!(third, again, "case {}: not a fixed point", case.name);
        // The raw body is kept.
        assert_eq!(
            normalize(&event.raw_value()),
            normalize(&input_value(case)),
            "case {}: raw_value",
            case.name
        );
    }
}

#[test]
fn bodies_given_as_str_parse_like_bytes() {
    for case in cases().iter().filter(|c| c.max_body_bytes.is_none()) {
        let bytes = body(case);
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let from_str = Event::from_json_str(text);
        let from_bytes = Event::from_slice(&bytes);
        match (from_str, from_bytes) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "case {}", case.name);
                assert_eq!(
                    a.idempotency_key(),
                    b.idempotency_key(),
                    "case {}",
                    case.name
                );
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "case {}", case.name),
            (a, b) => panic!("case {}: {a:?} vs {b:?}", case.name),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Typed access to the main fixtures.

fn booking_of(event: &Event) -> &Booking {
    event.booking().expect("a booking event")
}

fn offset_secs(t: &DateTime<FixedOffset>) -> i32 {
    t.offset().local_minus_utc()
}

fn rfc3339(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("date-time")
}

#[test]
fn typed_seed_curl() {
    let event = parse_ok(case("seed_curl"));
    let EventData::BookingCreated(b) = event.data() else {
        panic!("not BookingCreated: {event:?}");
    };
    assert_eq!(b.id, "test-appt-123");
    assert_eq!(b.attendees.len(), 1);
    assert_eq!(b.attendees[0].email.as_deref(), Some("test@example.com"));
    assert_eq!(b.attendees[0].firstname.as_deref(), Some("Test"));
    assert_eq!(b.attendees[0].lastname.as_deref(), Some("User"));
    assert_eq!(b.hosts[0].given_name.as_deref(), Some("Host"));
    assert_eq!(b.hosts[0].family_name.as_deref(), Some("User"));
    assert_eq!(offset_secs(&b.start), 3600);
    assert_eq!(b.start.to_rfc3339(), "2024-01-15T09:00:00+01:00");
    assert_eq!(b.end - b.start, chrono::Duration::minutes(30));
    let mt = b.meeting_type.as_ref().expect("meetingType");
    assert_eq!(mt.id.as_deref(), Some("mt-123"));
    let info = mt.meeting_info.as_ref().expect("meetingInfo");
    assert_eq!(info.name.as_deref(), Some("Test Meeting"));
    assert_eq!(info.duration, None);
    assert!(b.secret.is_none() && b.updated_at.is_none() && b.extra.is_empty());
    assert!(
        event
            .idempotency_key()
            .starts_with("booking_created#sha256:")
    );
}

#[test]
fn typed_booking_created_full() {
    let event = parse_ok(case("booking_created_full"));
    let EventData::BookingCreated(b) = event.data() else {
        panic!("not BookingCreated");
    };
    assert_eq!(b.id, "appt-7f3c2a10");
    assert_eq!(
        b.secret.as_ref().map(Secret::expose_secret),
        Some("sec_live_Zq8XbT4mW2pR9vK1nY6s")
    );
    assert_eq!(b.start, rfc3339("2024-01-15T08:00:00Z"));
    assert_eq!(offset_secs(&b.start), 3600);
    assert_eq!(offset_secs(&b.end), 3600);
    assert_eq!(b.location, None);
    assert_eq!(b.is_cancelled, Some(false));
    assert_eq!(b.rescheduled_at, None);
    let mi = b.meeting_info.as_ref().expect("meetingInfo");
    assert_eq!(mi.channel.as_deref(), Some("google_meet"));
    assert_eq!(
        mi.meeting_link.as_deref(),
        Some("https://meet.google.com/abc-defg-hij")
    );
    let a = &b.attendees[0];
    assert_eq!(a.id.as_deref(), Some("att-001"));
    assert_eq!(a.email.as_deref(), Some("ada@example.com"));
    assert_eq!(a.fullname.as_deref(), Some("Ada Lovelace"));
    assert_eq!(a.phone.as_deref(), Some("+49 30 1234567"));
    assert_eq!(a.timezone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(a.language.as_deref(), Some("de"));
    assert_eq!(b.attendees[1].lastname.as_deref(), Some("Müller"));
    let h = &b.hosts[0];
    assert_eq!(h.id.as_deref(), Some("user-42"));
    assert_eq!(h.given_name.as_deref(), Some("Hedy"));
    assert_eq!(h.family_name.as_deref(), Some("Lamarr"));
    assert_eq!(h.full_name.as_deref(), Some("Hedy Lamarr"));
    assert_eq!(h.slug.as_deref(), Some("hedy-lamarr"));
    assert_eq!(
        h.picture.as_deref(),
        Some("https://cdn.example.com/users/42.png")
    );
    assert_eq!(b.host_ids, ["user-42"]);
    let mt = b.meeting_type.as_ref().expect("meetingType");
    assert_eq!(mt.slug.as_deref(), Some("intro-call"));
    let info = mt.meeting_info.as_ref().expect("meetingInfo");
    assert_eq!(info.name.as_deref(), Some("Intro Call"));
    assert_eq!(info.duration, Some(30));
    let meta = mt.metadata.as_ref().expect("metadata");
    assert_eq!(meta["campaign"], "winter-2024");
    assert_eq!(b.meeting_type_id.as_deref(), Some("mt-123"));
    assert_eq!(b.company_id.as_deref(), Some("company-9"));
    assert_eq!(b.created_at, Some(rfc3339("2024-01-10T12:00:00Z")));
    assert_eq!(b.updated_at, Some(rfc3339("2024-01-10T12:34:56.789Z")));
    assert!(b.extra.is_empty(), "unexpected extra: {:?}", b.extra);
    assert!(b.cancel.is_none() && b.previous_start().is_none());

    // The same booking with another layout is the same model.
    let reordered = parse_ok(case("booking_created_reordered_minified_crlf"));
    assert_eq!(reordered, event);
}

#[test]
fn cancellation_details_of_any_type_never_fail_a_delivery() {
    let with_cancel = |cancel: &str| {
        format!(
            r#"{{"webhookType":"booking_cancelled","id":"a","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z","cancel":{cancel}}}"#
        )
    };
    // Fields of an unexpected type stay in the cancellation's `extra`.
    let event = Event::from_json_str(&with_cancel(
        r#"{"reason":5,"actionAt":"soon","actionBy":"host"}"#,
    ))
    .unwrap();
    let c = booking_of(&event).cancel.as_ref().expect("cancel");
    assert_eq!(
        (c.reason.as_deref(), c.action_by.as_deref()),
        (None, Some("host"))
    );
    assert_eq!(
        (c.extra["reason"].clone(), c.extra["actionAt"].clone()),
        (Value::from(5), Value::from("soon"))
    );
    // A cancellation that is not an object stays in the booking's `extra`; `null` is no cancellation.
    for odd in [r#""by attendee""#, "[1,2]", "true", "7.5"] {
        let event = Event::from_json_str(&with_cancel(odd)).unwrap();
        let b = booking_of(&event);
        assert!(b.cancel.is_none(), "{odd}");
        assert_eq!(
            b.extra["cancel"],
            serde_json::from_str::<Value>(odd).unwrap(),
            "{odd}"
        );
    }
    let event = Event::from_json_str(&with_cancel("null")).unwrap();
    assert!(booking_of(&event).cancel.is_none() && booking_of(&event).extra.is_empty());
    // A repeated key is ambiguous, there as in every model: an error that says where.
    let e = Event::from_json_str(&with_cancel(r#"{"reason":"a","reason":"b"}"#)).unwrap_err();
    assert_eq!(
        e.kind,
        PayloadErrorKind::InvalidField {
            path: "cancel".into()
        }
    );
    assert!(
        e.message.contains("duplicate field `reason`"),
        "{}",
        e.message
    );
}

#[test]
fn typed_booking_cancelled_and_rescheduled() {
    let event = parse_ok(case("booking_cancelled"));
    let EventData::BookingCancelled(b) = event.data() else {
        panic!("not BookingCancelled");
    };
    assert_eq!(b.is_cancelled, Some(true));
    let c = b.cancel.as_ref().expect("cancel");
    assert_eq!(c.action_source.as_deref(), Some("attendee"));
    assert_eq!(c.action_by.as_deref(), Some("ada@example.com"));
    assert_eq!(c.reason.as_deref(), Some("Something came up, sorry!"));
    let at = c.action_at.expect("actionAt");
    assert_eq!(at, rfc3339("2024-01-14T17:05:00Z"));
    assert_eq!(offset_secs(&at), 3600);

    let event = parse_ok(case("booking_rescheduled"));
    let EventData::BookingRescheduled(b) = event.data() else {
        panic!("not BookingRescheduled");
    };
    assert_eq!(b.rescheduled_at, Some(rfc3339("2024-01-14T16:20:00+01:00")));
    assert_eq!(b.original_start, Some(rfc3339("2024-01-15T09:00:00+01:00")));
    assert_eq!(b.previous_start(), b.original_start);
    assert_eq!(
        b.location.as_deref(),
        Some("Meeting room 3, Torstraße 1, Berlin")
    );
    assert_eq!(
        b.meeting_info
            .as_ref()
            .and_then(|m| m.meeting_link.as_ref()),
        None
    );

    let event = parse_ok(case("booking_rescheduled_previous_start"));
    let b = booking_of(&event);
    assert_eq!(b.original_start, None);
    let previous = b.previous_start().expect("previousStart");
    assert_eq!(previous, rfc3339("2024-05-01T15:00:00Z"));
    assert_eq!(offset_secs(&previous), -4 * 3600);
    assert_eq!(offset_secs(&b.start), -4 * 3600);
}

#[test]
fn typed_new_employee_form_and_unknown() {
    let event = parse_ok(case("new_employee"));
    let EventData::NewEmployee(e) = event.data() else {
        panic!("not NewEmployee");
    };
    assert_eq!(e.id.as_deref(), Some("user-77"));
    assert_eq!(e.email.as_deref(), Some("nora.neu@example.com"));
    assert_eq!(e.given_name.as_deref(), Some("Nora"));
    assert_eq!(e.family_name.as_deref(), Some("Neu"));
    assert_eq!(e.company_id.as_deref(), Some("company-9"));
    assert_eq!(e.updated_at, Some(rfc3339("2024-02-01T08:00:00Z")));
    assert_eq!(e.extra["role"], "member");
    assert!(event.booking().is_none());

    let event = parse_ok(case("form_submission"));
    let EventData::FormSubmission(f) = event.data() else {
        panic!("not FormSubmission");
    };
    assert_eq!(f.form_id.as_deref(), Some("form-contact-1"));
    assert_eq!(f.id, None);
    let at = f.submitted_at.expect("submittedAt");
    assert_eq!(offset_secs(&at), 3600);
    assert_eq!(f.extra["answers"]["email"], "lead@example.com");

    let event = parse_ok(case("unknown_review_published"));
    let EventData::Unknown(u) = event.data() else {
        panic!("not Unknown");
    };
    assert!(
        !event.webhook_type().is_unknown(),
        "review_published is a known type"
    );
    assert_eq!(u.body["rating"], 5);
    assert!(!u.body.contains_key("webhookType"));

    let event = parse_ok(case("unknown_brand_new_type"));
    assert!(event.webhook_type().is_unknown());
    assert!(matches!(event.data(), EventData::Unknown(_)));
}

#[test]
fn typed_envelope_large_and_odd_shapes() {
    let event = parse_ok(case("envelope_booking_created"));
    assert!(event.is_envelope());
    let b = booking_of(&event);
    assert_eq!(
        b.attendees[0].email.as_deref(),
        Some("old.style@example.com")
    );
    assert_eq!(
        b.secret.as_ref().map(Secret::expose_secret),
        Some("sec_env_Kp2Lm4Nn6Bb8Vv0C")
    );
    assert!(b.extra.is_empty());

    let event = parse_ok(case("booking_large"));
    let b = booking_of(&event);
    assert_eq!(b.attendees.len(), 400);
    assert_eq!(
        b.attendees[399].email.as_deref(),
        Some("attendee0399@example.com")
    );
    assert_eq!(b.hosts.len(), 2);
    assert_eq!(
        b.meeting_type
            .as_ref()
            .and_then(|m| m.metadata.as_ref())
            .map(Map::len),
        Some(300)
    );
    assert!(body(case("booking_large")).len() > 90_000);

    let event = parse_ok(case("booking_attendees_null"));
    let b = booking_of(&event);
    assert!(b.attendees.is_empty() && b.hosts.is_empty() && b.host_ids.is_empty());
    assert!(b.meeting_info.is_none() && b.meeting_type.is_none());

    let event = parse_ok(case("booking_undocumented_fields_of_unexpected_type"));
    let b = booking_of(&event);
    assert!(b.location.is_none() && b.cancel.is_none() && b.original_start.is_none());
    let info = b
        .meeting_type
        .as_ref()
        .and_then(|m| m.meeting_info.as_ref())
        .expect("meetingInfo");
    assert_eq!(info.duration, None);
    assert_eq!(info.extra["duration"], "30 min");
    assert_eq!(info.name.as_deref(), Some("Site visit"));

    let event = parse_ok(case("booking_utf8_bom"));
    assert!(!event.raw_json().starts_with('\u{feff}'));
}

#[test]
fn error_paths_are_typed() {
    let err = parse(case("attendee_email_is_a_number")).expect_err("must fail");
    assert_eq!(
        err.kind,
        PayloadErrorKind::InvalidField {
            path: "attendees[1].email".into()
        }
    );
    let err = parse(case("larger_than_custom_limit")).expect_err("must fail");
    let size = body(case("larger_than_custom_limit")).len();
    assert_eq!(err.kind, PayloadErrorKind::TooLarge { size, limit: 256 });
    let err = parse(case("invalid_utf8")).expect_err("must fail");
    let bytes = body(case("invalid_utf8"));
    let offset = bytes.iter().position(|&b| b == 0xFC).expect("the bad byte");
    assert_eq!(err.kind, PayloadErrorKind::InvalidUtf8 { offset });
    let err = parse(case("truncated_json")).expect_err("must fail");
    assert!(
        matches!(err.kind, PayloadErrorKind::InvalidJson { line, .. } if line >= 6),
        "{err:?}"
    );
    // Every error case is also an `Error::Payload` of the crate-wide error type.
    for case in error_cases() {
        let err = parse(case).expect_err("must fail");
        let wrapped = meetergo_core::Error::from(err.clone());
        assert!(matches!(wrapped, meetergo_core::Error::Payload(ref e) if *e == err));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// De-duplication.

#[test]
fn duplicate_deliveries_of_every_fixture_are_skipped() {
    let dedup = Deduplicator::new(Duration::from_secs(3600), 10_000);
    for case in ok_cases() {
        let first = parse_ok(case);
        let second = parse_ok(case);
        let key = first.idempotency_key();
        assert_eq!(key, second.idempotency_key());
        // Keys shared on purpose (same group / same exact key) were already seen by an earlier case.
        let earlier = ok_cases()
            .take_while(|c| c.name != case.name)
            .any(|c| parse_ok(c).idempotency_key() == key);
        assert_eq!(dedup.first_seen(key), !earlier, "case {}", case.name);
        assert!(
            !dedup.first_seen(second.idempotency_key()),
            "case {}",
            case.name
        );
    }
    let distinct: BTreeSet<String> = ok_cases()
        .map(|c| parse_ok(c).idempotency_key().to_owned())
        .collect();
    assert_eq!(dedup.len(), distinct.len());
}

#[test]
fn dedup_ttl_expiry() {
    let ttl = Duration::from_secs(60);
    let dedup = Deduplicator::new(ttl, 100);
    let t0 = Instant::now();
    assert!(dedup.first_seen_at("a", t0));
    assert!(!dedup.first_seen_at("a", t0 + Duration::from_secs(30)));
    assert!(dedup.first_seen_at("b", t0 + Duration::from_secs(30)));
    // Still remembered just before the TTL (counted from the first sighting, not the last).
    assert!(!dedup.first_seen_at("a", t0 + ttl - Duration::from_millis(1)));
    // Forgotten at exactly the TTL: a late duplicate counts as new.
    assert!(dedup.first_seen_at("a", t0 + ttl));
    // `b` (seen at t0+30s) lives until t0+90s.
    assert!(!dedup.first_seen_at("b", t0 + Duration::from_secs(89)));
    assert!(dedup.first_seen_at("b", t0 + Duration::from_secs(90)));
    // Expired keys leave the map.
    assert!(dedup.first_seen_at("c", t0 + Duration::from_secs(1000)));
    assert_eq!(dedup.len(), 1);
    assert_eq!(dedup.ttl(), ttl);
}

#[test]
fn dedup_capacity_evicts_oldest_first() {
    let dedup = Deduplicator::new(Duration::from_secs(3600), 3);
    let t0 = Instant::now();
    let at = |s: u64| t0 + Duration::from_secs(s);
    for (i, k) in ["a", "b", "c"].iter().enumerate() {
        assert!(dedup.first_seen_at(k, at(i as u64)));
    }
    assert_eq!(dedup.len(), 3);
    // A duplicate does not refresh or reorder anything.
    assert!(!dedup.first_seen_at("a", at(3)));
    // A fourth key evicts the oldest (a).
    assert!(dedup.first_seen_at("d", at(4)));
    assert_eq!(dedup.len(), 3);
    assert!(!dedup.first_seen_at("b", at(5)));
    assert!(!dedup.first_seen_at("c", at(5)));
    assert!(!dedup.first_seen_at("d", at(5)));
    // `a` is new again, and evicts `b`.
    assert!(dedup.first_seen_at("a", at(6)));
    assert!(dedup.first_seen_at("b", at(7))); // evicts c
    assert!(!dedup.first_seen_at("d", at(8)));
    assert!(dedup.first_seen_at("c", at(9)));
    assert_eq!(dedup.len(), 3);
    // Capacity 0 is taken as 1.
    let tiny = Deduplicator::new(Duration::from_secs(60), 0);
    assert_eq!(tiny.capacity(), 1);
    assert!(tiny.first_seen("x"));
    assert!(!tiny.first_seen("x"));
    assert!(tiny.first_seen("y"));
    assert!(tiny.first_seen("x"));
    assert_eq!(tiny.len(), 1);
}

#[test]
fn dedup_memory_is_bounded() {
    let dedup = Deduplicator::new(Duration::from_secs(3600), 1000);
    let t0 = Instant::now();
    for i in 0..100_000u32 {
        assert!(dedup.first_seen_at(
            &format!("booking_created:appt-{i}:2024-01-10T12:00:00Z"),
            t0
        ));
    }
    assert!(dedup.len() <= 1000, "len {}", dedup.len());
    assert_eq!(dedup.len(), 1000);
    // The newest keys are the ones kept.
    assert!(!dedup.first_seen_at("booking_created:appt-99999:2024-01-10T12:00:00Z", t0));
    assert!(dedup.first_seen_at("booking_created:appt-0:2024-01-10T12:00:00Z", t0));
}

#[test]
fn dedup_very_long_keys() {
    let dedup = Deduplicator::new(Duration::from_secs(3600), 10);
    let long_a = "a".repeat(1 << 20);
    let mut long_b = long_a.clone();
    long_b.push('b');
    let mut long_c = "a".repeat((1 << 20) - 1);
    long_c.push('c');
    assert!(dedup.first_seen(&long_a));
    assert!(!dedup.first_seen(&long_a));
    assert!(dedup.first_seen(&long_b));
    assert!(dedup.first_seen(&long_c));
    assert!(!dedup.first_seen(&long_b));
    // Keys around the size where the store switches to a digest.
    for n in [127, 128, 129, 130] {
        let k = "k".repeat(n);
        assert!(dedup.first_seen(&k), "len {n}");
        assert!(!dedup.first_seen(&k), "len {n}");
    }
    assert!(dedup.len() <= 10);
    assert!(dedup.forget(&long_a));
    assert!(!dedup.forget(&long_a));
    assert!(dedup.first_seen(&long_a));
}

#[test]
fn dedup_is_thread_safe() {
    let dedup = Arc::new(Deduplicator::new(Duration::from_secs(3600), 10_000));
    let keys: Vec<String> = (0..1000)
        .map(|i| format!("booking_created:appt-{i}:t"))
        .collect();
    let total: usize = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let dedup = Arc::clone(&dedup);
                let keys = &keys;
                s.spawn(move || {
                    // Each thread walks the keys from another starting point, to maximise contention.
                    (0..keys.len())
                        .filter(|i| dedup.first_seen(&keys[(i + t * 125) % keys.len()]))
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    assert_eq!(total, 1000);
    assert_eq!(dedup.len(), 1000);
}

/// Where the models read ids (the README's id rule): `a.b` is the field `b` of the object `a`, `list[]` every element
/// of a list, by class (bookings, `new_employee`, `form_submission`).
const BOOKING_ID_PATHS: &[&str] = &[
    "id",
    "attendees[].id",
    "hosts[].id",
    "hostIds[]",
    "meetingType.id",
    "meetingTypeId",
    "companyId",
];
const ID_PATHS: [&[&str]; 5] = [
    BOOKING_ID_PATHS,
    BOOKING_ID_PATHS,
    BOOKING_ID_PATHS,
    &["id", "companyId"],
    &["id", "formId", "companyId"],
];
const CLASS_NAMES: [&str; 5] = [
    "BookingCreated",
    "BookingCancelled",
    "BookingRescheduled",
    "NewEmployee",
    "FormSubmission",
];

/// `ID_PATHS` names exactly the fields the models read as ids: in the documented bodies of each modelled class,
/// every string value is replaced by an integer in turn; where the path is listed, the event parses and writes the id
/// as its string (in `to_value` and in the normalized `to_json`); anywhere else, the integer is never turned into a
/// string.
#[test]
fn id_paths_name_every_id_the_models_read() {
    fn string_leaves(value: &Value, path: String, out: &mut Vec<String>) {
        match value {
            Value::String(_) => out.push(path),
            Value::Object(m) => {
                for (k, v) in m {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    string_leaves(v, p, out);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    string_leaves(v, format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
    fn set(value: &mut Value, path: &str, to: Value) {
        let target = segments(path).iter().fold(value, |v, seg| match seg {
            Seg::Key(k) => &mut v[k.as_str()],
            Seg::Index(i) => &mut v[*i],
        });
        *target = to;
    }
    /// `attendees[0].id` → `attendees[].id`.
    fn pattern(path: &str) -> String {
        let mut out = String::new();
        let mut in_index = false;
        for c in path.chars() {
            match c {
                '[' => {
                    in_index = true;
                    out.push_str("[]");
                }
                ']' => in_index = false,
                c if !in_index => out.push(c),
                _ => {}
            }
        }
        out
    }
    let mut covered = BTreeSet::new();
    for (file, class) in [
        ("booking_created_full.json", 0),
        ("new_employee.json", 3),
        ("form_submission_with_id.json", 4),
    ] {
        let body: Value = serde_json::from_slice(
            &std::fs::read(fixtures_dir().join("deliveries").join(file)).unwrap(),
        )
        .unwrap();
        let mut leaves = Vec::new();
        string_leaves(&body, String::new(), &mut leaves);
        for path in leaves.into_iter().filter(|p| p != "webhookType") {
            let mut changed = body.clone();
            set(&mut changed, &path, Value::from(31_337));
            let listed = ID_PATHS[class].contains(&pattern(&path).as_str());
            match Event::from_slice(changed.to_string().as_bytes()) {
                Ok(event) => {
                    let as_string = lookup(&event.to_value(), &path) == Some(&Value::from("31337"));
                    assert_eq!(as_string, listed, "{file}: {path}");
                    let normalized: Value = serde_json::from_str(&event.to_json()).unwrap();
                    let in_json = lookup(&normalized, &path) == Some(&Value::from("31337"));
                    assert_eq!(in_json, listed, "{file}: {path}");
                    if listed {
                        covered.insert((class, pattern(&path)));
                    }
                }
                Err(e) => assert!(!listed, "{file}: {path}: {e}"),
            }
        }
    }
    for (class, paths) in ID_PATHS.iter().enumerate() {
        let class = if class < 3 { 0 } else { class };
        for path in *paths {
            assert!(
                covered.contains(&(class, (*path).to_owned())),
                "{path} of {} is in no documented body",
                CLASS_NAMES[class]
            );
        }
    }
}
