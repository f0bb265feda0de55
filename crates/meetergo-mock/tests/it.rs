//! The stand-in against the SDK's own client: meetergo's behaviour, deliveries and fault injection.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use meetergo_core::{Client, Error, Event, EventType, NewWebhook, WebhookPatch};
use meetergo_mock::{
    Fault, MockConfig, MockError, MockServer, SimulateRequest, company_of, owner_of,
};
use serde_json::{Value, json};

const PAT: &str = "rgo-mock-test-token";
const AK: &str = "ak_live:0b8e6a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b:Sk9vQ3rT6yU1iO4pA7sD";

async fn mock() -> MockServer {
    MockServer::start(MockConfig::default())
        .await
        .expect("mock starts")
}

fn client(mock: &MockServer, token: &str) -> Client {
    Client::builder()
        .base_url(mock.base_url())
        .api_key(token)
        .user_id("user-1")
        .allow_insecure_endpoints(true)
        .initial_retry_delay(Duration::from_millis(10))
        .timeout(Duration::from_secs(5))
        .ignore_env(true)
        .build()
        .expect("client")
}

fn hook(n: usize) -> NewWebhook {
    NewWebhook::new(
        format!("https://example.com/hooks/{n}"),
        [EventType::BookingCreated],
    )
}

/// A raw request to the stand-in, for what the SDK would never send.
async fn raw(
    mock: &MockServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let mut request = http.request(
        method.parse().unwrap(),
        format!("{}{path}", mock.base_url()),
    );
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request.body(body.to_owned()).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn crud_round_trip_with_meetergo_shapes() {
    let mock = mock().await;
    let client = client(&mock, PAT);
    let created = client
        .webhooks()
        .create(hook(1).description("Production webhook"))
        .await
        .unwrap();
    assert_eq!(created.endpoint, "https://example.com/hooks/1");
    assert_eq!(created.description.as_deref(), Some("Production webhook"));
    assert_eq!(created.company_id.as_deref(), company_of(PAT).as_deref());
    assert!(created.created_at.is_some(), "createdAt is RFC 3339");
    assert_eq!(created.id.len(), 36, "a UUID: {}", created.id);

    let updated = client
        .webhooks()
        .update(
            &created.id,
            WebhookPatch::new().event_types(["booking_cancelled", "new_employee"]),
        )
        .await
        .unwrap();
    assert_eq!(
        updated.event_types,
        vec![EventType::BookingCancelled, EventType::NewEmployee],
        "replaced, not merged"
    );
    assert_eq!(
        updated.description.as_deref(),
        Some("Production webhook"),
        "unset fields unchanged"
    );

    let list = client.webhooks().list().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].event_types, updated.event_types);

    client.webhooks().delete(&created.id).await.unwrap();
    assert!(client.webhooks().list().await.unwrap().is_empty());
    let e = client.webhooks().delete(&created.id).await.unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert_eq!(e.api_error().unwrap().messages(), vec!["Webhook not found"]);
    let e = client
        .webhooks()
        .update("no-such-id", WebhookPatch::new().description("x"))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
}

#[tokio::test]
async fn companies_are_separate_and_the_seventh_webhook_is_refused() {
    let mock = mock().await;
    let a = client(&mock, PAT);
    let b = client(&mock, AK);
    for n in 0..6 {
        a.webhooks().create(hook(n)).await.unwrap();
    }
    let e = a.webhooks().create(hook(7)).await.unwrap_err();
    let Error::LimitReached(api) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(api.status, 406);
    assert_eq!(api.messages(), vec!["Company reached maximum"]);
    assert_eq!(api.error.as_deref(), Some("Not Acceptable"));
    assert_eq!(a.webhooks().list().await.unwrap().len(), 6);
    assert!(
        b.webhooks().list().await.unwrap().is_empty(),
        "another token, another company"
    );
}

