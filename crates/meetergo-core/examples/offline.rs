//! An offline walk through what the core does with meetergo's own examples: validation before sending, typed
//! errors, delivery parsing, idempotency keys and de-duplication. No account and no network needed.
//!
//! `cargo run -p meetergo-core --example offline` (`make tour` runs the full tour, with the stand-in, from the CLI).

use std::time::Duration;

use meetergo_core::{
    ApiError, Client, Deduplicator, Error, Event, EventData, EventType, NewWebhook,
    validate_new_webhook,
};

/// The seed's "Test with curl" delivery.
const SEED_DELIVERY: &str = r#"{
    "webhookType": "booking_created",
    "id": "test-appt-123",
    "start": "2024-01-15T09:00:00+01:00",
    "end": "2024-01-15T09:30:00+01:00",
    "attendees": [{"email": "test@example.com", "firstname": "Test", "lastname": "User"}],
    "hosts": [{"email": "host@example.com", "givenName": "Host", "familyName": "User"}],
    "meetingType": {"id": "mt-123", "meetingInfo": {"name": "Test Meeting"}}
}"#;

fn step(title: &str) {
    println!("\n== {title}");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    step("1. A webhook definition is checked before anything is sent");
    let good = NewWebhook::new(
        "https://your-server.com/webhooks/meetergo",
        [
            EventType::BookingCreated,
            EventType::BookingCancelled,
            EventType::BookingCreated,
        ],
    )
    .description("Production webhook");
    let checked = validate_new_webhook(&good, false)?;
    println!(
        "ok: {} -> {:?} (duplicate removed)",
        checked.endpoint, checked.event_types
    );
    for (endpoint, insecure) in [
        ("http://your-server.com/webhooks/meetergo", false),
        ("https://192.168.1.20/hook", false),
        ("https://your-server.com/hook?token=abc", true),
    ] {
        if let Err(e) =
            validate_new_webhook(&NewWebhook::new(endpoint, ["booking_created"]), insecure)
        {
            println!("rejected {endpoint}: {e}");
        }
    }

    step("2. Credentials are checked too, and never printed");
    let e = Client::builder()
        .api_key("ak_live:00000000-0000-0000-0000-000000000000:s3cr3t")
        .ignore_env(true)
        .build();
    match e {
        Err(Error::Validation(v)) => println!("rejected: {v}"),
        other => println!("unexpected: {other:?}"),
    }
    let client = Client::builder()
        .api_key("rgo-example-token")
        .ignore_env(true)
        .build()?;
    println!("client: {client:?}");

    step("3. meetergo's error answers become typed errors");
    let limit = ApiError::from_response(
        406,
        "POST",
        "/webhooks",
        r#"{"statusCode":406,"message":"Company reached maximum","error":"Not Acceptable"}"#,
    );
    println!("406 -> {}", Error::LimitReached(Box::new(limit)));
    let html = ApiError::from_response(
        502,
        "GET",
        "/webhooks",
        "<html><body>Bad gateway</body></html>",
    );
    println!("502 from a proxy -> {}", Error::Api(Box::new(html)));

    step("4. A delivery is parsed into a typed event");
    let event = Event::from_json_str(SEED_DELIVERY)?;
    if let EventData::BookingCreated(b) = event.data() {
        println!(
            "{} {} starts {} with {} ({}), meeting type {:?}",
            event.webhook_type(),
            b.id,
            b.start,
            b.attendees[0].email.as_deref().unwrap_or("?"),
            b.hosts[0].given_name.as_deref().unwrap_or("?"),
            b.meeting_type
                .as_ref()
                .and_then(|m| m.meeting_info.as_ref())
                .and_then(|i| i.name.as_deref()),
        );
    }
    println!("idempotency key: {}", event.idempotency_key());

    step("5. meetergo delivers at least once: duplicates are skipped");
    let seen = Deduplicator::new(Duration::from_secs(24 * 3600), 100_000);
    let reordered = r#"{"end":"2024-01-15T09:30:00+01:00","start":"2024-01-15T09:00:00+01:00","id":"test-appt-123",
        "webhookType":"booking_created","meetingType":{"meetingInfo":{"name":"Test Meeting"},"id":"mt-123"},
        "hosts":[{"familyName":"User","givenName":"Host","email":"host@example.com"}],
        "attendees":[{"lastname":"User","firstname":"Test","email":"test@example.com"}]}"#;
    for (n, body) in [SEED_DELIVERY, reordered].iter().enumerate() {
        let event = Event::from_json_str(body)?;
        let verdict = if seen.first_seen(event.idempotency_key()) {
            "process"
        } else {
            "duplicate, skipped"
        };
        println!("delivery {}: {verdict}", n + 1);
    }

    step("6. Bad bodies give precise errors, never a crash");
    for body in [
        &b"{\"webhookType\": \"booking_created\", \"id\": "[..],
        b"[1,2]",
        b"{\"id\":\"x\"}",
        b"\xff\xfe",
    ] {
        if let Err(e) = Event::from_slice(body) {
            println!("{e}");
        }
    }
    let wrong = r#"{"webhookType":"booking_created","id":"a","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z","attendees":[{"email":"a@b.c"},{"email":42}]}"#;
    if let Err(e) = Event::from_json_str(wrong) {
        println!("{e}");
    }
    println!("\nTour complete.");
    Ok(())
}
