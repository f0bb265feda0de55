//! Tests: http_client. The HTTP client against a real local HTTP server (axum on 127.0.0.1:0), one per test.
//!
//! Every server records each request it receives (method, raw path and query, headers, body) and answers from a
//! per-test script: a queue of canned responses, then a response repeated forever (or `418 unscripted`).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use meetergo_core::{
    ApiKey, Client, ClientBuilder, Error, EventType, NewWebhook, RateLimit, ValidationErrorKind,
    WebhookPatch, user_id_header,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------------------------
// The scripted server
// ---------------------------------------------------------------------------------------------------------------

/// A personal access token.
const PAT: &str = "rgo-pat-7Hq2LmZx9Wc4VbN1";
/// The secret part of the platform key below, checked on its own too.
const AK_SECRET: &str = "Sk9vQ3rT6yU1iO4pA7sD";
/// A platform API key.
const AK: &str = "ak_live:0b8e6a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b:Sk9vQ3rT6yU1iO4pA7sD";

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    /// The raw path and query, percent-escapes untouched.
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ascii header"))
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON request body")
    }
}

/// A scripted answer.
#[derive(Debug, Clone)]
struct Canned {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    delay: Duration,
}

impl Canned {
    fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: String::new(),
            delay: Duration::ZERO,
        }
    }

    fn json(status: u16, body: &Value) -> Self {
        Self::status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    fn text(status: u16, content_type: &str, body: &str) -> Self {
        Self::status(status)
            .header("content-type", content_type)
            .body(body)
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn body(mut self, body: impl Into<String>) -> Self {
        self.body = body.into();
        self
    }

    fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Recorded>>,
    queue: Mutex<VecDeque<Canned>>,
    repeat: Mutex<Option<Canned>>,
}

struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 16 * 1024 * 1024)
        .await
        .expect("request body");
    shared
        .requests
        .lock()
        .expect("server state")
        .push(Recorded {
            method: parts.method.to_string(),
            path: parts
                .uri
                .path_and_query()
                .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned()),
            headers: parts.headers,
            body: body.to_vec(),
        });
    let next = shared.queue.lock().expect("server state").pop_front();
    let canned = next
        .or_else(|| shared.repeat.lock().expect("server state").clone())
        .unwrap_or_else(|| Canned::text(418, "text/plain", "unscripted request"));
    if !canned.delay.is_zero() {
        tokio::time::sleep(canned.delay).await;
    }
    let mut response =
        Response::builder().status(StatusCode::from_u16(canned.status).expect("a valid status"));
    for (name, value) in &canned.headers {
        response = response.header(name, value);
    }
    response
        .body(Body::from(canned.body))
        .expect("a valid response")
}

impl TestServer {
    /// A server answering `script` in order, then `418 unscripted`.
    async fn start(script: impl IntoIterator<Item = Canned>) -> Self {
        let shared = Arc::new(Shared::default());
        shared.queue.lock().expect("server state").extend(script);
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Self { addr, shared }
    }

    /// A server answering `script` in order, then `then` forever.
    async fn start_then(script: impl IntoIterator<Item = Canned>, then: Canned) -> Self {
        let server = Self::start(script).await;
        *server.shared.repeat.lock().expect("server state") = Some(then);
        server
    }

    /// A server answering `canned` to every request.
    async fn always(canned: Canned) -> Self {
        Self::start_then([], canned).await
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().expect("server state").clone()
    }

    fn count(&self) -> usize {
        self.shared.requests.lock().expect("server state").len()
    }

    /// A fast client for this server with a personal access token.
    fn client(&self) -> ClientBuilder {
        self.client_with(PAT)
    }

