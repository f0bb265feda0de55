//! The HTTP routes: meetergo's `/webhooks` API and the stand-in's own `/_mock/` routes.

// Handlers short-circuit with a ready `Response` as the error: the axum idiom; its size does not matter here.
#![allow(clippy::result_large_err)]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::SystemTime;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Request, State as Extract};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use chrono::{DateTime, SecondsFormat, Utc};
use meetergo_core::EventType;
use serde_json::{Map, Value, json};

use crate::deliver::{self, SimulateRequest};
use crate::faults::Fault;
use crate::is_url::is_url;
use crate::state::{Settings, State, StoredWebhook};

type Shared = Arc<State>;

pub(crate) fn router(state: Shared) -> Router {
    Router::new()
        .route("/webhooks", get(list).post(create))
        .route("/webhooks/{id}", patch(update).delete(remove))
        .route("/_mock/events", post(admin_simulate))
        .route("/_mock/deliveries", get(admin_deliveries))
        .route(
            "/_mock/faults",
            post(admin_faults).delete(admin_clear_faults),
        )
        .route("/_mock/reset", post(admin_reset))
        .route(
            "/_mock/settings",
            get(admin_settings).post(admin_change_settings),
        )
        .route("/_mock/health", get(|| async { Json(json!({"ok": true})) }))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .with_state(state)
}

/// A JSON answer (axum's `Json` with our content type, without the `json` extractor's own rejections).
struct Json(Value);

impl IntoResponse for Json {
    fn into_response(self) -> Response {
        (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            self.0.to_string(),
        )
            .into_response()
    }
}

/// meetergo's (NestJS's) error body.
pub(crate) fn error(status: StatusCode, message: impl Into<Value>) -> Response {
    let body = json!({
        "statusCode": status.as_u16(),
        "message": message.into(),
        "error": status.canonical_reason().unwrap_or("Error"),
    });
    (status, Json(body)).into_response()
}

async fn not_found(method: Method, request: Request) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!("Cannot {method} {}", request.uri().path()),
    )
}

// ---------------------------------------------------------------------------------------------------------------
// Authentication, rate limit, faults: what every API request goes through.

pub(crate) struct Caller {
    token: String,
    company_id: String,
    /// A fault with `processed: true` (or a `Hang`): the request is handled, then its answer replaced by the
    /// fault's (or, for a `Hang`, held back past the client's timeout): the "unknown outcome" cases.
    after: Option<Fault>,
}

impl Caller {
    async fn answer(&self, response: Response) -> Response {
        let Some(fault) = &self.after else {
            return response;
        };
        if let Some(hold) = fault.delay() {
            tokio::time::sleep(hold).await;
        }
        fault.response().unwrap_or(response)
    }
}

fn uuid_from(seed: &str) -> String {
    let mut h1 = DefaultHasher::new();
    seed.hash(&mut h1);
    let a = h1.finish();
    let mut h2 = DefaultHasher::new();
    (seed, 1u8).hash(&mut h2);
    let b = h2.finish();
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// meetergo's authentication rules (see `meetergo-api.md`).
fn authenticate(headers: &HeaderMap) -> Result<Caller, Response> {
    let unauthorized = |m: &str| error(StatusCode::UNAUTHORIZED, m);
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized("Missing authorization header"));
    };
    let value = value
        .to_str()
        .map_err(|_| unauthorized("Invalid authorization header"))?;
    let token = match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            token.trim()
        }
        _ => return Err(unauthorized("Invalid authorization header")),
    };
    let user_header = headers
        .get("x-meetergo-api-user-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    if let Some(rest) = token.strip_prefix("ak_live:") {
        let Some((key_id, secret)) = rest.split_once(':') else {
            return Err(unauthorized("Invalid API key"));
        };
        if !is_uuid(key_id) || secret.is_empty() {
            return Err(unauthorized("Invalid API key"));
        }
        if secret.starts_with("expired") {
            return Err(unauthorized("API key expired"));
        }
        if user_header.is_none_or(str::is_empty) {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "Missing required header 'x-meetergo-api-user-id' for API key authentication",
            ));
        }
        return Ok(Caller {
            token: token.to_owned(),
            company_id: uuid_from(&format!("company:{key_id}")),
            after: None,
        });
    }
    if token.len() > 4 && token.starts_with("rgo-") {
        let owner = uuid_from(&format!("user:{token}"));
        if user_header.is_some_and(|u| !u.is_empty() && u != owner) {
            return Err(error(
                StatusCode::FORBIDDEN,
                "A personal access token cannot act on behalf of another user",
            ));
        }
        return Ok(Caller {
            token: token.to_owned(),
            company_id: uuid_from(&format!("company:{token}")),
            after: None,
        });
    }
    Err(unauthorized("Invalid API key"))
}

