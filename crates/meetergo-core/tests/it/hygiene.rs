//! Secret hygiene of delivery parsing: a booking's `secret` (a token that can cancel or reschedule the booking)
//! never shows up in `Debug` output of events, payloads and bookings, nor in any `PayloadError`, including the
//! error for a `secret` of the wrong type. (The API token's hygiene is tested with the client.)

use std::collections::BTreeSet;

use meetergo_core::{Event, PayloadErrorKind, Secret};
use serde_json::{Value, json};

use crate::fixtures::{body, cases, error_cases, input_value, ok_cases, parse, parse_ok};

/// The values of every `"…secret…": "<string>"` pair in a body, found by scanning the text (the bad fixtures do not
/// parse). Keys are matched case-insensitively; only string values of at least 8 characters count.
fn secrets_in_text(bytes: &[u8]) -> BTreeSet<String> {
    let text = String::from_utf8_lossy(bytes);
    let lower = text.to_ascii_lowercase();
    let mut out = BTreeSet::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find("secret\"") {
        let after = from + i + "secret\"".len();
        from = after;
        let rest = text[after..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        if let Some(end) = rest.find('"') {
            if end >= 8 {
                out.insert(rest[..end].to_owned());
            }
        }
    }
    out
}

/// Every secret of the corpus.
fn all_secrets() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for case in cases() {
        out.extend(secrets_in_text(&body(case)));
    }
    out
}

/// The booking `secret` of an ok fixture (top level, or in `data` for the older envelope).
fn booking_secret(value: &Value) -> Option<&str> {
    value
        .get("secret")
        .or_else(|| value.get("data")?.get("secret"))
        .and_then(Value::as_str)
}

fn assert_hidden(output: &str, secrets: &BTreeSet<String>, what: &str) {
    for secret in secrets {
        assert!(
            !output.contains(secret.as_str()),
            "{what} leaks {secret:?}: {output}"
        );
    }
}

#[test]
fn the_corpus_has_secrets_to_hide() {
    let secrets = all_secrets();
    assert!(secrets.len() >= 12, "{secrets:?}");
    let with_secret = ok_cases()
        .filter(|c| booking_secret(&input_value(c)).is_some())
        .count();
    assert!(
        with_secret >= 8,
        "only {with_secret} ok fixtures with a secret"
    );
}

#[test]
fn debug_output_of_parsed_fixtures_never_contains_a_secret() {
    let secrets = all_secrets();
    for case in ok_cases() {
        let event = parse_ok(case);
        let own = booking_secret(&input_value(case)).map(str::to_owned);
        let what = |part: &str| format!("case {}: {part}", case.name);
        for (part, output) in [
            ("{:?} of the event", format!("{event:?}")),
            ("{:#?} of the event", format!("{event:#?}")),
            ("{:?} of event.data()", format!("{:?}", event.data())),
            ("{:#?} of event.data()", format!("{:#?}", event.data())),
            (
                "{:?} of into_data()",
                format!("{:?}", event.clone().into_data()),
            ),
        ] {
            assert_hidden(&output, &secrets, &what(part));
            if own.is_some() {
                assert!(output.contains("[redacted]"), "{}: {output}", what(part));
            }
        }
        if let Some(booking) = event.booking() {
            assert_hidden(
                &format!("{booking:?}"),
                &secrets,
                &what("{:?} of the booking"),
            );
            assert_hidden(
                &format!("{booking:#?}"),
                &secrets,
                &what("{:#?} of the booking"),
            );
            if let Some(secret) = &booking.secret {
                // Readable on purpose, printable never.
                assert_eq!(
                    Some(secret.expose_secret()),
                    own.as_deref(),
                    "{}",
                    case.name
                );
                assert_hidden(
                    &format!("{secret:?} {secret}"),
                    &secrets,
                    &what("the Secret"),
                );
            }
        }
    }
}