    /// A fast client for this server: short timeout and retry delays, no environment.
    fn client_with(&self, token: &str) -> ClientBuilder {
        Client::builder()
            .base_url(self.url())
            .api_key(token)
            .ignore_env(true)
            .timeout(Duration::from_secs(5))
            .initial_retry_delay(Duration::from_millis(20))
            .max_retry_delay(Duration::from_secs(5))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

fn webhook_json(id: &str, endpoint: &str, types: &[&str]) -> Value {
    json!({
        "id": id,
        "endpoint": endpoint,
        "description": "Production webhook",
        "eventTypes": types,
        "companyId": "company-uuid-789",
        "createdAt": "2024-01-15T10:00:00Z",
    })
}

fn new_hook() -> NewWebhook {
    NewWebhook::new(
        "https://example.com/webhooks/meetergo",
        [EventType::BookingCreated],
    )
}

/// Neither `Display` nor `Debug` of `e` shows any token or the secret part of the platform key.
#[track_caller]
fn assert_no_token(e: &Error) {
    let shown = format!("{e} || {e:?}");
    for secret in [PAT, AK, AK_SECRET] {
        assert!(!shown.contains(secret), "token leaked: {shown}");
    }
}

#[track_caller]
fn validation_field(e: &Error) -> (&str, &ValidationErrorKind) {
    match e {
        Error::Validation(v) => (v.field.as_str(), &v.kind),
        other => panic!("expected Error::Validation, got {other:?}"),
    }
}

#[track_caller]
fn api_status(e: &Error) -> u16 {
    match e {
        Error::Api(api) => api.status,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// ---------------------------------------------------------------------------------------------------------------
// create / list / update / delete on the wire
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_sends_the_documented_request_and_parses_the_webhook() {
    let mut answer = webhook_json(
        "webhook-uuid-123",
        "https://your-server.com/webhooks/meetergo",
        &["booking_created", "booking_cancelled", "signature_sent"],
    );
    answer["createdAt"] = json!("2024-01-15T10:00:00+01:00");
    answer["secretHint"] = json!("whk_...");
    answer["active"] = json!(true);
    let server = TestServer::start([Canned::json(201, &answer)]).await;
    let client = server
        .client_with(AK)
        .user_id("user-uuid-1")
        .build()
        .unwrap();

    let hook = client
        .webhooks()
        .create(
            NewWebhook::new(
                "https://your-server.com/webhooks/meetergo",
                [
                    EventType::BookingCreated,
                    EventType::BookingCancelled,
                    EventType::BookingCreated,
                    EventType::from("booking_cancelled"),
                ],
            )
            .description("Production webhook"),
        )
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/webhooks");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {AK}").as_str())
    );
    assert_eq!(r.header("x-meetergo-api-user-id"), Some("user-uuid-1"));
    assert_eq!(
        r.header("user-agent"),
        Some(concat!("meetergo-rust/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(
        r.json(),
        json!({
            "endpoint": "https://your-server.com/webhooks/meetergo",
            "description": "Production webhook",
            "eventTypes": ["booking_created", "booking_cancelled"],
        })
    );

    assert_eq!(hook.id, "webhook-uuid-123");
    assert_eq!(hook.endpoint, "https://your-server.com/webhooks/meetergo");
    assert_eq!(hook.description.as_deref(), Some("Production webhook"));
    assert_eq!(
        hook.event_types,
        vec![
            EventType::BookingCreated,
            EventType::BookingCancelled,
            EventType::Unknown("signature_sent".into()),
        ]
    );
    assert_eq!(hook.company_id.as_deref(), Some("company-uuid-789"));
    let created = hook.created_at.unwrap();
    assert_eq!(created.offset().local_minus_utc(), 3600);
    assert_eq!(created.to_rfc3339(), "2024-01-15T10:00:00+01:00");
    assert_eq!(hook.extra.get("secretHint"), Some(&json!("whk_...")));
    assert_eq!(hook.extra.get("active"), Some(&json!(true)));
    assert_eq!(hook.extra.len(), 2);
}

#[tokio::test]
async fn create_without_description_omits_the_key() {
    let server = TestServer::start([Canned::json(
        201,
        &webhook_json(
            "w1",
            "https://example.com/webhooks/meetergo",
            &["booking_created"],
        ),
    )])
    .await;
    let client = server.client().build().unwrap();
    client.webhooks().create(new_hook()).await.unwrap();
    let body = server.requests()[0].json();
    assert_eq!(
        body,
        json!({"endpoint": "https://example.com/webhooks/meetergo", "eventTypes": ["booking_created"]})
    );
    assert!(body.get("description").is_none());
}

#[tokio::test]
async fn personal_token_sends_no_user_id_unless_asked() {
    let ok = || Canned::json(200, &json!([]));

    // No user id anywhere.
    let server = TestServer::always(ok()).await;
    server
        .client()
        .build()
        .unwrap()
        .webhooks()
        .list()
        .await
        .unwrap();
    // An explicit user id alone is not sent with an `rgo-` token.
    server
        .client()
        .user_id("someone-else")
        .build()
        .unwrap()
        .webhooks()
        .list()
        .await
        .unwrap();
    // Asking for it without a user id sends nothing either.
    server
        .client()
        .send_user_id_with_personal_token(true)
        .build()
        .unwrap()
        .webhooks()
        .list()
        .await
        .unwrap();
    // Both: sent.
    server
        .client()
        .user_id("user-42")
        .send_user_id_with_personal_token(true)
        .build()
        .unwrap()
        .webhooks()
        .list()
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for r in &requests[..3] {
        assert_eq!(r.header("x-meetergo-api-user-id"), None, "{r:?}");
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {PAT}").as_str())
        );
    }
    assert_eq!(
        requests[3].header("x-meetergo-api-user-id"),
        Some("user-42")
    );

    // A user id from the environment is never used for an `rgo-` token, even when asked to send one
    // (the decision the client makes with MEETERGO_USER_ID; the environment itself is not touched by tests).
    let pat = ApiKey::new(PAT).unwrap();
    assert_eq!(
        user_id_header(&pat, None, Some("env-user"), false).unwrap(),
        None
    );
    assert_eq!(
        user_id_header(&pat, None, Some("env-user"), true).unwrap(),
        None
    );
    let ak = ApiKey::new(AK).unwrap();
    assert_eq!(
        user_id_header(&ak, None, Some("env-user"), false).unwrap(),
        Some("env-user".into())
    );
}

#[tokio::test]
async fn other_tokens_send_an_explicit_user_id() {
    let server = TestServer::always(Canned::json(200, &json!([]))).await;
    let token = "opaque-bearer-token-123";
    server
        .client_with(token)
        .user_id("user-7")
        .build()
        .unwrap()
        .webhooks()
        .list()
        .await
        .unwrap();
    server
        .client_with(token)
        .build()
        .unwrap()
        .webhooks()
        .list()
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header("x-meetergo-api-user-id"), Some("user-7"));
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer opaque-bearer-token-123")
    );
    assert_eq!(requests[1].header("x-meetergo-api-user-id"), None);
}

#[tokio::test]
async fn bad_credentials_fail_at_build_without_a_request() {
    let server = TestServer::always(Canned::json(200, &json!([]))).await;

    let e = server.client_with(AK).build().unwrap_err();
    assert_eq!(
        validation_field(&e),
        ("userId", &ValidationErrorKind::Config)
    );
    assert_no_token(&e);
    // A blank user id is no user id.
    let e = server.client_with(AK).user_id("  ").build().unwrap_err();
    assert_eq!(validation_field(&e).0, "userId");

    let e = Client::builder()
        .base_url(server.url())
        .ignore_env(true)
        .build()
        .unwrap_err();
    assert_eq!(
        validation_field(&e),
        ("apiKey", &ValidationErrorKind::Missing)
    );

    let e = server.client_with(&format!("{PAT}\n")).build().unwrap_err();
    assert_eq!(
        validation_field(&e),
        ("apiKey", &ValidationErrorKind::Malformed)
    );
    assert_no_token(&e);
    let e = server.client_with("rgo-abc def").build().unwrap_err();
    assert_eq!(validation_field(&e).0, "apiKey");

    let e = server.client().timeout(Duration::ZERO).build().unwrap_err();
    assert_eq!(validation_field(&e).0, "timeout");

    let e = server
        .client()
        .base_url("ftp://127.0.0.1/")
        .build()
        .unwrap_err();
    assert_eq!(validation_field(&e).0, "baseUrl");

    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn list_returns_every_webhook() {
    let server = TestServer::start([Canned::json(
        200,
        &json!([
            webhook_json(
                "w1",
                "https://a.example.com/h",
                &["booking_created", "booking_cancelled"]
            ),
            webhook_json("w2", "https://b.example.com/h", &["booking_created"]),
        ]),
    )])
    .await;
    let client = server.client().build().unwrap();
    let hooks = client.webhooks().list().await.unwrap();
    assert_eq!(hooks.len(), 2);
    assert_eq!(hooks[0].id, "w1");
    assert_eq!(hooks[1].endpoint, "https://b.example.com/h");
    assert_eq!(hooks[0].event_types.len(), 2);
    let r = &server.requests()[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/webhooks"));
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
}

#[tokio::test]
async fn base_url_forms_reach_the_right_path() {
    let server = TestServer::always(Canned::json(200, &json!([]))).await;
    let base = server.url();
    for (given, expected) in [
        (base.clone(), "/webhooks"),
        (format!("{base}/"), "/webhooks"),
        (format!("{base}/v4"), "/webhooks"),
        (format!("{base}/v4/"), "/webhooks"),
        (format!("{base}/proxy/meetergo"), "/proxy/meetergo/webhooks"),
        (
            format!("{base}/proxy/meetergo/v4/"),
            "/proxy/meetergo/webhooks",
        ),
    ] {
        let client = server.client().base_url(&given).build().unwrap();
        client.webhooks().list().await.unwrap();
        let last = server.requests().pop().unwrap();
        assert_eq!(last.path, expected, "base URL {given}");
    }
}

#[tokio::test]
async fn update_sends_only_the_set_fields() {
    let answer = webhook_json(
        "w1",
        "https://example.com/new",
        &["booking_created", "new_employee"],
    );
    let server = TestServer::always(Canned::json(200, &answer)).await;
    let client = server.client().build().unwrap();

    let hook = client
        .webhooks()
        .update(
            "w1",
            WebhookPatch::new().event_types([
                EventType::BookingCreated,
                EventType::NewEmployee,
                EventType::BookingCreated,
            ]),
        )
        .await
        .unwrap();
    assert_eq!(
        hook.event_types,
        vec![EventType::BookingCreated, EventType::NewEmployee]
    );

    client
        .webhooks()
        .update(
            "w1",
            WebhookPatch::new()
                .endpoint("https://example.com/new")
                .description("renamed"),
        )
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "PATCH");
    assert_eq!(requests[0].path, "/webhooks/w1");
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    assert_eq!(
        requests[0].json(),
        json!({"eventTypes": ["booking_created", "new_employee"]})
    );
    assert_eq!(
        requests[1].json(),
        json!({"endpoint": "https://example.com/new", "description": "renamed"})
    );
}

#[tokio::test]
async fn ids_are_one_escaped_path_segment() {
    let server = TestServer::always(Canned::json(
        200,
        &webhook_json("x", "https://e.example.com/h", &["booking_created"]),
    ))
    .await;
    let client = server.client().build().unwrap();
    let patch = || WebhookPatch::new().description("d");

    client.webhooks().update("a/b?c", patch()).await.unwrap();
    client
        .webhooks()
        .update("../admin#x", patch())
        .await
        .unwrap();
    client.webhooks().update("100%2F", patch()).await.unwrap();
    client.webhooks().update("a\\b", patch()).await.unwrap();
    client
        .webhooks()
        .update("caf\u{e9} 1", patch())
        .await
        .unwrap();
    client.webhooks().delete("a/b?c").await.unwrap();

    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/webhooks/a%2Fb%3Fc",
            "/webhooks/..%2Fadmin%23x",
            "/webhooks/100%252F",
            "/webhooks/a%5Cb",
            "/webhooks/caf%C3%A9%201",
            "/webhooks/a%2Fb%3Fc",
        ]
    );
}

