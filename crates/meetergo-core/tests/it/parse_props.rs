//! Property tests: `Event::from_slice` never panics, whatever the body, and every failure is a `PayloadError` with a
//! message. Inputs: random bytes, random JSON, and mutations of every ok fixture of the shared corpus.
//!
//! Case counts are set explicitly so the whole module stays well under 20 s in a debug build.

use std::sync::OnceLock;

use meetergo_core::{Event, ParseOptions, PayloadError};
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::fixtures::{body, ok_cases, options};

/// The ok fixtures, as `(name, bytes, value)`.
fn corpus() -> &'static [(String, Vec<u8>, Value)] {
    static CORPUS: OnceLock<Vec<(String, Vec<u8>, Value)>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        ok_cases()
            .filter(|c| c.max_body_bytes.is_none())
            .map(|c| {
                let bytes = body(c);
                let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                let value = serde_json::from_slice(text).expect("ok fixtures are JSON");
                (c.name.clone(), bytes, value)
            })
            .collect()
    })
}

/// Fixtures small enough to truncate at every position.
const SMALL: usize = 4096;

fn check_error(err: &PayloadError) {
    assert!(!err.message.trim().is_empty(), "empty message: {err:?}");
    assert!(!err.to_string().trim().is_empty());
    let _ = format!("{err:?}");
}

/// Parses and exercises the result: an `Ok` event must serialize, key and print; an `Err` must explain itself.
fn exercise(bytes: &[u8]) -> Option<Event> {
    // Masking secrets in place (the CLI's log) never panics, and keeps the length and the JSON.
    if let Some(masked) = meetergo_core::mask_secrets(bytes) {
        assert_eq!(masked.bytes.len(), bytes.len());
        // Masks are ASCII: text stays text (bytes that are not UTF-8 inside a secret are masked too).
        assert!(std::str::from_utf8(bytes).is_err() || masked.as_text().is_some());
        let text = String::from_utf8_lossy(&masked.bytes);
        let json = text.trim_start_matches('\u{feff}');
        assert!(
            serde_json::from_str::<serde::de::IgnoredAny>(json).is_ok(),
            "{json}"
        );
    }
    match Event::from_slice(bytes) {
        Ok(event) => {
            assert!(!event.idempotency_key().is_empty());
            let value = event.to_value();
            assert!(value.is_object());
            let _ = format!("{event:?}");
            let _ = event.booking();
            // What it serializes to parses again.
            let again = Event::from_json_str(&value.to_string())
                .unwrap_or_else(|e| panic!("re-parse of {value} failed: {e:?}"));
            assert_eq!(again.webhook_type(), event.webhook_type());
            Some(event)
        }
        Err(err) => {
            check_error(&err);
            None
        }
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        Just(Value::String("2024-01-15T09:00:00+01:00".into())),
        Just(Value::String("booking_created".into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(arb_key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Keys: mostly the wire names the models know, so random objects reach the typed paths.
fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "webhookType", "id", "secret", "start", "end", "location", "isCancelled", "rescheduledAt",
            "meetingInfo", "attendees", "hosts", "hostIds", "meetingType", "meetingTypeId", "companyId",
            "createdAt", "updatedAt", "cancel", "originalStart", "previousStart", "email", "givenName",
            "formId", "submittedAt", "name", "duration", "metadata", "event", "data", "actionAt",
        ])
        .prop_map(str::to_owned),
        1 => "[a-zA-Z]{0,8}",
    ]
}

fn arb_type() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "booking_created", "booking_cancelled", "booking_rescheduled", "new_employee",
            "form_submission", "review_published", "brand_new", "", " ",
        ])
        .prop_map(Value::from),
        1 => arb_json(),
    ]
}