/// Counts the request, applies a queued fault, authenticates, takes a rate-limit token.
async fn admit(state: &State, headers: &HeaderMap) -> Result<Caller, Response> {
    state.count_request();
    let mut after = None;
    if let Some(fault) = state.next_fault() {
        if fault.processed() {
            after = Some(fault);
        } else if let Some(response) = fault.response() {
            return Err(response);
        }
    }
    let mut caller = authenticate(headers)?;
    caller.after = after;
    if let Err(seconds) = state.take_token(&caller.token) {
        let mut response = error(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
        return Err(response);
    }
    Ok(caller)
}

/// Reads a JSON object body: 415 without a JSON content type, 413 over the limit, 400 for bad JSON.
async fn json_object(
    state: &State,
    headers: &HeaderMap,
    body: Body,
) -> Result<Map<String, Value>, Response> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !is_json {
        return Err(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        ));
    }
    let bytes = to_bytes(body, state.config.max_body_bytes)
        .await
        .map_err(|_| error(StatusCode::PAYLOAD_TOO_LARGE, "request entity too large"))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(error(
            StatusCode::BAD_REQUEST,
            vec!["the request body must be a JSON object"],
        )),
        Err(e) => Err(error(
            StatusCode::BAD_REQUEST,
            format!("Unexpected token in JSON: {e}"),
        )),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// `/webhooks`