/// meetergo's live API answers integer ids where its documentation shows strings: every read takes either, hands
/// the id on as a string, and the paths use it as sent.
#[tokio::test]
async fn integer_ids_are_read_as_strings_everywhere() {
    let numeric = json!({
        "id": 1492,
        "endpoint": "https://example.com/webhooks/meetergo",
        "eventTypes": ["booking_created"],
        "companyId": 77,
        "createdAt": "2024-01-15T10:00:00Z",
    });
    let huge = json!({"id": u64::MAX, "endpoint": "https://b.example.com/h", "eventTypes": []});
    let negative = json!({"id": -3, "endpoint": "https://c.example.com/h", "eventTypes": []});
    let server = TestServer::start([
        Canned::json(201, &numeric),
        Canned::json(200, &json!([numeric, huge, negative])),
        Canned::json(200, &numeric),
        Canned::status(204),
        Canned::json(200, &json!([numeric])),
    ])
    .await;
    let client = server.client().build().unwrap();

    let created = client.webhooks().create(new_hook()).await.unwrap();
    assert_eq!(created.id, "1492");
    assert_eq!(created.company_id.as_deref(), Some("77"));
    assert!(created.extra.is_empty(), "{:?}", created.extra);
    let ids: Vec<String> = client
        .webhooks()
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect();
    assert_eq!(ids, ["1492", "18446744073709551615", "-3"]);
    let updated = client
        .webhooks()
        .update(&created.id, WebhookPatch::new().description("d"))
        .await
        .unwrap();
    assert_eq!(updated.id, "1492");
    client.webhooks().delete(&created.id).await.unwrap();
    let found = client.webhooks().reconcile(&new_hook()).await.unwrap();
    assert_eq!(found.map(|h| h.id).as_deref(), Some("1492"));
    // Serialized for users (`--json`, Python `to_dict`, Node objects): the id as a string.
    assert_eq!(serde_json::to_value(&created).unwrap()["id"], "1492");

    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/webhooks",
            "/webhooks",
            "/webhooks/1492",
            "/webhooks/1492",
            "/webhooks"
        ]
    );

    // An id of any other type is still an unreadable answer, with its path.
    for bad in [json!(1.5), json!(true), json!({"n": 1}), json!(null)] {
        let server = TestServer::always(Canned::json(
            200,
            &json!([{"id": bad, "endpoint": "https://e.example.com/h", "eventTypes": []}]),
        ))
        .await;
        let e = server
            .client()
            .build()
            .unwrap()
            .webhooks()
            .list()
            .await
            .unwrap_err();
        let Error::UnexpectedResponse { message, .. } = &e else {
            panic!("{bad}: {e:?}")
        };
        assert!(message.starts_with("at `[0].id`:"), "{bad}: {message}");
        assert!(message.contains("a string or an integer id"), "{message}");
    }
}

/// A success body that is not the expected JSON names the path of the offending value, also inside a list, and
/// a document followed by more data or a `null` list is not read as a valid answer.
#[tokio::test]
async fn unreadable_success_bodies_name_their_path() {
    let hook =
        r#"{"id":"w1","endpoint":"https://e.example.com/h","eventTypes":["booking_created"]}"#;
    for (body, list, path) in [
        ("null".to_owned(), true, "."),
        (format!("[{hook}, 5]"), true, "[1]"),
        (format!("[{hook}] trailing"), true, "."),
        (format!("{hook}{hook}"), false, "."),
        (
            r#"{"id":"w1","endpoint":7,"eventTypes":[]}"#.to_owned(),
            false,
            "endpoint",
        ),
    ] {
        let server = TestServer::always(Canned::text(200, "application/json", &body)).await;
        let client = server.client().build().unwrap();
        let e = if list {
            client.webhooks().list().await.map(|_| ()).unwrap_err()
        } else {
            client
                .webhooks()
                .update("w1", WebhookPatch::new().description("d"))
                .await
                .map(|_| ())
                .unwrap_err()
        };
        let Error::UnexpectedResponse { message, .. } = &e else {
            panic!("{body}: {e:?}")
        };
        assert!(
            message.starts_with(&format!("at `{path}`:")),
            "{body}: {message}"
        );
    }
}

