//! Validation before sending: endpoints, event types, patches, ids, credentials.

use meetergo_core::validate::validate_webhook_id;
use meetergo_core::{
    ApiKey, EventType, NewWebhook, TokenKind, ValidationErrorKind as Kind, WebhookPatch,
    user_id_header, validate_endpoint, validate_event_types, validate_new_webhook, validate_patch,
};

fn kind(endpoint: &str, insecure: bool) -> Option<Kind> {
    validate_endpoint(endpoint, insecure).err().map(|e| {
        assert_eq!(e.field, "endpoint");
        assert!(!e.reason.is_empty());
        e.kind
    })
}

#[test]
fn public_https_endpoints_pass() {
    for ok in [
        "https://your-server.com/webhooks/meetergo",
        "https://abc123.ngrok.io/hook",
        "https://example.com:8443/a/b?tenant=42&x=1",
        "https://8.8.8.8/hook",
        "https://[2001:4860:4860::8888]/hook",
        "https://xn--bcher-kva.example/hook",
    ] {
        assert_eq!(kind(ok, false), None, "{ok}");
    }
}

#[test]
fn insecure_or_private_endpoints_are_rejected_unless_allowed() {
    let cases = [
        ("http://your-server.com/hook", Kind::InsecureScheme),
        ("https://localhost/hook", Kind::PrivateHost),
        ("https://LOCALHOST./hook", Kind::PrivateHost),
        ("https://api.localhost/hook", Kind::PrivateHost),
        ("https://printer.local/hook", Kind::PrivateHost),
        ("https://intranet/hook", Kind::PrivateHost),
        ("https://127.0.0.1/hook", Kind::PrivateHost),
        ("https://127.1/hook", Kind::PrivateHost),
        ("https://0x7f000001/hook", Kind::PrivateHost),
        ("https://0x7f.1/hook", Kind::PrivateHost),
        ("https://0177.0.0.1/hook", Kind::PrivateHost),
        ("https://%6cocalhost/hook", Kind::PrivateHost),
        ("https://10.1.2.3/hook", Kind::PrivateHost),
        ("https://172.16.0.1/hook", Kind::PrivateHost),
        ("https://172.31.255.255/hook", Kind::PrivateHost),
        ("https://192.168.1.1/hook", Kind::PrivateHost),
        (
            "https://169.254.169.254/latest/meta-data",
            Kind::PrivateHost,
        ),
        ("https://100.64.0.1/hook", Kind::PrivateHost),
        ("https://0.0.0.0/hook", Kind::PrivateHost),
        ("https://[::1]/hook", Kind::PrivateHost),
        ("https://[fd00::1]/hook", Kind::PrivateHost),
        ("https://[fe80::1]/hook", Kind::PrivateHost),
        ("https://[::ffff:10.0.0.1]/hook", Kind::PrivateHost),
    ];
    // Spellings that readers disagree on are refused even where the host itself is allowed.
    let respelled = [
        "https://127.1/hook",
        "https://0x7f000001/hook",
        "https://0x7f.1/hook",
        "https://0177.0.0.1/hook",
        "https://%6cocalhost/hook",
    ];
    for (url, expected) in cases {
        assert_eq!(kind(url, false), Some(expected), "{url}");
        let allowed = if respelled.contains(&url) {
            Some(Kind::Malformed)
        } else {
            None
        };
        assert_eq!(kind(url, true), allowed, "{url} with allow_insecure");
    }
    // 172.32/12 is outside the private range.
    assert_eq!(kind("https://172.32.0.1/hook", false), None);
}

#[test]
fn secrets_in_urls_are_never_allowed() {
    for url in [
        "https://user:pass@example.com/hook",
        "https://user@example.com/hook",
        "https://example.com/hook?token=abc",
        "https://example.com/hook?api_key=abc",
        "https://example.com/hook?API-KEY=abc",
        "https://example.com/hook?x=1&secret=abc",
        "https://example.com/hook?password=abc",
        "https://example.com/hook?signature=abc",
        "https://example.com/hook?access_token=abc",
        "https://example.com/hook?client_secret=abc",
        "http://127.0.0.1:3000/hook?key=abc",
    ] {
        assert_eq!(kind(url, false), Some(Kind::SecretInUrl), "{url}");
        assert_eq!(
            kind(url, true),
            Some(Kind::SecretInUrl),
            "{url} with allow_insecure"
        );
    }
    // The value never appears in the reason.
    let e = validate_endpoint("https://example.com/hook?token=hunter2", false).unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
    // Parameter names that merely contain "key" are fine.
    assert_eq!(
        kind("https://example.com/hook?monkey=1&keyboard=2", false),
        None
    );
}

