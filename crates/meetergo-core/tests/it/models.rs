//! Models: event types, webhook resources, JSON round trips.

use meetergo_core::{EventType, MAX_WEBHOOKS_PER_COMPANY, NewWebhook, Webhook, WebhookPatch};
use serde_json::{Value, json};

#[test]
fn event_types_round_trip_and_stay_open() {
    assert_eq!(EventType::KNOWN.len(), 9);
    for known in EventType::KNOWN {
        let s = known.as_str().to_owned();
        assert_eq!(EventType::from(s.as_str()), known);
        assert!(!known.is_unknown());
        assert_eq!(serde_json::to_value(&known).unwrap(), json!(s));
        assert_eq!(
            serde_json::from_value::<EventType>(json!(s)).unwrap(),
            known
        );
        assert_eq!(s.parse::<EventType>().unwrap(), known);
        assert_eq!(known.to_string(), s);
    }
    let future: EventType = serde_json::from_value(json!("invoice_paid")).unwrap();
    assert_eq!(future, EventType::Unknown("invoice_paid".into()));
    assert_eq!(future.as_str(), "invoice_paid");
    assert_eq!(
        serde_json::to_value(&future).unwrap(),
        json!("invoice_paid")
    );
    // A list with an unknown value still deserializes.
    let list: Vec<EventType> = serde_json::from_value(json!(["booking_created", "x_y"])).unwrap();
    assert_eq!(list.len(), 2);
    // Escaped strings (not borrowable) parse too.
    assert_eq!(
        serde_json::from_str::<EventType>(r#""booking\u005fcreated""#).unwrap(),
        EventType::BookingCreated
    );
    assert_eq!(MAX_WEBHOOKS_PER_COMPANY, 6);
}

fn documented_webhook() -> Value {
    json!({
        "id": "webhook-uuid-123",
        "endpoint": "https://your-server.com/webhooks/meetergo",
        "description": "Production webhook",
        "eventTypes": ["booking_created", "booking_cancelled", "booking_rescheduled"],
        "companyId": "company-uuid-789",
        "createdAt": "2024-01-15T10:00:00Z"
    })
}

#[test]
fn webhook_round_trips_and_keeps_unknown_fields() {
    let mut doc = documented_webhook();
    let hook: Webhook = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(hook.id, "webhook-uuid-123");
    assert_eq!(hook.event_types[2], EventType::BookingRescheduled);
    assert_eq!(
        hook.created_at.unwrap().to_rfc3339(),
        "2024-01-15T10:00:00+00:00"
    );
    assert_eq!(serde_json::to_value(&hook).unwrap(), doc);

    doc["isActive"] = json!(true);
    doc["eventTypes"] = json!(["booking_created", "future_event"]);
    doc["createdAt"] = json!("2024-01-15T10:00:00+01:00");
    let hook: Webhook = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!(hook.extra.get("isActive"), Some(&json!(true)));
    assert_eq!(hook.created_at.unwrap().offset().local_minus_utc(), 3600);
    assert_eq!(
        serde_json::to_value(&hook).unwrap(),
        doc,
        "unknown fields and offsets survive"
    );

    // The list answer from the seed.
    let list: Vec<Webhook> = serde_json::from_value(json!([documented_webhook(), {
        "id": "webhook-uuid-456", "endpoint": "https://staging.your-server.com/webhooks/meetergo",
        "description": null, "eventTypes": ["booking_created"], "companyId": "company-uuid-789",
        "createdAt": "2024-01-14T09:00:00Z"
    }]))
    .unwrap();
    assert_eq!(list[1].description, None);
}

#[test]
fn webhook_rejects_what_it_cannot_represent() {
    let missing_id = json!({"endpoint": "https://x.example", "eventTypes": []});
    let e = serde_json::from_value::<Webhook>(missing_id)
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing field `id`"), "{e}");
    let mut dup =
        r#"{"id":"a","id":"b","endpoint":"https://x.example","eventTypes":[]}"#.to_owned();
    assert!(
        serde_json::from_str::<Webhook>(&dup)
            .unwrap_err()
            .to_string()
            .contains("duplicate field")
    );
    dup.clear();
    assert!(serde_json::from_value::<Webhook>(json!([1])).is_err());
}

#[test]
fn new_webhook_and_patch_serialize_only_what_is_set() {
    let hook = NewWebhook::new(
        "https://your-server.com/webhooks/meetergo",
        ["booking_created"],
    );
    assert_eq!(
        serde_json::to_value(&hook).unwrap(),
        json!({"endpoint": "https://your-server.com/webhooks/meetergo", "eventTypes": ["booking_created"]})
    );
    let hook = hook.description("Production webhook");
    let back: NewWebhook = serde_json::from_value(serde_json::to_value(&hook).unwrap()).unwrap();
    assert_eq!(back, hook);

    assert_eq!(
        serde_json::to_value(WebhookPatch::new()).unwrap(),
        json!({})
    );
    let patch = WebhookPatch::new()
        .description("")
        .endpoint("https://a.example");
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"endpoint": "https://a.example", "description": ""})
    );
    let back: WebhookPatch = serde_json::from_value(serde_json::to_value(&patch).unwrap()).unwrap();
    assert_eq!(back, patch);
    assert!(!patch.is_empty() && WebhookPatch::new().is_empty());
}