#[tokio::test]
async fn bad_ids_and_empty_patches_are_rejected_before_sending() {
    let server = TestServer::always(Canned::status(204)).await;
    let client = server.client().build().unwrap();

    let e = client
        .webhooks()
        .update("w1", WebhookPatch::new())
        .await
        .unwrap_err();
    assert_eq!(
        validation_field(&e),
        ("patch", &ValidationErrorKind::Missing)
    );
    for id in ["", "  ", ".", "..", "a\nb"] {
        let e = client.webhooks().delete(id).await.unwrap_err();
        assert_eq!(validation_field(&e).0, "id", "{id:?}");
        let e = client
            .webhooks()
            .update(id, WebhookPatch::new().description("d"))
            .await
            .unwrap_err();
        assert_eq!(validation_field(&e).0, "id", "{id:?}");
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn delete_answers() {
    // 204: deleted.
    let server = TestServer::start([Canned::status(204)]).await;
    let client = server.client().build().unwrap();
    client.webhooks().delete("w1").await.unwrap();
    let r = &server.requests()[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("DELETE", "/webhooks/w1")
    );

    // 404 on the first try: not found.
    let not_found = json!({"statusCode":404,"message":"Webhook not found","error":"Not Found"});
    let server = TestServer::start([Canned::json(404, &not_found)]).await;
    let client = server.client().build().unwrap();
    let e = client.webhooks().delete("w1").await.unwrap_err();
    assert_eq!(api_status(&e), 404);
    assert_eq!(e.status(), Some(404));
    assert!(!e.is_outcome_unknown());
    assert_eq!(server.count(), 1);
    assert_no_token(&e);

    // 502 (a gateway: the request may have gone through), then 404: the first attempt deleted it.
    let server = TestServer::start([Canned::status(502), Canned::json(404, &not_found)]).await;
    let client = server.client().build().unwrap();
    client.webhooks().delete("w1").await.unwrap();
    assert_eq!(server.count(), 2);

    // 503 means "not processed": a 404 after it is a real 404 (a wrong id is not reported as deleted).
    let server = TestServer::start([Canned::status(503), Canned::json(404, &not_found)]).await;
    let client = server.client().build().unwrap();
    let e = client.webhooks().delete("w1").await.unwrap_err();
    assert_eq!(api_status(&e), 404);
    assert_eq!(server.count(), 2);

    // A timeout, then 404: deleted too.
    let server = TestServer::start([
        Canned::status(204).delay(Duration::from_secs(10)),
        Canned::json(404, &not_found),
    ])
    .await;
    let client = server.client().timeout(ms(200)).build().unwrap();
    client.webhooks().delete("w1").await.unwrap();
    assert_eq!(server.count(), 2);

    // 429 (not processed), then 404: really not found.
    let server = TestServer::start([Canned::status(429), Canned::json(404, &not_found)]).await;
    let client = server.client().build().unwrap();
    let e = client.webhooks().delete("w1").await.unwrap_err();
    assert_eq!(api_status(&e), 404);
    assert_eq!(server.count(), 2);
}

// ---------------------------------------------------------------------------------------------------------------
// Error mapping
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn nestjs_validation_errors_are_kept() {
    let body = json!({
        "statusCode": 400,
        "message": ["endpoint must be a URL address", "eventTypes must contain at least 1 elements"],
        "error": "Bad Request",
        "errors": [{"field": "endpoint", "message": "must be a URL address"}, {"field": "eventTypes"}],
    });
    let server = TestServer::always(Canned::json(400, &body)).await;
    let client = server.client().build().unwrap();
    let e = client.webhooks().create(new_hook()).await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert_no_token(&e);
    assert!(!e.is_outcome_unknown());
    let Error::Api(api) = &e else {
        panic!("expected Api, got {e:?}")
    };
    assert_eq!(api.status, 400);
    assert_eq!(api.method, "POST");
    assert_eq!(api.path, "/webhooks");
    assert_eq!(
        api.messages(),
        [
            "endpoint must be a URL address",
            "eventTypes must contain at least 1 elements"
        ]
    );
    assert_eq!(api.error.as_deref(), Some("Bad Request"));
    assert_eq!(api.errors.len(), 2);
    assert_eq!(api.errors[0].field.as_deref(), Some("endpoint"));
    assert_eq!(
        api.errors[0].message.as_deref(),
        Some("must be a URL address")
    );
    assert_eq!(api.errors[1].message, None);
    assert_eq!(serde_json::from_str::<Value>(&api.body).unwrap(), body);
    let shown = e.to_string();
    assert!(
        shown.starts_with("POST /webhooks answered 400 Bad Request: "),
        "{shown}"
    );
    assert!(
        shown.contains(
            "endpoint must be a URL address; eventTypes must contain at least 1 elements"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("[endpoint: must be a URL address]"),
        "{shown}"
    );
}

#[tokio::test]
async fn client_error_statuses_map_to_api_errors_without_retry() {
    for (status, error, message) in [
        (401, "Unauthorized", "Invalid API key"),
        (403, "Forbidden", "Forbidden resource"),
        (404, "Not Found", "Cannot GET /webhooks"),
        (500, "Internal Server Error", "Internal server error"),
    ] {
        let body = json!({"statusCode": status, "message": message, "error": error});
        let server = TestServer::always(Canned::json(status, &body)).await;
        let client = server.client().build().unwrap();
        let e = client.webhooks().list().await.unwrap_err();
        assert_eq!(server.count(), 1, "{status} must not be retried");
        assert_eq!(api_status(&e), status);
        let api = e.api_error().unwrap();
        assert_eq!(api.messages(), [message]);
        assert_eq!(api.error.as_deref(), Some(error));
        assert_eq!(
            e.to_string(),
            format!("GET /webhooks answered {status} {error}: {message}")
        );
        assert_no_token(&e);
    }
}

#[tokio::test]
async fn limit_reached_is_its_own_error() {
    let body =
        json!({"statusCode":406,"message":"Company reached maximum","error":"Not Acceptable"});
    let server = TestServer::always(Canned::json(406, &body)).await;
    let client = server.client_with(AK).user_id("u1").build().unwrap();
    let e = client.webhooks().create(new_hook()).await.unwrap_err();
    assert_eq!(server.count(), 1);
    let Error::LimitReached(api) = &e else {
        panic!("expected LimitReached, got {e:?}")
    };
    assert_eq!(api.status, 406);
    assert_eq!(api.messages(), ["Company reached maximum"]);
    assert_eq!(e.status(), Some(406));
    assert!(!e.is_outcome_unknown());
    assert!(e.to_string().contains("Company reached maximum"), "{e}");
    assert_no_token(&e);
}

#[tokio::test]
async fn plan_limit_code_and_feature_are_kept() {
    let body = json!({
        "statusCode": 403,
        "message": "Your plan does not include this feature",
        "error": "Forbidden",
        "code": "PLAN_LIMIT_REACHED",
        "feature": "webhooks",
    });
    let server = TestServer::always(Canned::json(403, &body)).await;
    let client = server.client().build().unwrap();
    let e = client.webhooks().create(new_hook()).await.unwrap_err();
    assert_eq!(api_status(&e), 403);
    let api = e.api_error().unwrap();
    assert_eq!(api.code.as_deref(), Some("PLAN_LIMIT_REACHED"));
    assert_eq!(api.feature.as_deref(), Some("webhooks"));
    assert!(e.to_string().contains("(code PLAN_LIMIT_REACHED)"), "{e}");
    assert_no_token(&e);
}

#[tokio::test]
async fn non_json_and_empty_error_bodies() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>\
                </center><hr><center>nginx</center></body></html>";
    // POST: a 502 is not retried (the create may have gone through).
    let server = TestServer::always(Canned::text(502, "text/html", html)).await;
    let client = server.client().build().unwrap();
    let e = client.webhooks().create(new_hook()).await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(api_status(&e), 502);
    assert!(e.is_outcome_unknown());
    let api = e.api_error().unwrap();
    assert_eq!(api.body, html);
    assert_eq!(api.message, None);
    let shown = e.to_string();
    assert!(
        shown.starts_with("POST /webhooks answered 502: <html>"),
        "{shown}"
    );
    assert!(shown.contains("502 Bad Gateway"), "{shown}");
    assert_no_token(&e);

    // GET: retried, then the last answer is reported.
    let server = TestServer::always(Canned::text(502, "text/html", html)).await;
    let client = server.client().max_retries(2).build().unwrap();
    let e = client.webhooks().list().await.unwrap_err();
    assert_eq!(server.count(), 3);
    assert_eq!(api_status(&e), 502);
    assert_eq!(e.api_error().unwrap().body, html);

    // Empty body.
    let server = TestServer::always(Canned::status(500)).await;
    let client = server.client().build().unwrap();
    let e = client.webhooks().list().await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(api_status(&e), 500);
    assert_eq!(e.api_error().unwrap().body, "");
    assert_eq!(e.to_string(), "GET /webhooks answered 500");

    // JSON of another shape.
    let server =
        TestServer::always(Canned::json(401, &json!({"detail": "nope", "message": 7}))).await;
    let client = server.client().build().unwrap();
    let e = client.webhooks().list().await.unwrap_err();
    assert_eq!(api_status(&e), 401);
    assert_eq!(
        e.api_error().unwrap().body,
        r#"{"detail":"nope","message":7}"#
    );
    assert!(
        e.to_string().starts_with("GET /webhooks answered 401"),
        "{e}"
    );
}

#[tokio::test]
async fn unreadable_success_bodies_are_unexpected_responses() {
    let server = TestServer::start([
        Canned::json(200, &json!({"not": "a list"})),
        Canned::json(
            201,
            &json!({"id": 5.5, "endpoint": "https://e.example.com/h"}),
        ),
        Canned::text(200, "text/html", "<html>captive portal</html>"),
    ])
    .await;
    let client = server.client().build().unwrap();

    let e = client.webhooks().list().await.unwrap_err();
    assert!(
        matches!(e, Error::UnexpectedResponse { status: 200, .. }),
        "{e:?}"
    );
    let e = client.webhooks().create(new_hook()).await.unwrap_err();
    let Error::UnexpectedResponse {
        message, status, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!(*status, 201);
    assert!(message.contains("`id`"), "{message}");
    // meetergo answered 2xx to the create: the webhook exists, so the caller must reconcile, not re-create.
    assert!(e.is_outcome_unknown());
    let e = client.webhooks().list().await.unwrap_err();
    let Error::UnexpectedResponse { body, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(body, "<html>captive portal</html>");
    assert_eq!(server.count(), 3);
}

// ---------------------------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------------------------

fn too_many() -> Canned {
    Canned::json(
        429,
        &json!({"statusCode":429,"message":"Too Many Requests","error":"Too Many Requests"}),
    )
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = TestServer::start([
        too_many().header("retry-after", "1"),
        Canned::json(200, &json!([])),
    ])
    .await;
    let client = server.client().build().unwrap();
    let started = Instant::now();
    client.webhooks().list().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(server.count(), 2);
    assert!(elapsed >= ms(950), "waited only {elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "waited {elapsed:?}");
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let when = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        + chrono::Duration::seconds(2);
    // HTTP dates have whole seconds: the wait is between 1 and 2 s.
    let date = when.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let server = TestServer::start([
        too_many().header("retry-after", &date),
        Canned::json(200, &json!([])),
    ])
    .await;
    let client = server.client().build().unwrap();
    let started = Instant::now();
    client.webhooks().list().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(server.count(), 2);
    assert!(elapsed >= ms(900), "waited only {elapsed:?} for {date}");
    assert!(elapsed < Duration::from_secs(4), "waited {elapsed:?}");
}

#[tokio::test]
async fn rate_limited_without_retry_after_backs_off() {
    let server = TestServer::start([too_many(), too_many(), Canned::json(200, &json!([]))]).await;
    let client = server
        .client()
        .initial_retry_delay(ms(40))
        .max_retries(2)
        .build()
        .unwrap();
    let started = Instant::now();
    client.webhooks().list().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(server.count(), 3);
    // Backoff with jitter: at least half of 40 ms, then half of 80 ms.
    assert!(elapsed >= ms(60), "waited only {elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "waited {elapsed:?}");
}

#[tokio::test]
async fn rate_limited_post_is_retried_it_was_not_processed() {
    let answer = webhook_json(
        "w1",
        "https://example.com/webhooks/meetergo",
        &["booking_created"],
    );
    let server = TestServer::start([too_many(), Canned::json(201, &answer)]).await;
    let client = server.client().build().unwrap();
    let hook = client.webhooks().create(new_hook()).await.unwrap();
    assert_eq!(hook.id, "w1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
}

#[tokio::test]
async fn rate_limited_forever_gives_up_after_max_retries() {
    let server = TestServer::always(too_many().header("retry-after", "0")).await;
    let client = server.client().max_retries(3).build().unwrap();
    let e = client.webhooks().list().await.unwrap_err();
    assert_eq!(server.count(), 4);
    let Error::RateLimited { retry_after, error } = &e else {
        panic!("expected RateLimited, got {e:?}")
    };
    assert_eq!(*retry_after, Some(Duration::ZERO));
    assert_eq!(error.status, 429);
    assert_eq!(error.retry_after, Some(Duration::ZERO));
    assert_eq!(e.status(), Some(429));
    assert!(!e.is_outcome_unknown());
    assert!(e.to_string().starts_with("rate limited by meetergo"), "{e}");
    assert_no_token(&e);

    // Without Retry-After: still RateLimited, retry_after unknown.
    let server = TestServer::always(too_many()).await;
    let client = server
        .client()
        .max_retries(1)
        .initial_retry_delay(ms(5))
        .build()
        .unwrap();
    let e = client.webhooks().create(new_hook()).await.unwrap_err();
    assert_eq!(server.count(), 2);
    assert!(
        matches!(
            e,
            Error::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!e.is_outcome_unknown());

    // No retries at all.
    let server = TestServer::always(too_many().header("retry-after", "1")).await;
    let client = server.client().max_retries(0).build().unwrap();
    let e = client.webhooks().list().await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert!(
        matches!(e, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(1)),
        "{e:?}"
    );
}

#[tokio::test]
async fn retry_after_beyond_the_cap_fails_at_once() {
    let server = TestServer::always(too_many().header("retry-after", "120")).await;
    let client = server
        .client()
        .max_retry_delay(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let e = client.webhooks().list().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count(), 1);
    let Error::RateLimited { retry_after, .. } = &e else {
        panic!("expected RateLimited, got {e:?}")
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(120)));
    assert!(e.to_string().contains("retry after 120 s"), "{e}");

    // A value too large for any clock means "not soon" too: not retried (it used to be read as absent, and retried
    // within half a second).
    let server = TestServer::always(too_many().header("retry-after", "99999999999999999999")).await;
    let client = server.client().build().unwrap();
    let e = client.webhooks().list().await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert!(
        matches!(e, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::MAX),
        "{e:?}"
    );
}

#[tokio::test]
async fn unavailable_get_is_retried() {
    let server = TestServer::start([
        Canned::status(503),
        Canned::text(504, "text/plain", "gateway timeout"),
        Canned::json(
            200,
            &json!([webhook_json(
                "w1",
                "https://a.example.com/h",
                &["booking_created"]
            )]),
        ),
    ])
    .await;
    let client = server.client().max_retries(2).build().unwrap();
    let hooks = client.webhooks().list().await.unwrap();
    assert_eq!(hooks.len(), 1);
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn unavailable_post_is_not_retried() {
    let server = TestServer::start([
        Canned::json(
            503,
            &json!({"statusCode":503,"message":"Service Unavailable"}),
        ),
        Canned::json(
            201,
            &webhook_json(
                "w1",
                "https://example.com/webhooks/meetergo",
                &["booking_created"],
            ),
        ),
    ])
    .await;
    let client = server.client().max_retries(3).build().unwrap();
    let e = client.webhooks().create(new_hook()).await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(api_status(&e), 503);
    assert!(e.is_outcome_unknown());
    assert_no_token(&e);
}

#[tokio::test]
async fn bad_gateway_patch_is_retried() {
    let server = TestServer::start([
        Canned::status(502),
        Canned::json(
            200,
            &webhook_json("w1", "https://a.example.com/h", &["booking_created"]),
        ),
    ])
    .await;
    let client = server.client().build().unwrap();
    let hook = client
        .webhooks()
        .update("w1", WebhookPatch::new().event_types(["booking_created"]))
        .await
        .unwrap();
    assert_eq!(hook.id, "w1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests
            .iter()
            .all(|r| r.method == "PATCH" && r.path == "/webhooks/w1")
    );
    assert_eq!(requests[0].body, requests[1].body);
}

// ---------------------------------------------------------------------------------------------------------------
// Timeouts and connection failures
// ---------------------------------------------------------------------------------------------------------------

fn never() -> Canned {
    Canned::json(200, &json!([])).delay(Duration::from_secs(30))
}

#[tokio::test]
async fn timeouts_on_get_are_retried() {
    let server = TestServer::always(never()).await;
    let client = server
        .client()
        .timeout(ms(150))
        .max_retries(2)
        .build()
        .unwrap();
    let started = Instant::now();
    let e = client.webhooks().list().await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(server.count(), 3);
    let Error::Timeout {
        method,
        path,
        timeout,
        attempts,
        outcome_unknown,
    } = &e
    else {
        panic!("expected Timeout, got {e:?}")
    };
    assert_eq!((method.as_str(), path.as_str()), ("GET", "/webhooks"));
    assert_eq!(*timeout, ms(150));
    assert_eq!(*attempts, 3);
    assert!(!outcome_unknown);
    assert!(!e.is_outcome_unknown());
    assert!(elapsed >= ms(450), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_no_token(&e);
}

#[tokio::test]
async fn timeout_on_post_is_not_retried_and_outcome_is_unknown() {
    let server = TestServer::always(never()).await;
    let client = server
        .client()
        .timeout(ms(200))
        .max_retries(3)
        .build()
        .unwrap();
    let started = Instant::now();
    let e = client.webhooks().create(new_hook()).await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(server.count(), 1);
    assert!(
        matches!(
            e,
            Error::Timeout {
                attempts: 1,
                outcome_unknown: true,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.is_outcome_unknown());
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    assert!(e.to_string().contains("may have processed"), "{e}");
    assert_no_token(&e);
}

#[tokio::test]
async fn a_late_answer_times_out_and_the_get_is_retried() {
    // Answers once, too late, then quickly: the GET succeeds on its retry.
    let server = TestServer::start([
        Canned::json(200, &json!([])).delay(ms(600)),
        Canned::json(200, &json!([])),
    ])
    .await;
    let client = server.client().timeout(ms(200)).build().unwrap();
    assert!(client.webhooks().list().await.unwrap().is_empty());
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key(PAT)
        .ignore_env(true)
        .timeout(Duration::from_secs(2))
        .initial_retry_delay(ms(50))
        .max_retries(2)
        .build()
        .unwrap();

    // A POST that never connected is retried (nothing was sent): two backoffs of at least 25 + 50 ms.
    let started = Instant::now();
    let e = client.webhooks().create(new_hook()).await.unwrap_err();
    let elapsed = started.elapsed();
    let Error::Transport {
        method,
        path,
        message,
        outcome_unknown,
        ..
    } = &e
    else {
        panic!("expected Transport, got {e:?}")
    };
    assert_eq!((method.as_str(), path.as_str()), ("POST", "/webhooks"));
    assert!(!message.is_empty());
    assert!(!outcome_unknown);
    assert!(!e.is_outcome_unknown());
    assert!(std::error::Error::source(&e).is_some());
    assert!(elapsed >= ms(75), "not retried? {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_no_token(&e);

    let e = client.webhooks().list().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                outcome_unknown: false,
                ..
            }
        ),
        "{e:?}"
    );
    assert_no_token(&e);
}

// ---------------------------------------------------------------------------------------------------------------
// reconcile
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn reconcile_finds_the_same_endpoint_and_event_set() {
    let mut staging = webhook_json("w2", "https://staging.example.com/h", &["booking_created"]);
    staging["description"] = json!("Staging webhook");
    let listing = json!([
        webhook_json(
            "w1",
            "https://example.com/webhooks/meetergo",
            &["booking_created", "booking_cancelled"],
        ),
        staging,
    ]);
    let server = TestServer::always(Canned::json(200, &listing)).await;
    let client = server.client().build().unwrap();
    let reconcile = |w: NewWebhook| {
        let client = client.clone();
        async move { client.webhooks().reconcile(&w).await.unwrap().map(|h| h.id) }
    };

    // Order and duplicates do not matter; the URL is compared normalized.
    let found = reconcile(NewWebhook::new(
        "https://example.com/webhooks/meetergo",
        ["booking_cancelled", "booking_created", "booking_cancelled"],
    ))
    .await;
    assert_eq!(found.as_deref(), Some("w1"));
    let found = reconcile(NewWebhook::new(
        "https://EXAMPLE.com:443/webhooks/meetergo",
        ["booking_created", "booking_cancelled"],
    ))
    .await;
    assert_eq!(found.as_deref(), Some("w1"));
    let found = reconcile(
        NewWebhook::new("https://staging.example.com/h", ["booking_created"])
            .description("Staging webhook"),
    )
    .await;
    assert_eq!(found.as_deref(), Some("w2"));

    // A subset, a superset, another endpoint or another description: not the same webhook.
    for w in [
        NewWebhook::new("https://example.com/webhooks/meetergo", ["booking_created"]),
        NewWebhook::new(
            "https://example.com/webhooks/meetergo",
            ["booking_created", "booking_cancelled", "new_employee"],
        ),
        NewWebhook::new(
            "https://example.com/webhooks/other",
            ["booking_created", "booking_cancelled"],
        ),
        NewWebhook::new("https://staging.example.com/h", ["booking_created"])
            .description("Production"),
    ] {
        assert_eq!(reconcile(w.clone()).await, None, "{w:?}");
    }
    assert_eq!(server.count(), 7);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.method == "GET" && r.path == "/webhooks")
    );

    // An invalid webhook is rejected before listing.
    let e = client
        .webhooks()
        .reconcile(&NewWebhook::new(
            "http://example.com/h",
            ["booking_created"],
        ))
        .await
        .unwrap_err();
    assert_eq!(validation_field(&e).0, "endpoint");
    assert_eq!(server.count(), 7);
}

// ---------------------------------------------------------------------------------------------------------------
// Validation before sending
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn invalid_webhooks_are_rejected_before_sending() {
    let server = TestServer::always(Canned::json(
        201,
        &webhook_json("w", "https://e.example.com/h", &["booking_created"]),
    ))
    .await;
    let client = server.client().build().unwrap();
    let types = || [EventType::BookingCreated];
    let cases: Vec<(NewWebhook, &str, ValidationErrorKind)> = vec![
        (
            NewWebhook::new("http://example.com/hooks", types()),
            "endpoint",
            ValidationErrorKind::InsecureScheme,
        ),
        (
            NewWebhook::new("https://localhost/hooks", types()),
            "endpoint",
            ValidationErrorKind::PrivateHost,
        ),
        (
            NewWebhook::new("https://10.0.0.1/hooks", types()),
            "endpoint",
            ValidationErrorKind::PrivateHost,
        ),
        (
            NewWebhook::new("https://192.168.1.20/hooks", types()),
            "endpoint",
            ValidationErrorKind::PrivateHost,
        ),
        (
            NewWebhook::new("https://[::1]/hooks", types()),
            "endpoint",
            ValidationErrorKind::PrivateHost,
        ),
        (
            NewWebhook::new("https://user:pw@example.com/hooks", types()),
            "endpoint",
            ValidationErrorKind::SecretInUrl,
        ),
        (
            NewWebhook::new("https://example.com/hooks?token=abc", types()),
            "endpoint",
            ValidationErrorKind::SecretInUrl,
        ),
        (
            NewWebhook::new("https://example.com/hooks?x=1&api_key=abc", types()),
            "endpoint",
            ValidationErrorKind::SecretInUrl,
        ),
        (
            NewWebhook::new("", types()),
            "endpoint",
            ValidationErrorKind::Missing,
        ),
        (
            NewWebhook::new("not a url", types()),
            "endpoint",
            ValidationErrorKind::Malformed,
        ),
        (
            NewWebhook::new("https://example.com/hooks", Vec::<EventType>::new()),
            "eventTypes",
            ValidationErrorKind::Missing,
        ),
        (
            NewWebhook::new("https://example.com/hooks", ["booking_created", ""]),
            "eventTypes[1]",
            ValidationErrorKind::Missing,
        ),
    ];
    for (hook, field, kind) in cases {
        let e = client.webhooks().create(hook.clone()).await.unwrap_err();
        assert_eq!(validation_field(&e), (field, &kind), "{hook:?}");
        assert!(e.to_string().contains(field), "{e}");
        assert!(!e.is_outcome_unknown());
    }
    // The same rules apply to a patch's endpoint.
    let e = client
        .webhooks()
        .update("w1", WebhookPatch::new().endpoint("https://10.0.0.1/x"))
        .await
        .unwrap_err();
    assert_eq!(
        validation_field(&e),
        ("endpoint", &ValidationErrorKind::PrivateHost)
    );
    let e = client
        .webhooks()
        .update(
            "w1",
            WebhookPatch::new().event_types(Vec::<EventType>::new()),
        )
        .await
        .unwrap_err();
    assert_eq!(validation_field(&e).0, "eventTypes");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn insecure_endpoints_can_be_allowed_but_never_secrets() {
    let server = TestServer::always(Canned::json(
        201,
        &webhook_json("w", "http://127.0.0.1:9/x", &["booking_created"]),
    ))
    .await;
    let client = server
        .client()
        .allow_insecure_endpoints(true)
        .build()
        .unwrap();
    assert!(client.allows_insecure_endpoints());
    let hook = client
        .webhooks()
        .create(NewWebhook::new("http://127.0.0.1:9/x", ["booking_created"]))
        .await
        .unwrap();
    assert_eq!(hook.endpoint, "http://127.0.0.1:9/x");
    assert_eq!(server.count(), 1);
    assert_eq!(
        server.requests()[0].json()["endpoint"],
        "http://127.0.0.1:9/x"
    );

    for endpoint in ["http://127.0.0.1:9/x?secret=1", "http://u:p@localhost:9/x"] {
        let e = client
            .webhooks()
            .create(NewWebhook::new(endpoint, ["booking_created"]))
            .await
            .unwrap_err();
        assert_eq!(
            validation_field(&e),
            ("endpoint", &ValidationErrorKind::SecretInUrl),
            "{endpoint}"
        );
    }
    assert_eq!(server.count(), 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Client-side rate limit, concurrency
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn client_side_rate_limit_spaces_requests() {
    let server = TestServer::always(Canned::json(200, &json!([]))).await;
    let client = server
        .client()
        .rate_limit(RateLimit::new(60.0 * 20.0, 2.0))
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..6 {
        client.webhooks().list().await.unwrap();
    }
    let elapsed = started.elapsed();
    assert_eq!(server.count(), 6);
    // Two at once, then one every 50 ms: four waits.
    assert!(elapsed >= ms(190), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");

    // Shared by clones, also across concurrent calls.
    let server = TestServer::always(Canned::json(200, &json!([]))).await;
    let client = server
        .client()
        .rate_limit(RateLimit::new(60.0 * 20.0, 2.0))
        .build()
        .unwrap();
    let started = Instant::now();
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.webhooks().list().await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    assert!(elapsed >= ms(190), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_lists_on_one_client() {
    let listing = json!([webhook_json(
        "w1",
        "https://a.example.com/h",
        &["booking_created"]
    )]);
    let server = TestServer::always(Canned::json(200, &listing)).await;
    let client = server.client().build().unwrap();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.webhooks().list().await })
        })
        .collect();
    for t in tasks {
        let hooks = t.await.unwrap().unwrap();
        assert_eq!(hooks.len(), 1);
        assert_eq!(hooks[0].id, "w1");
    }
    assert_eq!(server.count(), 100);
}

// ---------------------------------------------------------------------------------------------------------------
// Token hygiene
// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_token_never_shows() {
    let server = TestServer::always(Canned::json(200, &json!([]))).await;
    for client in [
        server.client().build().unwrap(),
        server.client_with(AK).user_id("u1").build().unwrap(),
    ] {
        let shown = format!("{client:?} {:?}", client.webhooks());
        for secret in [PAT, AK, AK_SECRET] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("[redacted]"), "{shown}");
    }
    let options = format!("{:?}", server.client_with(AK).user_id("u1"));
    assert!(!options.contains(AK_SECRET), "{options}");
}

#[tokio::test]
async fn error_bodies_echoing_the_token_are_scrubbed() {
    for token in [PAT, AK] {
        let echo = json!({
            "statusCode": 401,
            "message": format!("Invalid API key {token}"),
            "error": "Unauthorized",
            "headers": {"authorization": format!("Bearer {token}")},
        });
        let server = TestServer::start([
            Canned::json(401, &echo),
            Canned::text(
                502,
                "text/html",
                &format!("<pre>Authorization: Bearer {token}</pre>"),
            ),
            too_many()
                .header("retry-after", "99")
                .body(format!("slow down {token}")),
        ])
        .await;
        let client = server
            .client_with(token)
            .user_id("u1")
            .max_retry_delay(Duration::from_secs(1))
            .build()
            .unwrap();

        let e = client.webhooks().list().await.unwrap_err();
        assert_eq!(api_status(&e), 401);
        assert_no_token(&e);
        let api = e.api_error().unwrap();
        assert_eq!(api.messages(), ["Invalid API key [redacted]"]);
        assert!(api.body.contains("Bearer [redacted]"), "{}", api.body);
        assert!(e.to_string().contains("Invalid API key [redacted]"), "{e}");

        let e = client.webhooks().create(new_hook()).await.unwrap_err();
        assert_eq!(api_status(&e), 502);
        assert_no_token(&e);
        assert_eq!(
            e.api_error().unwrap().body,
            "<pre>Authorization: Bearer [redacted]</pre>"
        );

        let e = client.webhooks().list().await.unwrap_err();
        assert!(matches!(e, Error::RateLimited { .. }), "{e:?}");
        assert_no_token(&e);
        assert_eq!(e.api_error().unwrap().body, "slow down [redacted]");
    }
}

/// Whether `text` holds 8 or more characters in a row of a token's random part, in any case.
fn leaks_token(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["7Hq2LmZx9Wc4VbN1", AK_SECRET, "0c1d2e3f4a5b"]
        .iter()
        .any(|part| {
            let part = part.to_ascii_lowercase();
            (0..=part.len() - 8).any(|i| lower.contains(&part[i..i + 8]))
        })
}

/// A server that echoes the token in another spelling: JSON escapes (in the raw body and decoded), another case, cut
/// short, split by an escaped slash, every character escaped. Nothing of it reaches the error, its `Display`, `Debug`,
/// message fields or kept body.
#[tokio::test]
async fn echoes_of_the_token_in_any_spelling_are_scrubbed() {
    for token in [PAT, AK] {
        let escaped_dash = token.replace('-', "\\u002d").replace(':', "\\u003a");
        let every_char: String = token
            .chars()
            .map(|c| format!("\\u{:04x}", u32::from(c)))
            .collect();
        let cut = &token[..token.len() - 6];
        let split = format!(
            "{}\\/{}",
            &token[..token.len() - 10],
            &token[token.len() - 10..]
        );
        let body = format!(
            r#"{{"statusCode":401,"message":["escaped {escaped_dash}","upper {upper}","cut {cut}","split {split}"],"error":"{every_char}","errors":[{{"field":"{upper}","message":"{escaped_dash}"}}],"code":"{cut}","feature":"{every_char}"}}"#,
            upper = token.to_ascii_uppercase(),
        );
        let server = TestServer::start([Canned::text(401, "application/json", &body)]).await;
        let client = server.client_with(token).user_id("u1").build().unwrap();
        let e = client.webhooks().list().await.unwrap_err();
        assert_eq!(api_status(&e), 401);
        let api = e.api_error().unwrap();
        for shown in [
            e.to_string(),
            format!("{e:?}"),
            api.body.clone(),
            api.messages().join(" | "),
            format!(
                "{:?} {:?} {:?} {:?}",
                api.error, api.errors, api.code, api.feature
            ),
        ] {
            assert!(!leaks_token(&shown), "token leaked in {shown}");
        }
        assert!(
            api.messages()[1].starts_with("upper "),
            "{:?}",
            api.messages()
        );
    }
}

#[tokio::test]
async fn success_bodies_echoing_the_token_are_scrubbed() {
    // A base URL pointing at an echo service (or a proxy's page) answers 200 with the request headers.
    let server = TestServer::start([
        Canned::json(
            200,
            &json!({"headers": {"Authorization": format!("Bearer {PAT}")}}),
        ),
        Canned::json(200, &json!(format!("Bearer {PAT}"))),
        Canned::json(201, &json!({"id": format!("Bearer {PAT}"), "endpoint": 1})),
    ])
    .await;
    let client = server.client().build().unwrap();
    let e = client.webhooks().list().await.unwrap_err();
    assert!(matches!(e, Error::UnexpectedResponse { .. }), "{e:?}");
    assert_no_token(&e);
    let e = client.webhooks().list().await.unwrap_err();
    assert!(matches!(e, Error::UnexpectedResponse { .. }), "{e:?}");
    assert_no_token(&e);
    let e = client.webhooks().create(new_hook()).await.unwrap_err();
    assert!(matches!(e, Error::UnexpectedResponse { .. }), "{e:?}");
    assert_no_token(&e);
}

/// meetergo may echo the endpoint it refused: its path secret never reaches the error, however it was spelt.
#[tokio::test]
async fn path_secrets_echoed_in_errors_are_masked() {
    let secret = meetergo_core::PathSecret::generate().unwrap();
    let endpoint = secret
        .endpoint("https://example.com/webhooks/meetergo")
        .unwrap();
    let raw = secret.reveal();
    let random = &raw[4..];
    let escaped = endpoint.replace('/', "\\/").replace('_', "\\u005f");
    let body = format!(
        r#"{{"statusCode":400,"message":["endpoint {endpoint} is not reachable","escaped {escaped}"],"error":"Bad Request {}"}}"#,
        &endpoint[..endpoint.len() - 20],
    );
    let server = TestServer::start([Canned::text(400, "application/json", &body)]).await;
    let client = server.client().build().unwrap();
    let hook = NewWebhook::new(endpoint.as_str(), [EventType::BookingCreated]);
    let e = client.webhooks().create(hook).await.unwrap_err();
    let api = e.api_error().unwrap();
    for shown in [
        e.to_string(),
        format!("{e:?}"),
        api.body.clone(),
        api.messages().join(" | "),
        format!("{:?}", api.error),
    ] {
        for i in 0..=random.len() - 8 {
            assert!(
                !shown.contains(&random[i..i + 8]),
                "path secret leaked in {shown}"
            );
        }
        assert!(shown.contains("[redacted]"), "{shown}");
    }
    assert!(
        api.messages()[0]
            .starts_with("endpoint https://example.com/webhooks/meetergo/mps_[redacted]")
    );
}

/// A proxy that echoes only the secret part of an `ak_live:` key is scrubbed too.
#[tokio::test]
async fn the_secret_part_of_a_platform_key_is_scrubbed() {
    let server = TestServer::start([Canned::text(
        401,
        "text/plain",
        &format!("bad key part {AK_SECRET}"),
    )])
    .await;
    let client = server.client_with(AK).user_id("u1").build().unwrap();
    let e = client.webhooks().list().await.unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains(AK_SECRET), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
}