#[test]
fn malformed_endpoints() {
    assert_eq!(kind("", false), Some(Kind::Missing));
    assert_eq!(kind("   ", false), Some(Kind::Missing));
    assert_eq!(kind("/webhooks/meetergo", false), Some(Kind::Malformed));
    assert_eq!(kind("your-server.com/hook", false), Some(Kind::Malformed));
    assert_eq!(kind("ftp://example.com/hook", true), Some(Kind::Malformed));
    assert_eq!(
        kind("https://example.com/ hook", false),
        Some(Kind::Malformed)
    );
    assert_eq!(
        kind(" https://example.com/hook", false),
        Some(Kind::Malformed)
    );
    assert_eq!(
        kind("https://example.com/hook\n", false),
        Some(Kind::Malformed)
    );
    // Internationalized domains are given in their punycode form; a Unicode host is refused with the fix.
    let e = validate_endpoint("https://bücher.example/hook", false).unwrap_err();
    assert_eq!(e.kind, Kind::Malformed);
    assert_eq!(
        e.reason,
        "the host `bücher.example` is not ASCII; give an internationalized domain in its punycode form (`xn--...`)"
    );
    // Full-width letters that a URL parser maps to `localhost` are refused, not let through.
    assert_eq!(
        kind("https://ｌｏｃａｌｈｏｓｔ/hook", true),
        Some(Kind::Malformed)
    );
    // The URL Standard's wording for a URL that does not parse.
    let e = validate_endpoint("https://example.com:99999/hook", false).unwrap_err();
    assert_eq!(e.reason, "not an absolute URL (invalid port number)");
    let long = format!("https://example.com/{}", "a".repeat(3000));
    assert_eq!(kind(&long, false), Some(Kind::TooLong));
}

#[test]
fn event_types_are_required_deduplicated_and_open() {
    let got = validate_event_types([
        "booking_created",
        "booking_cancelled",
        "booking_created",
        "brand_new",
    ])
    .unwrap();
    assert_eq!(
        got,
        vec![
            EventType::BookingCreated,
            EventType::BookingCancelled,
            EventType::Unknown("brand_new".into())
        ]
    );
    let e = validate_event_types(Vec::<EventType>::new()).unwrap_err();
    assert_eq!((e.field.as_str(), e.kind), ("eventTypes", Kind::Missing));
    let e = validate_event_types(["booking_created", ""]).unwrap_err();
    assert_eq!((e.field.as_str(), e.kind), ("eventTypes[1]", Kind::Missing));
    let e = validate_event_types([" booking_created"]).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.kind),
        ("eventTypes[0]", Kind::Malformed)
    );
}

#[test]
fn new_webhook_and_patch_are_normalized() {
    let hook = NewWebhook::new(
        "https://example.com/h",
        [EventType::NewEmployee, EventType::NewEmployee],
    )
    .description("d");
    let checked = validate_new_webhook(&hook, false).unwrap();
    assert_eq!(checked.event_types, vec![EventType::NewEmployee]);
    assert_eq!(checked.description.as_deref(), Some("d"));

    let too_long =
        NewWebhook::new("https://example.com/h", ["booking_created"]).description("x".repeat(1001));
    assert_eq!(
        validate_new_webhook(&too_long, false).unwrap_err().field,
        "description"
    );

    assert_eq!(
        validate_patch(&WebhookPatch::new(), false)
            .unwrap_err()
            .kind,
        Kind::Missing
    );
    let e = validate_patch(
        &WebhookPatch::new().event_types(Vec::<EventType>::new()),
        false,
    )
    .unwrap_err();
    assert_eq!(e.field, "eventTypes");
    let e = validate_patch(&WebhookPatch::new().endpoint("http://example.com"), false).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.kind),
        ("endpoint", Kind::InsecureScheme)
    );
    let p = validate_patch(
        &WebhookPatch::new().event_types(["new_employee", "new_employee"]),
        false,
    )
    .unwrap();
    assert_eq!(p.event_types, Some(vec![EventType::NewEmployee]));
}

#[test]
fn webhook_ids() {
    assert!(validate_webhook_id("webhook-uuid-123").is_ok());
    assert!(validate_webhook_id("a/b?c#d").is_ok()); // escaped in the path, so harmless
    for bad in ["", "  ", ".", "..", "a\nb"] {
        assert!(validate_webhook_id(bad).is_err(), "{bad:?}");
    }
    assert!(validate_webhook_id(&"x".repeat(257)).is_err());
}

