//! The binding layer's conversions: numbers, reports, the JavaScript crossing.

#[test]
fn seconds_must_be_positive_and_finite() {
    use std::time::Duration;
    assert_eq!(
        meetergo_bind::numbers::positive_seconds(1.5, "timeout").unwrap(),
        Duration::from_millis(1500)
    );
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = meetergo_bind::numbers::positive_seconds(bad, "ttl_seconds").unwrap_err();
        assert_eq!(e.field, "ttl_seconds");
    }
}

#[test]
fn milliseconds_and_counts_from_javascript_numbers() {
    use meetergo_bind::numbers::{positive_millis, whole_number};
    use std::time::Duration;
    assert_eq!(
        positive_millis(250.0, "timeoutMs").unwrap(),
        Duration::from_millis(250)
    );
    for bad in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        assert_eq!(positive_millis(bad, "ttlMs").unwrap_err().field, "ttlMs");
    }
    assert_eq!(whole_number(0.0, "maxRetries", 100).unwrap(), 0);
    assert_eq!(whole_number(100.0, "maxRetries", 100).unwrap(), 100);
    // Never a silent wrap-around or truncation.
    for bad in [-1.0, 1.5, 101.0, f64::NAN, f64::INFINITY, -0.5] {
        let e = whole_number(bad, "maxRetries", 100).unwrap_err();
        assert_eq!(e.field, "maxRetries", "{bad}");
        assert!(e.reason.contains("whole number"), "{}", e.reason);
    }
    // The offending number as JavaScript prints it.
    for (bad, text) in [
        (-1.0, "-1"),
        (1.5, "1.5"),
        (-0.5, "-0.5"),
        (1e300, "1e+300"),
        (f64::NAN, "NaN"),
        (f64::NEG_INFINITY, "-Infinity"),
    ] {
        let e = whole_number(bad, "maxRetries", 100).unwrap_err();
        assert!(e.reason.ends_with(&format!(", not {text}")), "{}", e.reason);
    }
    assert!(
        positive_millis(-2.25, "ttlMs")
            .unwrap_err()
            .reason
            .ends_with("milliseconds, not -2.25")
    );
}

#[test]
fn error_reports_carry_every_attribute_and_no_secret() {
    use meetergo_bind::report::{ErrorClass, ErrorReport};
    use meetergo_core::{ApiError, Error, ErrorCategory};
    let body = r#"{"message":["endpoint must be a URL","eventTypes must not be empty"],"error":"Bad Request"}"#;
    let error = Error::Api(Box::new(ApiError::from_response(
        400,
        "POST",
        "/webhooks",
        body,
    )));
    let report = serde_json::to_value(ErrorReport::from(&error)).unwrap();
    assert_eq!(report["name"], "BadRequestError");
    assert_eq!(report["code"], "MEETERGO_BAD_REQUEST");
    assert_eq!(report["status"], 400);
    assert_eq!(report["serverMessage"][1], "eventTypes must not be empty");
    assert_eq!(report["outcomeUnknown"], false);
    assert!(report["body"].as_str().unwrap().contains("Bad Request"));
    assert!(
        report.get("field").is_none(),
        "only what applies is set: {report}"
    );

    let payload =
        meetergo_core::Event::from_slice(br#"{"webhookType":"booking_created","id":true}"#)
            .unwrap_err();
    let report = serde_json::to_value(ErrorReport::from(&payload)).unwrap();
    assert_eq!(report["name"], "PayloadError");
    assert_eq!(report["kind"], "InvalidField");
    assert_eq!(report["path"], "id");

    let invalid = meetergo_core::validate_new_webhook(
        &meetergo_core::NewWebhook::new("http://example.com/h", ["booking_created"]),
        false,
    )
    .unwrap_err();
    let report = serde_json::to_value(ErrorReport::from(&Error::Validation(invalid))).unwrap();
    assert_eq!(report["code"], "MEETERGO_VALIDATION");
    assert_eq!(report["field"], "endpoint");
    assert_eq!(report["kind"], "InsecureScheme");

    // Class names and codes: the names of sdk-surface.md, the same in every runtime.
    let pairs = [
        (
            ErrorCategory::RateLimited,
            "RateLimitError",
            "MEETERGO_RATE_LIMITED",
        ),
        (ErrorCategory::Api, "APIError", "MEETERGO_API"),
        (
            ErrorCategory::Connection,
            "ConnectionError",
            "MEETERGO_CONNECTION",
        ),
        (
            ErrorCategory::LimitReached,
            "LimitReachedError",
            "MEETERGO_LIMIT_REACHED",
        ),
    ];
    for (category, name, code) in pairs {
        let class = ErrorClass::of(category);
        assert_eq!((class.name, class.code), (name, code));
    }
}

#[test]
fn javascript_parses_answer_the_normalized_event_or_a_report() {
    use meetergo_bind::Runtime;
    use meetergo_bind::event::{for_javascript, parse, parse_options};
    let body =
        br#"{"webhookType":"new_employee","id":7,"updatedAt":"2024-01-01T00:00:00Z","team":"ops"}"#;
    let event = parse(Runtime::JavaScript, body, None).unwrap();
    assert_eq!(
        for_javascript(&event),
        r#"{"webhookType":"new_employee","id":"7","email":null,"givenName":null,"familyName":null,"companyId":null,"createdAt":null,"updatedAt":"2024-01-01T00:00:00Z","extra":{"team":"ops"},"idempotencyKey":"new_employee:7:2024-01-01T00:00:00Z"}   "#
    );
    let too_large = parse(Runtime::JavaScript, body, Some(10.0)).unwrap_err();
    assert_eq!(
        (too_large.name, too_large.kind),
        ("PayloadError", Some("TooLarge"))
    );
    let bad_limit = parse(Runtime::JavaScript, body, Some(-1.0)).unwrap_err();
    assert_eq!(bad_limit.code, "MEETERGO_VALIDATION");
    assert_eq!(bad_limit.field.as_deref(), Some("maxBodyBytes"));
    let bad_limit = parse(Runtime::Python, body, Some(1.5)).unwrap_err();
    assert_eq!(bad_limit.field.as_deref(), Some("max_body_bytes"));
    assert_eq!(
        parse_options(Runtime::Python, Some(4096.0))
            .unwrap()
            .max_body_bytes,
        4096
    );
}

#[test]
fn every_error_class_is_documented_once_and_parents_come_first() {
    use meetergo_bind::report::{CLASS_DOCS, CLASSES};
    assert_eq!(CLASS_DOCS.len(), CLASSES.len());
    for (i, class) in CLASSES.iter().enumerate() {
        assert!(
            !class.docs().1.is_empty(),
            "{} has no documentation",
            class.name
        );
        assert_eq!(
            CLASS_DOCS
                .iter()
                .filter(|(name, _, _)| *name == class.name)
                .count(),
            1,
            "{}",
            class.name
        );
        if let Some(parent) = class.parent {
            assert!(
                CLASSES[..i].iter().any(|c| c.name == parent),
                "{} before its parent {parent}",
                class.name
            );
        }
    }
}