/// Replaces the value at a pseudo-random position of `value` (picked by `pick`) with `with`.
fn replace_somewhere(value: &mut Value, mut pick: usize, with: Value) {
    let mut node = value;
    loop {
        let n = match node {
            Value::Object(m) => m.len(),
            Value::Array(a) => a.len(),
            _ => 0,
        };
        // Stop here with probability ~1/3, or at a leaf.
        if n == 0 || pick % 3 == 0 {
            *node = with;
            return;
        }
        let i = (pick / 3) % n;
        pick /= 7;
        node = match node {
            Value::Object(m) => m.values_mut().nth(i).expect("index in range"),
            Value::Array(a) => &mut a[i],
            _ => unreachable!(),
        };
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        exercise(&bytes);
    }

    #[test]
    fn random_bytes_after_an_object_start_never_panic(
        ty in prop::sample::select(vec!["booking_created", "new_employee", "form_submission", "x"]),
        tail in prop::collection::vec(any::<u8>(), 0..128),
    ) {
        let mut bytes = format!(r#"{{"webhookType":"{ty}","#).into_bytes();
        bytes.extend_from_slice(&tail);
        exercise(&bytes);
    }

    #[test]
    fn random_json_never_panics(value in arb_json()) {
        exercise(value.to_string().as_bytes());
    }

    #[test]
    fn random_objects_with_a_type_never_panic(
        ty in arb_type(),
        fields in prop::collection::btree_map(arb_key(), arb_json(), 0..10),
        envelope in any::<bool>(),
    ) {
        let mut body: Map<String, Value> = fields.into_iter().collect();
        let body = if envelope {
            Value::Object(Map::from_iter([("event".to_owned(), ty), ("data".to_owned(), Value::Object(body))]))
        } else {
            body.insert("webhookType".into(), ty);
            Value::Object(body)
        };
        exercise(body.to_string().as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn fixtures_with_flipped_bytes_never_panic(
        pick in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 1..4),
    ) {
        let (_, bytes, _) = pick.get(corpus());
        let mut bytes = bytes.clone();
        for (at, mask) in flips {
            let i = at.index(bytes.len());
            bytes[i] ^= mask;
        }
        exercise(&bytes);
    }

    #[test]
    fn fixtures_with_inserted_bytes_never_panic(
        pick in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        inserted in prop::collection::vec(
            prop_oneof![any::<u8>(), prop::sample::select(b"{}[]\",:\\0-eE.nt ".to_vec())],
            1..8,
        ),
    ) {
        let (_, bytes, _) = pick.get(corpus());
        let mut bytes = bytes.clone();
        let i = at.index(bytes.len() + 1);
        bytes.splice(i..i, inserted);
        exercise(&bytes);
    }

    #[test]
    fn fixtures_with_replaced_values_never_panic(
        pick in any::<prop::sample::Index>(),
        position in any::<usize>(),
        with in arb_json(),
    ) {
        let (_, _, value) = pick.get(corpus());
        let mut value = value.clone();
        replace_somewhere(&mut value, position, with);
        exercise(value.to_string().as_bytes());
    }

    #[test]
    fn any_limit_gives_ok_or_too_large(pick in any::<prop::sample::Index>(), limit in 0usize..200_000) {
        let (name, bytes, _) = pick.get(corpus());
        let result = Event::from_slice_with(bytes, &ParseOptions::default().max_body_bytes(limit));
        match result {
            Ok(_) => prop_assert!(bytes.len() <= limit, "{name}: {} > {limit}", bytes.len()),
            Err(e) => {
                prop_assert!(bytes.len() > limit, "{name}: {e:?}");
                let too_large = matches!(e.kind, meetergo_core::PayloadErrorKind::TooLarge { .. });
                prop_assert!(too_large, "{name}: {e:?}");
            }
        }
    }
}

#[test]
fn small_fixtures_truncated_at_every_position_never_panic() {
    let mut truncations = 0;
    for (name, bytes, _) in corpus().iter().filter(|(_, b, _)| b.len() <= SMALL) {
        for end in 0..bytes.len() {
            let cut = &bytes[..end];
            // A prefix that ends in trailing whitespace of a complete object is still that object.
            if let Some(event) = exercise(cut) {
                let rest = &bytes[end..];
                assert!(
                    rest.iter().all(u8::is_ascii_whitespace),
                    "{name}: the prefix of {end} bytes parsed: {event:?}"
                );
            }
            truncations += 1;
        }
    }
    assert!(truncations > 5_000, "only {truncations} truncations");
}

#[test]
fn large_fixture_truncated_at_sampled_positions_never_panics() {
    for (name, bytes, _) in corpus().iter().filter(|(_, b, _)| b.len() > SMALL) {
        for end in (0..bytes.len()).step_by(997) {
            assert!(
                exercise(&bytes[..end]).is_none(),
                "{name}: prefix {end} parsed"
            );
        }
    }
}

#[test]
fn every_error_fixture_gives_a_payload_error_with_a_message() {
    for case in crate::fixtures::error_cases() {
        let err = Event::from_slice_with(&body(case), &options(case)).expect_err(&case.name);
        check_error(&err);
    }
}