#[test]
fn secret_like_fields_the_sdk_does_not_model_are_masked_too() {
    let event = parse_ok(crate::fixtures::case("booking_extra_fields"));
    let booking = event.booking().expect("booking");
    assert_eq!(
        booking.extra["bookingSecret"],
        "should-be-redacted-in-debug"
    );
    assert!(!format!("{event:?}").contains("should-be-redacted-in-debug"));

    let event = parse_ok(crate::fixtures::case("unknown_review_published"));
    let debug = format!("{:?}", event.data());
    assert!(!debug.contains("sec_review_u7Yt5Rr3Ee1Ww9Qq"), "{debug}");
    assert!(
        debug.contains("Smooth booking"),
        "the rest is printed: {debug}"
    );

    let secret = Secret::new("s3cr3t-value");
    assert_eq!(format!("{secret:?}"), "Secret([redacted])");
    assert_eq!(secret.to_string(), "[redacted]");
}

#[test]
fn errors_of_bad_fixtures_never_contain_a_secret() {
    let secrets = all_secrets();
    let mut checked = 0;
    for case in error_cases() {
        let err = parse(case).expect_err(&case.name);
        let own = secrets_in_text(&body(case));
        checked += usize::from(!own.is_empty());
        for output in [
            format!("{err:?}"),
            err.to_string(),
            format!("{:?}", err.kind),
        ] {
            assert_hidden(&output, &secrets, &format!("error of case {}", case.name));
        }
        let wrapped = meetergo_core::Error::from(err);
        assert_hidden(&format!("{wrapped:?} {wrapped}"), &secrets, &case.name);
    }
    assert!(checked >= 8, "only {checked} bad fixtures carry a secret");
}