#[test]
fn odd_response_fields_do_not_fail_a_list() {
    // An undocumented createdAt format, a numeric description: kept in `extra`, the webhook still reads.
    let doc = json!({"id": "w1", "endpoint": "https://x.example/h", "eventTypes": ["booking_created"],
        "createdAt": 1705312800, "description": 7, "companyId": "c1"});
    let hook: Webhook = serde_json::from_value(doc.clone()).unwrap();
    assert_eq!((hook.created_at, hook.description.as_deref()), (None, None));
    assert_eq!(hook.extra.get("createdAt"), Some(&json!(1705312800)));
    assert_eq!(serde_json::to_value(&hook).unwrap(), doc, "nothing is lost");
    // A key repeated after its first value went to `extra` is still a duplicate.
    let dup = r#"{"id":"a","endpoint":"https://x.example","eventTypes":[],"createdAt":1,"createdAt":"2024-01-01T00:00:00Z"}"#;
    assert!(
        serde_json::from_str::<Webhook>(dup)
            .unwrap_err()
            .to_string()
            .contains("duplicate field")
    );
    // `webhookType` is an ordinary unknown field outside the top level of a delivery.
    let nested: Webhook =
        serde_json::from_value(json!({"id": "w", "endpoint": "https://x.example",
        "eventTypes": [], "webhookType": "x"}))
        .unwrap();
    assert_eq!(nested.extra.get("webhookType"), Some(&json!("x")));
}

#[test]
fn every_event_kind_names_its_id() {
    use meetergo_core::Event;
    let id = |body: &str| {
        Event::from_json_str(body)
            .unwrap()
            .id()
            .map(std::borrow::Cow::into_owned)
    };
    let booking = r#"{"webhookType":"booking_cancelled","id":"appt-1","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z"}"#;
    assert_eq!(id(booking).as_deref(), Some("appt-1"));
    assert_eq!(
        id(r#"{"webhookType":"new_employee","id":"user-1"}"#).as_deref(),
        Some("user-1")
    );
    assert_eq!(
        id(r#"{"webhookType":"form_submission","id":"sub-1","formId":"f"}"#).as_deref(),
        Some("sub-1")
    );
    assert_eq!(
        id(r#"{"webhookType":"form_submission","formId":"f"}"#).as_deref(),
        Some("f")
    );
    assert_eq!(
        id(r#"{"webhookType":"review_published","formId":"r"}"#).as_deref(),
        Some("r")
    );
    assert_eq!(
        id(r#"{"webhookType":"review_published","id":true}"#),
        None,
        "only strings and numbers are ids"
    );
    assert_eq!(id(r#"{"webhookType":"new_employee","id":""}"#), None);
    // Ids sent as integers, in modelled and unknown events alike.
    assert_eq!(
        id(r#"{"webhookType":"new_employee","id":88}"#).as_deref(),
        Some("88")
    );
    assert_eq!(
        id(r#"{"webhookType":"review_published","id":7}"#).as_deref(),
        Some("7")
    );
}

#[test]
fn errors_have_one_category_each_runtime_names() {
    use meetergo_core::{ApiError, Error, ErrorCategory};
    let api = |status: u16| {
        Error::Api(Box::new(ApiError::from_response(
            status,
            "GET",
            "/webhooks",
            "",
        )))
    };
    let cases = [
        (api(400), ErrorCategory::BadRequest),
        (api(401), ErrorCategory::Authentication),
        (api(403), ErrorCategory::PermissionDenied),
        (api(404), ErrorCategory::NotFound),
        (api(409), ErrorCategory::Api),
        (api(500), ErrorCategory::Server),
        (api(503), ErrorCategory::Server),
        (
            Error::LimitReached(Box::new(ApiError::from_response(
                406,
                "POST",
                "/webhooks",
                "",
            ))),
            ErrorCategory::LimitReached,
        ),
        (
            meetergo_core::Event::from_slice(b"[]").unwrap_err().into(),
            ErrorCategory::Payload,
        ),
    ];
    for (error, category) in cases {
        assert_eq!(error.category(), category, "{error}");
    }
    assert_eq!(ErrorCategory::PermissionDenied.name(), "PermissionDenied");
}