#[test]
fn token_kinds_and_user_id_rules() {
    let platform = ApiKey::new("ak_live:0b6c6a2e-7d1a-4c7e-9d6f-1e2f3a4b5c6d:s3cr3t").unwrap();
    let personal = ApiKey::new("rgo-abcdef").unwrap();
    let other = ApiKey::new("opaque").unwrap();
    assert_eq!(platform.kind(), TokenKind::PlatformKey);
    assert_eq!(personal.kind(), TokenKind::PersonalAccessToken);
    assert_eq!(other.kind(), TokenKind::Other);

    // ak_live needs a user id, from options or the environment.
    let e = user_id_header(&platform, None, None, false).unwrap_err();
    assert_eq!((e.field.as_str(), e.kind), ("userId", Kind::Config));
    assert_eq!(
        user_id_header(&platform, Some("u1"), Some("env"), false)
            .unwrap()
            .as_deref(),
        Some("u1")
    );
    assert_eq!(
        user_id_header(&platform, None, Some("env"), false)
            .unwrap()
            .as_deref(),
        Some("env")
    );
    assert!(user_id_header(&platform, Some("  "), None, false).is_err());

    // rgo- acts as its owner: only an explicit id with the opt-in is sent.
    assert_eq!(
        user_id_header(&personal, None, Some("env"), true).unwrap(),
        None
    );
    assert_eq!(
        user_id_header(&personal, Some("u1"), None, false).unwrap(),
        None
    );
    assert_eq!(
        user_id_header(&personal, Some("u1"), None, true)
            .unwrap()
            .as_deref(),
        Some("u1")
    );

    assert_eq!(
        user_id_header(&other, Some("u1"), None, false)
            .unwrap()
            .as_deref(),
        Some("u1")
    );
    assert_eq!(user_id_header(&other, None, None, false).unwrap(), None);
    assert!(user_id_header(&other, Some("u\r\n1"), None, false).is_err());

    for bad in ["", "rgo-abc\n", "ak_live:x y", "tök"] {
        assert!(ApiKey::new(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn tokens_never_print() {
    let key = ApiKey::new("ak_live:0b6c6a2e-7d1a-4c7e-9d6f-1e2f3a4b5c6d:s3cr3t").unwrap();
    for shown in [format!("{key}"), format!("{key:?}")] {
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("0b6c6a2e"),
            "{shown}"
        );
        assert!(shown.contains("ak_live"), "kind is shown: {shown}");
    }
    let e = ApiKey::new("rgo-top secret").unwrap_err();
    assert!(!format!("{e} {e:?}").contains("top secret"));
}

#[test]
fn hosts_that_hide_a_private_address() {
    for url in [
        "https://localhost.localdomain/hook",
        "https://db.localdomain/hook",
        "https://[::127.0.0.1]/hook",
        "https://[::10.0.0.1]/hook",
        "https://[64:ff9b::7f00:1]/hook",
        "https://[64:ff9b::192.168.0.1]/hook",
        "https://[2002:c0a8:0101::1]/hook",
        "https://[2002:7f00:0001::1]/hook",
        "https://[fec0::1]/hook",
        "https://198.18.0.1/hook",
        "https://198.19.255.255/hook",
        "https://192.0.0.8/hook",
    ] {
        assert_eq!(kind(url, false), Some(Kind::PrivateHost), "{url}");
    }
    // Their public counterparts pass.
    for url in [
        "https://[64:ff9b::808:808]/hook",
        "https://[2002:0808:0808::1]/hook",
        "https://198.20.0.1/hook",
    ] {
        assert_eq!(kind(url, false), None, "{url}");
    }
}

#[test]
fn secrets_in_other_parameter_names_and_fragments() {
    for url in [
        "https://example.com/hook?secret_key=x",
        "https://example.com/hook?private_key=x",
        "https://example.com/hook?auth_key=x",
        "https://example.com/hook?passcode=x",
        "https://example.com/hook?X-Amz-Signature=x",
        "https://example.com/hook?X-Amz-Credential=x",
        "https://example.com/hook?jwt=x",
        "https://example.com/hook?zoomToken=x",
        "https://example.com/hook?webhook.key=x",
        "https://example.com/hook#token=x",
        "https://example.com/hook#a=1&access_token=x",
    ] {
        assert_eq!(kind(url, false), Some(Kind::SecretInUrl), "{url}");
    }
    for url in [
        "https://example.com/hook#section-2",
        "https://example.com/hook?keyword=a&turkey=b",
    ] {
        assert_eq!(kind(url, false), None, "{url}");
    }
}

#[test]
fn hand_built_unknown_types_equal_known_ones() {
    let hand_built = EventType::Unknown("booking_created".into());
    assert_eq!(hand_built, EventType::BookingCreated);
    let got = validate_event_types([hand_built, EventType::BookingCreated]).unwrap();
    assert_eq!(got.len(), 1);
    assert!(!got[0].is_unknown(), "normalised to the known variant");
}

/// Issue 14, item 2: endpoints that parsers read differently, IANA's special-purpose ranges, and credentials behind
/// `;` or under names the first list missed. `tests/fixtures/endpoints.json` is shared: Python, Node and the browser
/// build check the same cases.
#[test]
fn the_shared_endpoint_cases() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/endpoints.json"
    );
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(cases.len() > 40);
    for case in cases {
        let endpoint = case["endpoint"].as_str().unwrap();
        let insecure = case["allowInsecure"].as_bool().unwrap();
        let got = kind(endpoint, insecure).map(|k| k.name());
        assert_eq!(got, case["kind"].as_str(), "{case}");
    }
}