#[test]
fn a_secret_of_the_wrong_type_is_never_echoed() {
    let mut checked = 0;
    for case in ok_cases() {
        let input = input_value(case);
        let Some(secret) = booking_secret(&input).map(str::to_owned) else {
            continue;
        };
        if parse_ok(case).booking().is_none() {
            continue; // unknown events keep any `secret` as it is
        }
        let envelope = input.get("data").is_some();
        let replacements = [
            json!(987_654_321_012_345_u64),
            json!(-31_415.926_5),
            json!(true),
            json!([secret]),
            json!({ "value": secret, "note": "cancel-token-xyz" }),
            json!([[{ "nested": secret }]]),
        ];
        for replacement in replacements {
            let mut body = input.clone();
            let slot = if envelope {
                &mut body["data"]
            } else {
                &mut body
            };
            slot["secret"] = replacement.clone();
            let err = Event::from_json_str(&body.to_string()).expect_err("a wrong-typed secret");
            let want = if envelope { "data.secret" } else { "secret" };
            assert_eq!(
                err.kind,
                PayloadErrorKind::InvalidField { path: want.into() },
                "case {}: {err:?}",
                case.name
            );
            let shown = format!("{err:?} {err}");
            let mut forbidden = vec![secret.clone(), "cancel-token-xyz".to_owned()];
            if !replacement.is_array() && !replacement.is_object() {
                forbidden.push(replacement.to_string());
            }
            for needle in &forbidden {
                assert!(
                    !shown.contains(needle.as_str()),
                    "case {}: the error echoes {needle:?}: {shown}",
                    case.name
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} checks");
}

/// Free-form maps inside typed fields (meeting-type metadata) are masked like `extra`.
#[test]
fn secret_keys_in_metadata_are_masked() {
    let body = br#"{"webhookType":"booking_created","id":"a","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z",
        "meetingType":{"id":"mt","metadata":{"zoomToken":"zt-hunter2","crmPassword":"pw-hunter3","team":"sales"}}}"#;
    let event = meetergo_core::Event::from_slice(body).unwrap();
    let shown = format!("{event:?} {:?}", event.booking().unwrap().meeting_type);
    assert!(
        !shown.contains("hunter2") && !shown.contains("hunter3"),
        "{shown}"
    );
    assert!(
        shown.contains("sales"),
        "other metadata still shows: {shown}"
    );
    // The value stays readable.
    let metadata = event
        .booking()
        .unwrap()
        .meeting_type
        .as_ref()
        .unwrap()
        .metadata
        .as_ref()
        .unwrap();
    assert_eq!(metadata["zoomToken"], "zt-hunter2");
}

/// What a receiver writes to its log never holds the booking secret, whatever the body looks like.
#[test]
fn bodies_for_logs_are_redacted() {
    let body = br#"{"webhookType":"booking_created","id":"a","secret":"sec_hunter2","attendees":[{"email":"a@b.c"}]}"#;
    let logged = meetergo_core::redact_body(body);
    assert!(
        !logged.contains("hunter2") && logged.contains("a@b.c"),
        "{logged}"
    );
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(body);
    assert!(!meetergo_core::redact_body(&bom).contains("hunter2"));
    let truncated = &body[..body.len() - 10];
    let logged = meetergo_core::redact_body(truncated);
    assert!(
        !logged.contains("hunter2") && logged.contains("withheld"),
        "{logged}"
    );
    assert_eq!(meetergo_core::redact_body(b"plain text"), "plain text");
    assert_eq!(meetergo_core::redact_body(b"\xff ok"), "\u{fffd} ok");
}

#[test]
fn credentials_in_urls_are_masked_for_printing() {
    use meetergo_core::redact_url;
    let cases = [
        (
            "https://example.com/h?team=a&access_token=t0k",
            "https://example.com/h?team=a&access_token=[redacted]",
        ),
        (
            "HTTPS://user:pa55@example.com:8443/h",
            "HTTPS://[redacted]@example.com:8443/h",
        ),
        (
            "https://example.com/h#state=1&id_token=t0k",
            "https://example.com/h#state=1&id_token=[redacted]",
        ),
        (
            "https://example.com/h?api%5Fkey=t0k&pwd=x",
            "https://example.com/h?api%5Fkey=[redacted]&pwd=[redacted]",
        ),
        // A path secret, wherever it is in the path.
        (
            "https://example.com/hooks/mps_0123456789abcdefghijKL?x=1",
            "https://example.com/hooks/[redacted]?x=1",
        ),
        (
            "https://u:p@example.com/mps_0123456789abcdefghijKL/more",
            "https://[redacted]@example.com/[redacted]/more",
        ),
        (
            "https://h.example/hooks/mps_0123456789abcdefghijKL;v=1",
            "https://h.example/hooks/[redacted]",
        ),
        // `;` separates parameters too, in the query and after a path segment.
        (
            "https://example.com/hook;sid=s1d;x=1/b?a=1;token=t0k&pw=p#c=1;code=c0de",
            "https://example.com/hook;sid=[redacted];x=1/b?a=1;token=[redacted]&pw=[redacted]#c=1;code=[redacted]",
        ),
        // Nothing to mask: returned as given.
        (
            "https://example.com/mps_short/mps_",
            "https://example.com/mps_short/mps_",
        ),
        (
            "https://example.com/a@b?monkey=1&token=",
            "https://example.com/a@b?monkey=1&token=",
        ),
        ("not a url ?token=t0k", "not a url ?token=t0k"),
        ("", ""),
    ];
    for (url, expected) in cases {
        assert_eq!(redact_url(url), expected, "{url}");
    }
}

#[test]
fn webhook_debug_masks_credentials_in_the_endpoint() {
    let hook: meetergo_core::Webhook = serde_json::from_value(json!({
        "id": "w1",
        "endpoint": "https://example.com/h?token=t0ps3cret",
        "eventTypes": ["booking_created"],
    }))
    .unwrap();
    assert_eq!(hook.endpoint, "https://example.com/h?token=t0ps3cret");
    let printed = format!("{hook:?}");
    assert!(
        !printed.contains("t0ps3cret") && printed.contains("token=[redacted]"),
        "{printed}"
    );
    // A Zoom link's meeting password is masked in a booking's Debug output as well.
    let event = Event::from_slice(
        br#"{"webhookType":"booking_created","id":"b","start":"2026-01-01T10:00:00Z","end":"2026-01-01T10:30:00Z",
            "meetingInfo":{"channel":"zoom","meetingLink":"https://zoom.us/j/1?pwd=zo0mpw"}}"#,
    )
    .unwrap();
    let printed = format!("{event:?}");
    assert!(
        !printed.contains("zo0mpw") && printed.contains("pwd=[redacted]"),
        "{printed}"
    );
}

/// `mask_secrets` keeps every byte of a body but the secrets: for each fixture that is JSON (bytes that are not UTF-8
/// included), the masked body has the same length, still parses, equals the body everywhere but at the masked paths,
/// and holds none of its secrets.
#[test]
fn secrets_masked_in_place_keep_everything_else() {
    use crate::fixtures::{Seg, lookup, segments};
    let mut masked_some = 0;
    for case in cases() {
        let bytes = body(case);
        let text = String::from_utf8_lossy(&bytes);
        let parsed = serde_json::from_str::<Value>(text.trim_start_matches('\u{feff}'));
        let masked = meetergo_core::mask_secrets(&bytes);
        assert_eq!(parsed.is_ok(), masked.is_some(), "case {}", case.name);
        let (Ok(before), Some(masked)) = (parsed, masked) else {
            continue;
        };
        assert_eq!(masked.bytes.len(), bytes.len(), "case {}", case.name);
        let masked_text = String::from_utf8_lossy(&masked.bytes);
        for secret in secrets_in_text(&bytes) {
            assert!(
                !masked_text.contains(&secret),
                "case {}: {secret}",
                case.name
            );
        }
        let mut after: Value =
            serde_json::from_str(masked_text.trim_start_matches('\u{feff}')).unwrap();
        for path in &masked.masked {
            let (original, now) = (
                lookup(&before, path).unwrap(),
                lookup(&after, path).unwrap(),
            );
            assert_ne!(original, now, "case {}: {path}", case.name);
            // Put the original back: then nothing else may differ.
            let target = segments(path).iter().fold(&mut after, |v, seg| match seg {
                Seg::Key(k) => &mut v[k.as_str()],
                Seg::Index(i) => &mut v[*i],
            });
            *target = original.clone();
        }
        assert_eq!(after, before, "case {}", case.name);
        masked_some += usize::from(!masked.masked.is_empty());
    }
    assert!(masked_some >= 20, "only {masked_some} bodies had a secret");

    let tricky = "\u{feff}{ \"a\" : [ {\"client_secret\" : \"x\\\"y\\u00e9\" , \"n\":1},\n\"keep\" ],\"apiKey\":{\"inner\":[-1.5e3,\"z\",true]},\"token\":null,\"pin\":\"\"}";
    let masked = meetergo_core::mask_secrets(tricky.as_bytes()).unwrap();
    assert_eq!(
        masked.as_text(),
        Some(
            "\u{feff}{ \"a\" : [ {\"client_secret\" : \"**********\" , \"n\":1},\n\"keep\" ],\"apiKey\":{\"inner\":[999999,\"*\",true]},\"token\":null,\"pin\":\"\"}"
        )
    );
    assert_eq!(
        masked.masked,
        ["a[0].client_secret", "apiKey"],
        "null and \"\" hold nothing to mask"
    );
    assert!(meetergo_core::mask_secrets(b"{\"secret\":").is_none());
    assert!(meetergo_core::mask_secrets(b"").is_none());

    // Bytes that are not UTF-8 stay as they are, and the secret next to them is masked.
    let latin1 = b"{\"name\":\"J\xfcrgen\",\"secret\":\"sec_\xff_x\"}";
    let masked = meetergo_core::mask_secrets(latin1).unwrap();
    assert_eq!(
        masked.bytes,
        b"{\"name\":\"J\xfcrgen\",\"secret\":\"*******\"}"
    );
    assert!(masked.as_text().is_none());
}

/// What a log keeps of a body: the bytes with their secrets masked (JSON, UTF-8 or not), the bytes of a body that is
/// not JSON, nothing of one that is not JSON and names a secret; the bytes as received with `keep_secrets`.
#[test]
fn log_bodies_never_hold_a_secret_unless_asked() {
    use meetergo_core::{LogBody, log_body};
    let mut withheld = 0;
    for case in cases() {
        let bytes = body(case);
        let secrets = secrets_in_text(&bytes);
        match log_body(&bytes, false) {
            LogBody::Kept(kept) => {
                let text = String::from_utf8_lossy(&kept.bytes);
                for secret in &secrets {
                    assert!(
                        !text.contains(secret.as_str()),
                        "case {}: {secret}",
                        case.name
                    );
                }
                assert_eq!(kept.bytes.len(), bytes.len(), "case {}", case.name);
            }
            LogBody::Withheld => withheld += 1,
            other => panic!("{other:?}"),
        }
        match log_body(&bytes, true) {
            LogBody::Kept(kept) => assert!(kept.bytes == bytes && kept.masked.is_empty()),
            other => panic!("{other:?}"),
        }
    }
    assert!(withheld >= 1, "the truncated bodies name a secret");
    assert_eq!(
        log_body(b"not json at all", false),
        log_body(b"not json at all", true)
    );
    assert_eq!(log_body(b"not json, token=abc", false), LogBody::Withheld);
}