#[tokio::test]
async fn authentication_rules() {
    let mock = mock().await;
    let (status, body) = raw(&mock, "GET", "/webhooks", &[], "").await;
    assert_eq!((status, body["statusCode"].as_u64()), (401, Some(401)));
    let (status, _) = raw(
        &mock,
        "GET",
        "/webhooks",
        &[("authorization", "Bearer nope")],
        "",
    )
    .await;
    assert_eq!(status, 401);
    let (status, body) = raw(
        &mock,
        "GET",
        "/webhooks",
        &[("authorization", &format!("Bearer {AK}"))],
        "",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "Missing required header 'x-meetergo-api-user-id' for API key authentication"
    );
    let expired = "ak_live:0b8e6a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b:expired-key";
    let (status, body) = raw(
        &mock,
        "GET",
        "/webhooks",
        &[
            ("authorization", &format!("Bearer {expired}")),
            ("x-meetergo-api-user-id", "u"),
        ],
        "",
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("API key expired"))
    );

    // rgo- tokens: no header is fine, their own id is fine, another user's id is 403.
    let auth = format!("Bearer {PAT}");
    let owner = owner_of(PAT);
    assert_eq!(
        raw(&mock, "GET", "/webhooks", &[("authorization", &auth)], "")
            .await
            .0,
        200
    );
    let own = [
        ("authorization", auth.as_str()),
        ("x-meetergo-api-user-id", owner.as_str()),
    ];
    assert_eq!(raw(&mock, "GET", "/webhooks", &own, "").await.0, 200);
    let other = [
        ("authorization", auth.as_str()),
        ("x-meetergo-api-user-id", "someone-else"),
    ];
    assert_eq!(raw(&mock, "GET", "/webhooks", &other, "").await.0, 403);
    // The SDK's own rules keep it out of that 403.
    let sdk = Client::builder()
        .base_url(mock.base_url())
        .api_key(PAT)
        .user_id("someone-else")
        .ignore_env(true);
    assert!(sdk.build().unwrap().webhooks().list().await.is_ok());
}