fn known_types() -> String {
    EventType::KNOWN
        .iter()
        .map(EventType::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// class-validator's checks, with its messages. `partial`: every field optional (PATCH). `allow_local`: endpoints
/// without a top-level domain pass (see `is_url`).
fn validate(body: &Map<String, Value>, partial: bool, allow_local: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for key in body.keys() {
        if !matches!(key.as_str(), "endpoint" | "description" | "eventTypes") {
            problems.push(format!("property {key} should not exist"));
        }
    }
    match body.get("endpoint") {
        None if partial => {}
        None | Some(Value::Null) => {
            problems.push("endpoint should not be empty".into());
            problems.push("endpoint must be a URL address".into());
        }
        Some(Value::String(s)) => {
            if !is_url(s, allow_local) {
                problems.push("endpoint must be a URL address".into());
            }
        }
        Some(_) => problems.push("endpoint must be a URL address".into()),
    }
    if let Some(d) = body.get("description")
        && !d.is_string()
    {
        problems.push("description must be a string".into());
    }
    match body.get("eventTypes") {
        None if partial => {}
        None | Some(Value::Null) => {
            problems.push("eventTypes should not be empty".into());
            problems.push("eventTypes must be an array".into());
        }
        Some(Value::Array(items)) => {
            if items.is_empty() {
                problems.push("eventTypes must contain at least 1 elements".into());
            }
            let known = |v: &Value| v.as_str().is_some_and(|s| !EventType::from(s).is_unknown());
            if !items.iter().all(known) {
                problems.push(format!(
                    "each value in eventTypes must be one of the following values: {}",
                    known_types()
                ));
            }
        }
        Some(_) => problems.push("eventTypes must be an array".into()),
    }
    problems
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

async fn list(Extract(state): Extract<Shared>, headers: HeaderMap) -> Response {
    let caller = match admit(&state, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let hooks = state.with_company(&caller.company_id, |hooks| hooks.clone());
    caller
        .answer(Json(serde_json::to_value(hooks).unwrap_or_default()).into_response())
        .await
}

async fn create(Extract(state): Extract<Shared>, headers: HeaderMap, body: Body) -> Response {
    let caller = match admit(&state, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let body = match json_object(&state, &headers, body).await {
        Ok(b) => b,
        Err(r) => return caller.answer(r).await,
    };
    let problems = validate(&body, false, state.allows_local_endpoints());
    if !problems.is_empty() {
        return caller
            .answer(error(StatusCode::BAD_REQUEST, problems))
            .await;
    }
    let max = state.config.max_webhooks;
    let created = state.with_company(&caller.company_id, |hooks| {
        if hooks.len() >= max {
            return None;
        }
        let hook = StoredWebhook {
            id: state.new_webhook_id(),
            endpoint: body
                .get("endpoint")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            description: body
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            event_types: body.get("eventTypes").map(strings).unwrap_or_default(),
            company_id: caller.company_id.clone(),
            created_at: DateTime::<Utc>::from(SystemTime::now())
                .to_rfc3339_opts(SecondsFormat::Millis, true),
        };
        hooks.push(hook.clone());
        Some(hook)
    });
    let response = match created {
        Some(hook) => (
            StatusCode::CREATED,
            Json(serde_json::to_value(hook).unwrap_or_default()),
        )
            .into_response(),
        None => error(StatusCode::NOT_ACCEPTABLE, "Company reached maximum"),
    };
    caller.answer(response).await
}

async fn update(
    Extract(state): Extract<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let caller = match admit(&state, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let body = match json_object(&state, &headers, body).await {
        Ok(b) => b,
        Err(r) => return caller.answer(r).await,
    };
    let problems = validate(&body, true, state.allows_local_endpoints());
    if !problems.is_empty() {
        return caller
            .answer(error(StatusCode::BAD_REQUEST, problems))
            .await;
    }
    let updated = state.with_company(&caller.company_id, |hooks| {
        let hook = hooks.iter_mut().find(|h| h.id.is(&id))?;
        if let Some(e) = body.get("endpoint").and_then(Value::as_str) {
            e.clone_into(&mut hook.endpoint);
        }
        if let Some(d) = body.get("description").and_then(Value::as_str) {
            hook.description = Some(d.to_owned());
        }
        if let Some(types) = body.get("eventTypes") {
            hook.event_types = strings(types);
        }
        Some(hook.clone())
    });
    let response = match updated {
        Some(hook) => Json(serde_json::to_value(hook).unwrap_or_default()).into_response(),
        None => error(StatusCode::NOT_FOUND, "Webhook not found"),
    };
    caller.answer(response).await
}

async fn remove(
    Extract(state): Extract<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let caller = match admit(&state, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let removed = state.with_company(&caller.company_id, |hooks| {
        let before = hooks.len();
        hooks.retain(|h| !h.id.is(&id));
        hooks.len() != before
    });
    let response = if removed {
        StatusCode::NO_CONTENT.into_response()
    } else {
        error(StatusCode::NOT_FOUND, "Webhook not found")
    };
    caller.answer(response).await
}

// ---------------------------------------------------------------------------------------------------------------
// `/_mock/`: the stand-in's own routes (no real API uses this prefix).

/// The caller's company when the request carries a valid token; `Err` for an invalid one; `Ok(None)` without one.
fn optional_company(headers: &HeaderMap) -> Result<Option<String>, Response> {
    if headers.contains_key(header::AUTHORIZATION) {
        authenticate(headers).map(|c| Some(c.company_id))
    } else {
        Ok(None)
    }
}

async fn admin_simulate(
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let company = match optional_company(&headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let body = match json_object(&state, &headers, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let request: SimulateRequest = match serde_json::from_value(Value::Object(body)) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    let response = deliver::simulate(&state, company, request).await;
    Json(serde_json::to_value(response).unwrap_or_default()).into_response()
}

async fn admin_deliveries(Extract(state): Extract<Shared>) -> Response {
    Json(serde_json::to_value(state.deliveries()).unwrap_or_default()).into_response()
}

async fn admin_faults(Extract(state): Extract<Shared>, headers: HeaderMap, body: Body) -> Response {
    let mut body = match json_object(&state, &headers, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let count = body
        .remove("count")
        .and_then(|c| c.as_u64())
        .unwrap_or(1)
        .min(10_000);
    let fault: Fault = match serde_json::from_value(Value::Object(body)) {
        Ok(f) => f,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.to_string()),
    };
    state.inject(fault, u32::try_from(count).unwrap_or(u32::MAX));
    (StatusCode::CREATED, Json(json!({"queued": count}))).into_response()
}

async fn admin_clear_faults(Extract(state): Extract<Shared>) -> Response {
    state.clear_faults();
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_reset(Extract(state): Extract<Shared>) -> Response {
    state.reset();
    StatusCode::NO_CONTENT.into_response()
}

async fn admin_settings(Extract(state): Extract<Shared>) -> Response {
    Json(serde_json::to_value(state.settings()).unwrap_or_default()).into_response()
}

/// Changes the settings given (`{"numericIds": true}`, `{"allowLocalEndpoints": true}`); answers with all of them.
async fn admin_change_settings(
    Extract(state): Extract<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = match json_object(&state, &headers, body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    match serde_json::from_value::<Settings>(Value::Object(body)) {
        Ok(settings) => {
            state.apply(settings);
            admin_settings(Extract(state)).await
        }
        Err(e) => error(StatusCode::BAD_REQUEST, e.to_string()),
    }
}

/// The company a token belongs to on the stand-in (for tests and the CLI).
pub fn company_of(token: &str) -> Option<String> {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::AUTHORIZATION,
        header::HeaderValue::from_str(&format!("Bearer {token}")).ok()?,
    );
    if token.starts_with("ak_live:") {
        headers.insert(
            "x-meetergo-api-user-id",
            header::HeaderValue::from_static("user"),
        );
    }
    authenticate(&headers).ok().map(|c| c.company_id)
}

/// The user a personal access token belongs to on the stand-in.
pub fn owner_of(personal_token: &str) -> String {
    uuid_from(&format!("user:{personal_token}"))
}