#[tokio::test]
async fn nestjs_validation_errors() {
    let mock = mock().await;
    let auth = format!("Bearer {PAT}");
    let json_headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let cases = [
        (
            r#"{"eventTypes":["booking_created"]}"#,
            "endpoint should not be empty",
        ),
        (
            r#"{"endpoint":"not a url","eventTypes":["booking_created"]}"#,
            "endpoint must be a URL address",
        ),
        (
            r#"{"endpoint":"https://x.example"}"#,
            "eventTypes should not be empty",
        ),
        (
            r#"{"endpoint":"https://x.example","eventTypes":[]}"#,
            "eventTypes must contain at least 1 elements",
        ),
        (
            r#"{"endpoint":"https://x.example","eventTypes":["nope"]}"#,
            "each value in eventTypes must be one of",
        ),
        (
            r#"{"endpoint":"https://x.example","eventTypes":["booking_created"],"secret":1}"#,
            "property secret should not exist",
        ),
        (
            r#"{"endpoint":"https://x.example","eventTypes":"booking_created"}"#,
            "eventTypes must be an array",
        ),
    ];
    for (body, expected) in cases {
        let (status, answer) = raw(&mock, "POST", "/webhooks", &json_headers, body).await;
        assert_eq!(status, 400, "{body}");
        let messages: Vec<String> =
            serde_json::from_value(answer["message"].clone()).expect("a list of messages");
        assert!(
            messages.iter().any(|m| m.starts_with(expected)),
            "{body}: {messages:?}"
        );
        assert_eq!(answer["error"], "Bad Request");
    }
    let (status, _) = raw(&mock, "POST", "/webhooks", &json_headers, "{not json").await;
    assert_eq!(status, 400);
    let (status, _) = raw(
        &mock,
        "POST",
        "/webhooks",
        &[("authorization", auth.as_str())],
        "{}",
    )
    .await;
    assert_eq!(status, 415, "no JSON content type");
    let huge = format!(
        r#"{{"endpoint":"https://x.example","description":"{}","eventTypes":["booking_created"]}}"#,
        "x".repeat(2 << 20)
    );
    assert_eq!(
        raw(&mock, "POST", "/webhooks", &json_headers, &huge)
            .await
            .0,
        413
    );
    let (status, body) = raw(&mock, "PUT", "/webhooks", &json_headers, "{}").await;
    assert_eq!(
        (status, body["message"].as_str()),
        (404, Some("Cannot PUT /webhooks"))
    );
    assert_eq!(
        mock.request_count(),
        10,
        "7 validation cases, bad JSON, 415 and 413 reached the API; the PUT matched no route"
    );

    // Through the SDK: the list message arrives as a list.
    let client = client(&mock, PAT);
    let e = client
        .webhooks()
        .update("x", WebhookPatch::new().event_types(["unheard_of"]))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert!(
        matches!(
            e.api_error().unwrap().message,
            Some(meetergo_core::ErrorMessage::List(_))
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn rate_limit_like_meetergo() {
    let mock = mock().await;
    let client = Client::builder()
        .base_url(mock.base_url())
        .api_key(PAT)
        .max_retries(0)
        .ignore_env(true)
        .build()
        .unwrap();
    let mut ok: u64 = 0;
    let started = std::time::Instant::now();
    let limited = loop {
        match client.webhooks().list().await {
            Ok(_) => ok += 1,
            Err(e) => break e,
        }
        assert!(ok <= 400, "never limited");
    };
    // The burst of 200, plus what refilled (100 a minute) while the burst was sent on a possibly busy machine.
    let refilled = started.elapsed().as_secs() * 100 / 60 + 2;
    assert!(
        (200..=200 + refilled).contains(&ok),
        "{ok} requests before the first 429 ({refilled} refilled)"
    );
    let Error::RateLimited { retry_after, error } = &limited else {
        panic!("{limited:?}")
    };
    assert_eq!(error.messages(), vec!["Too Many Requests"]);
    assert!(
        retry_after.is_some_and(|d| d >= Duration::from_secs(1)),
        "{retry_after:?}"
    );
    // Another token has its own bucket; and the limit can be switched off.
    assert!(self::client(&mock, AK).webhooks().list().await.is_ok());
    let open = MockServer::start(MockConfig::default().rate_limit(false))
        .await
        .unwrap();
    let client = self::client(&open, PAT);
    for _ in 0..250 {
        client.webhooks().list().await.unwrap();
    }
}

/// A receiver that records every delivery it gets.
async fn receiver() -> (String, Arc<Mutex<Vec<Bytes>>>) {
    let got: Arc<Mutex<Vec<Bytes>>> = Arc::default();
    let sink = Arc::clone(&got);
    let app = Router::new().route(
        "/hook",
        post(move |body: Bytes| {
            let sink = Arc::clone(&sink);
            async move {
                sink.lock().unwrap().push(body);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

#[tokio::test]
async fn simulated_events_are_delivered_at_least_once() {
    let mock = mock().await;
    let (url, got) = receiver().await;
    let client = client(&mock, PAT);
    client
        .webhooks()
        .create(NewWebhook::new(
            &url,
            ["booking_created", "booking_cancelled"],
        ))
        .await
        .unwrap();
    client
        .webhooks()
        .create(NewWebhook::new(&url, ["new_employee"]))
        .await
        .unwrap();
    // Another company's webhook on the same receiver must not get this company's event.
    self::client(&mock, AK)
        .webhooks()
        .create(NewWebhook::new(&url, ["booking_created"]))
        .await
        .unwrap();

    let company = company_of(PAT).unwrap();
    let response = mock
        .simulate(
            SimulateRequest::new("booking_created")
                .repeat(2)
                .company_id(&company),
        )
        .await;
    assert_eq!(response.deliveries.len(), 2, "{:?}", response.deliveries);
    assert!(
        response.deliveries.iter().all(|d| d.status == Some(200)),
        "{:?}",
        response.deliveries
    );
    assert_eq!(
        response
            .deliveries
            .iter()
            .map(|d| d.attempt)
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
    let bodies = got.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], bodies[1], "a duplicate is the same delivery");
    let event = Event::from_slice(&bodies[0]).unwrap();
    assert_eq!(event.webhook_type(), &EventType::BookingCreated);
    assert_eq!(
        event.booking().unwrap().company_id.as_deref(),
        Some(company.as_str())
    );
    assert_eq!(
        event.idempotency_key(),
        Event::from_slice(&bodies[1]).unwrap().idempotency_key()
    );

    // Through the admin route, with the token choosing the company.
    let auth = format!("Bearer {PAT}");
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let (status, answer) = raw(
        &mock,
        "POST",
        "/_mock/events",
        &headers,
        r#"{"eventType":"new_employee"}"#,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["deliveries"].as_array().unwrap().len(), 1);
    assert_eq!(answer["event"]["webhookType"], "new_employee");
    let (_, recorded) = raw(&mock, "GET", "/_mock/deliveries", &[], "").await;
    assert_eq!(recorded.as_array().unwrap().len(), 3);
    assert_eq!(mock.deliveries().len(), 3);
}

#[tokio::test]
async fn failed_deliveries_are_recorded_not_retried() {
    let mock =
        MockServer::start(MockConfig::default().delivery_timeout(Duration::from_millis(300)))
            .await
            .unwrap();
    let client = client(&mock, PAT);
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    client
        .webhooks()
        .create(NewWebhook::new(
            format!("http://{dead}/gone"),
            ["booking_created"],
        ))
        .await
        .unwrap();
    // A receiver that never answers in time.
    let slow = Router::new().route(
        "/slow",
        post(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let slow_url = format!("http://{}/slow", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, slow).await });
    client
        .webhooks()
        .create(NewWebhook::new(&slow_url, ["booking_created"]))
        .await
        .unwrap();

    let response = mock.simulate(SimulateRequest::new("booking_created")).await;
    assert_eq!(response.deliveries.len(), 2);
    for d in &response.deliveries {
        assert_eq!(d.status, None, "{d:?}");
        assert!(d.error.is_some(), "{d:?}");
    }
    assert!(
        response.deliveries.iter().any(|d| d
            .error
            .as_deref()
            .unwrap()
            .contains("no answer within"))
    );
}

#[tokio::test]
async fn faults_drive_the_clients_retry_rules() {
    let mock = mock().await;
    let client = client(&mock, PAT);

    // 503 on a create: not retried, so no double create.
    mock.inject(Fault::status(503), 1);
    let e = client.webhooks().create(hook(1)).await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert!(e.is_outcome_unknown());
    assert!(client.webhooks().list().await.unwrap().is_empty());

    // 429 with Retry-After, then success: the create happens once.
    mock.inject(Fault::rate_limited("1"), 1);
    let started = std::time::Instant::now();
    client.webhooks().create(hook(2)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(client.webhooks().list().await.unwrap().len(), 1);

    // 502 twice on a list: retried through.
    mock.inject(Fault::status(502), 2);
    assert_eq!(client.webhooks().list().await.unwrap().len(), 1);

    // A hang past the timeout on a create: timeout, outcome unknown, and reconcile finds it (it went through).
    let short = Client::builder()
        .base_url(mock.base_url())
        .api_key(PAT)
        .allow_insecure_endpoints(true)
        .timeout(Duration::from_millis(300))
        .ignore_env(true)
        .build()
        .unwrap();
    mock.inject(Fault::hang(600), 1);
    let e = short.webhooks().create(hook(3)).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout {
                outcome_unknown: true,
                ..
            }
        ),
        "{e:?}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        short
            .webhooks()
            .reconcile(&hook(3))
            .await
            .unwrap()
            .is_some(),
        "the hung create was processed"
    );
    assert!(
        short
            .webhooks()
            .reconcile(&hook(9))
            .await
            .unwrap()
            .is_none()
    );

    // Broken and unreadable answers.
    mock.inject(Fault::reset(), 3);
    let e = client.webhooks().list().await.unwrap_err();
    assert!(matches!(e, Error::Transport { .. }), "{e:?}");
    mock.inject(Fault::garbage(None), 1);
    assert!(matches!(
        client.webhooks().list().await.unwrap_err(),
        Error::UnexpectedResponse { .. }
    ));
    mock.inject(Fault::truncated(), 1);
    assert!(matches!(
        client.webhooks().list().await.unwrap_err(),
        Error::UnexpectedResponse { .. }
    ));
    assert_eq!(client.webhooks().list().await.unwrap().len(), 2);
}

#[tokio::test]
async fn faults_through_the_admin_route() {
    let mock = mock().await;
    let headers = [("content-type", "application/json")];
    let (status, _) = raw(
        &mock,
        "POST",
        "/_mock/faults",
        &headers,
        r#"{"kind":"status","status":500,"count":2}"#,
    )
    .await;
    assert_eq!(status, 201);
    let auth = format!("Bearer {PAT}");
    assert_eq!(
        raw(&mock, "GET", "/webhooks", &[("authorization", &auth)], "")
            .await
            .0,
        500
    );
    assert_eq!(raw(&mock, "DELETE", "/_mock/faults", &[], "").await.0, 204);
    assert_eq!(
        raw(&mock, "GET", "/webhooks", &[("authorization", &auth)], "")
            .await
            .0,
        200
    );
    let (status, _) = raw(
        &mock,
        "POST",
        "/_mock/faults",
        &headers,
        r#"{"kind":"meteor"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(raw(&mock, "POST", "/_mock/reset", &[], "").await.0, 204);
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let first = mock().await;
    let e = MockServer::start(MockConfig::default().port(first.addr().port()))
        .await
        .unwrap_err();
    assert!(matches!(e, MockError::Bind { .. }));
    assert!(
        e.to_string().contains(&first.addr().port().to_string()),
        "{e}"
    );
    first.shutdown().await;
}

#[tokio::test]
async fn garbage_requests_never_break_the_server() {
    let mock = mock().await;
    let auth = format!("Bearer {PAT}");
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    for body in [
        "",
        "null",
        "[]",
        "\"x\"",
        "{\"endpoint\":",
        "\u{0}\u{1}",
        "{\"eventTypes\":[null,1,{}]}",
        "{\"endpoint\":[]}",
    ] {
        let (status, _) = raw(&mock, "POST", "/webhooks", &headers, body).await;
        assert_eq!(status, 400, "{body:?}");
        let (status, _) = raw(&mock, "PATCH", "/webhooks/x", &headers, body).await;
        assert!(status == 400 || status == 404, "{body:?}: {status}");
    }
    assert_eq!(raw(&mock, "GET", "/webhooks", &headers, "").await.0, 200);
    let (status, body) = raw(&mock, "GET", "/nope/../webhooks/%00", &headers, "").await;
    assert!(status == 404 || status == 200, "{status} {body}");
    assert!(json!(body).is_object() || status == 200);
}

#[tokio::test]
async fn numeric_ids_are_json_integers_and_work_in_paths() {
    let mock = MockServer::start(MockConfig::default().numeric_ids(true))
        .await
        .unwrap();
    let auth = format!("Bearer {PAT}");
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let body = r#"{"endpoint":"https://example.com/h","eventTypes":["booking_created"]}"#;
    let (status, created) = raw(&mock, "POST", "/webhooks", &headers, body).await;
    assert_eq!(status, 201);
    assert_eq!(created["id"], json!(1492), "{created}");
    let (_, second) = raw(&mock, "POST", "/webhooks", &headers, body).await;
    assert_eq!(second["id"], json!(1493));
    let (_, listed) = raw(&mock, "GET", "/webhooks", &headers, "").await;
    assert_eq!(listed[0]["id"], json!(1492));
    let (status, patched) = raw(
        &mock,
        "PATCH",
        "/webhooks/1492",
        &headers,
        r#"{"description":"d"}"#,
    )
    .await;
    assert_eq!((status, &patched["id"]), (200, &json!(1492)));
    for missing in ["/webhooks/%2B1492", "/webhooks/1494", "/webhooks/abc"] {
        assert_eq!(
            raw(&mock, "DELETE", missing, &headers, "").await.0,
            404,
            "{missing}"
        );
    }
    assert_eq!(
        raw(&mock, "DELETE", "/webhooks/1493", &headers, "").await.0,
        204
    );
    // Deliveries name the webhook by its id as a path would.
    assert!(mock.deliveries().is_empty());

    // Switched at run time: new webhooks get UUID strings; `/_mock/reset` goes back to the startup setting.
    let admin = [("content-type", "application/json")];
    let (status, settings) = raw(
        &mock,
        "POST",
        "/_mock/settings",
        &admin,
        r#"{"numericIds":false}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        settings,
        json!({"numericIds": false, "allowLocalEndpoints": false})
    );
    let (_, text_id) = raw(&mock, "POST", "/webhooks", &headers, body).await;
    assert!(text_id["id"].is_string(), "{text_id}");
    assert_eq!(
        raw(
            &mock,
            "POST",
            "/_mock/settings",
            &admin,
            r#"{"numericIds":"yes"}"#
        )
        .await
        .0,
        400
    );
    assert_eq!(
        raw(
            &mock,
            "POST",
            "/_mock/settings",
            &admin,
            r#"{"numericId":true}"#
        )
        .await
        .0,
        400
    );
    assert_eq!(raw(&mock, "POST", "/_mock/reset", &[], "").await.0, 204);
    let (_, settings) = raw(&mock, "GET", "/_mock/settings", &[], "").await;
    assert_eq!(settings["numericIds"], json!(true));
    let (_, again) = raw(&mock, "POST", "/webhooks", &headers, body).await;
    assert_eq!(again["id"], json!(1492), "a reset starts the ids again");
}

#[tokio::test]
async fn endpoints_are_checked_as_meetergo_checks_them() {
    let mock = mock().await;
    let auth = format!("Bearer {PAT}");
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let create = |endpoint: &str| {
        json!({"endpoint": endpoint, "eventTypes": ["booking_created"]}).to_string()
    };
    for refused in [
        "http://localhost:9/x",
        "ftp://example.com/x",
        "example.com/x",
        "http://receiver/hook",
    ] {
        let (status, body) = raw(&mock, "POST", "/webhooks", &headers, &create(refused)).await;
        assert_eq!(status, 400, "{refused}");
        assert_eq!(
            body,
            json!({"statusCode": 400, "message": ["endpoint must be a URL address"], "error": "Bad Request"}),
            "{refused}"
        );
    }
    let (status, _) = raw(
        &mock,
        "PATCH",
        "/webhooks/any",
        &headers,
        r#"{"endpoint":"ftp://example.com"}"#,
    )
    .await;
    assert_eq!(status, 400);
    for accepted in [
        "http://example.com/x",
        "http://127.0.0.1:3000/hooks",
        "https://abc.ngrok.io",
    ] {
        let (status, body) = raw(&mock, "POST", "/webhooks", &headers, &create(accepted)).await;
        assert_eq!(status, 201, "{accepted}: {body}");
    }
    // Local development: the flag (or the setting) lets names without a top-level domain through.
    let admin = [("content-type", "application/json")];
    raw(
        &mock,
        "POST",
        "/_mock/settings",
        &admin,
        r#"{"allowLocalEndpoints":true}"#,
    )
    .await;
    let (status, _) = raw(
        &mock,
        "POST",
        "/webhooks",
        &headers,
        &create("http://localhost:9/x"),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = raw(
        &mock,
        "POST",
        "/webhooks",
        &headers,
        &create("ftp://localhost/x"),
    )
    .await;
    assert_eq!(status, 400, "the protocol rule stays");
}

#[tokio::test]
async fn processed_faults_take_effect_and_garbage_can_carry_a_status() {
    let mock = mock().await;
    let auth = format!("Bearer {PAT}");
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let admin = [("content-type", "application/json")];
    let body = r#"{"endpoint":"https://example.com/h","eventTypes":["booking_created"]}"#;
    let (status, _) = raw(
        &mock,
        "POST",
        "/_mock/faults",
        &admin,
        r#"{"kind":"status","status":503,"processed":true}"#,
    )
    .await;
    assert_eq!(status, 201);
    let (status, answer) = raw(&mock, "POST", "/webhooks", &headers, body).await;
    assert_eq!(status, 503);
    assert_eq!(answer["statusCode"], json!(503));
    let (_, listed) = raw(&mock, "GET", "/webhooks", &headers, "").await;
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "the create took effect"
    );

    let (status, _) = raw(
        &mock,
        "POST",
        "/_mock/faults",
        &admin,
        r#"{"kind":"garbage","status":502}"#,
    )
    .await;
    assert_eq!(status, 201);
    let _ = rustls::crypto::ring::default_provider().install_default();
    let answer = reqwest::Client::new()
        .post(format!("{}/webhooks", mock.base_url()))
        .header("authorization", &auth)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 502);
    assert!(
        answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(answer.text().await.unwrap().contains("502 Bad Gateway"));
    let (_, listed) = raw(&mock, "GET", "/webhooks", &headers, "").await;
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "not processed: nothing created"
    );

    for typo in [
        r#"{"kind":"status","status":503,"procesed":true}"#,
        r#"{"kind":"drop","processed":"yes"}"#,
    ] {
        assert_eq!(
            raw(&mock, "POST", "/_mock/faults", &admin, typo).await.0,
            400,
            "{typo}"
        );
    }
}

/// Reads from `stream` until the server closes it (or 10 s pass); returns what was read and how long it took.
async fn read_until_closed(stream: &mut tokio::net::TcpStream) -> (String, Duration) {
    use tokio::io::AsyncReadExt as _;
    let started = std::time::Instant::now();
    let mut read = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => read.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the server kept a slow connection open for 10 s"),
        }
    }
    (
        String::from_utf8_lossy(&read).into_owned(),
        started.elapsed(),
    )
}

/// Slowloris: half-sent headers, a body that never completes and idle connections are closed after the timeouts,
/// more connections than the limit wait their turn instead of each taking memory, and the stand-in answers
/// throughout. (`axum::serve` kept 2,000 half-sent requests open for as long as their senders liked.)
#[tokio::test(flavor = "multi_thread")]
async fn slow_clients_are_cut_off_and_the_server_keeps_answering() {
    use meetergo_mock::serve::Limits;
    use tokio::io::AsyncWriteExt as _;

    let limits = Limits::default()
        .header_timeout(Duration::from_millis(600))
        .body_timeout(Duration::from_millis(600))
        .max_connections(8);
    let mut config = MockConfig::default();
    config.limits = limits;
    let mock = MockServer::start(config).await.unwrap();
    let addr = mock.addr();
    // Eight half-sent heads take every slot.
    let mut slow = Vec::new();
    for _ in 0..8 {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"POST /v4/webhooks HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    // A ninth client is served once the slow ones are cut off.
    let probe = tokio::spawn(async move {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET /_mock/deliveries HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        read_until_closed(&mut stream).await
    });
    for stream in &mut slow {
        let (answer, took) = read_until_closed(stream).await;
        assert!(took < Duration::from_secs(5), "closed after {took:?}");
        assert!(!answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    let (answer, _) = probe.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // A body that stops short is cut off after the body timeout.
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"POST /_mock/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":")
        .await
        .unwrap();
    let (answer, took) = read_until_closed(&mut stream).await;
    assert!(
        took < Duration::from_secs(5),
        "closed after {took:?}: {answer}"
    );
    assert!(!answer.starts_with("HTTP/1.1 2"), "{answer}");

    // An idle keep-alive connection is closed too.
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /_mock/deliveries HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (answer, took) = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        took < Duration::from_secs(5),
        "idle connection closed after {took:?}"
    );

    // A head larger than the limit is refused with 431.
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut head = b"GET /_mock/deliveries HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    head.extend(std::iter::repeat_n(b'a', 100 * 1024));
    head.extend_from_slice(b"\r\n\r\n");
    let _ = stream.write_all(&head).await;
    let (answer, _) = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    mock.shutdown().await;
}
