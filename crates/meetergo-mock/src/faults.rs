//! Fault injection: what the next API requests answer instead of the real thing.

use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// A fault for the next API requests (see [`MockServer::inject`](crate::MockServer::inject) and
/// `POST /_mock/faults`).
///
/// By default a fault replaces the request's handling: nothing takes effect. With `processed: true` the request is
/// handled first (a create creates the webhook, a delete deletes it) and only its answer is replaced: the case of a
/// server that did the work and then failed to say so (a 5xx from a proxy, a reset connection). [`Fault::Hang`] is
/// always processed. A client that blindly retries a create after such an answer creates two webhooks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and meetergo's error body for it (429 with `Retry-After` when given).
    Status {
        /// The HTTP status.
        status: u16,
        /// A `Retry-After` header value (seconds or an HTTP date), if any.
        #[serde(default, rename = "retryAfter")]
        retry_after: Option<String>,
        /// The JSON body to answer instead of meetergo's default one for the status (for answers such as a plan
        /// limit's `{"code": "PLAN_LIMIT_REACHED", "feature": ...}` or a list of field `errors`).
        #[serde(default)]
        body: Option<serde_json::Value>,
        /// Handle the request first, then answer with the status.
        #[serde(default)]
        processed: bool,
    },
    /// Handle the request, then hold the answer back this long (past the client's timeout): the request was
    /// processed but the client never learns it, the "unknown outcome" case.
    Hang {
        /// How long, in milliseconds.
        #[serde(rename = "ms")]
        millis: u64,
    },
    /// Start a `200` answer and break the connection before the body is complete (the client sees a reset).
    Drop {
        /// Handle the request first, then break the answer.
        #[serde(default)]
        processed: bool,
    },
    /// Answer with an HTML page instead of JSON, as a proxy in front of meetergo does: `200` by default, or the
    /// given status (`502`).
    Garbage {
        /// The status of the HTML answer. Default: 200.
        #[serde(default)]
        status: Option<u16>,
        /// Handle the request first, then answer with the page.
        #[serde(default)]
        processed: bool,
    },
    /// Answer `200` with JSON cut in the middle.
    Truncated {
        /// Handle the request first, then answer with the cut JSON.
        #[serde(default)]
        processed: bool,
    },
}

impl Fault {
    /// Answers with `status` and meetergo's error body for it; nothing takes effect.
    pub fn status(status: u16) -> Self {
        Fault::Status {
            status,
            retry_after: None,
            body: None,
            processed: false,
        }
    }

    /// Answers with `status` and this JSON body; nothing takes effect.
    pub fn status_with_body(status: u16, body: serde_json::Value) -> Self {
        Fault::Status {
            status,
            retry_after: None,
            body: Some(body),
            processed: false,
        }
    }

    /// Answers 429 with this `Retry-After` value (seconds or an HTTP date).
    pub fn rate_limited(retry_after: impl Into<String>) -> Self {
        Fault::Status {
            status: 429,
            retry_after: Some(retry_after.into()),
            body: None,
            processed: false,
        }
    }

    /// Handles the request, then holds the answer back `millis` milliseconds.
    pub fn hang(millis: u64) -> Self {
        Fault::Hang { millis }
    }

    /// Breaks the connection in the middle of a `200` answer.
    pub fn reset() -> Self {
        Fault::Drop { processed: false }
    }

    /// Answers with an HTML page: `200`, or `status` when given.
    pub fn garbage(status: Option<u16>) -> Self {
        Fault::Garbage {
            status,
            processed: false,
        }
    }

    /// Answers `200` with JSON cut in the middle.
    pub fn truncated() -> Self {
        Fault::Truncated { processed: false }
    }

    /// The same fault, applied after the request was handled: it takes effect, and the client gets the fault's
    /// answer ("processed, then the answer failed").
    #[must_use]
    pub fn after_processing(mut self) -> Self {
        match &mut self {
            Fault::Hang { .. } => {}
            Fault::Status { processed, .. }
            | Fault::Drop { processed }
            | Fault::Garbage { processed, .. }
            | Fault::Truncated { processed } => *processed = true,
        }
        self
    }

    /// The delay to apply before the normal handling, for [`Fault::Hang`].
    pub(crate) fn delay(&self) -> Option<Duration> {
        match self {
            // At most ten minutes: longer than any client timeout, short of forever.
            Fault::Hang { millis } => Some(Duration::from_millis((*millis).min(600_000))),
            _ => None,
        }
    }

    /// `true` when the request is handled before the fault replaces its answer.
    pub(crate) fn processed(&self) -> bool {
        match self {
            Fault::Hang { .. } => true,
            Fault::Status { processed, .. }
            | Fault::Drop { processed }
            | Fault::Garbage { processed, .. }
            | Fault::Truncated { processed } => *processed,
        }
    }

    /// The answer that replaces the normal one, for every fault but [`Fault::Hang`].
    pub(crate) fn response(&self) -> Option<Response> {
        match self {
            Fault::Hang { .. } => None,
            Fault::Status {
                status,
                retry_after,
                body,
                ..
            } => {
                let code =
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut response = match body {
                    Some(body) => (
                        code,
                        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                        body.to_string(),
                    )
                        .into_response(),
                    None => crate::api::error(code, code.canonical_reason().unwrap_or("Error")),
                };
                if let Some(value) = retry_after
                    .as_deref()
                    .and_then(|v| header::HeaderValue::from_str(v).ok())
                {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                Some(response)
            }
            Fault::Drop { .. } => {
                let chunks: Vec<Result<&'static str, std::io::Error>> = vec![
                    Ok("[{\"id\":"),
                    Err(std::io::Error::other(
                        "connection dropped by fault injection",
                    )),
                ];
                let body = Body::from_stream(futures_util::stream::iter(chunks));
                Some(([(header::CONTENT_TYPE, "application/json")], body).into_response())
            }
            Fault::Garbage { status, .. } => {
                let code = status
                    .and_then(|s| StatusCode::from_u16(s).ok())
                    .unwrap_or(StatusCode::OK);
                let title = match code {
                    StatusCode::OK => "502 Bad Gateway".to_owned(),
                    code => format!(
                        "{} {}",
                        code.as_u16(),
                        code.canonical_reason().unwrap_or("Error")
                    ),
                };
                Some(
                    (
                        code,
                        [(header::CONTENT_TYPE, "text/html")],
                        format!(
                            "<html><body><h1>{title}</h1><hr><center>nginx</center></body></html>"
                        ),
                    )
                        .into_response(),
                )
            }
            Fault::Truncated { .. } => Some(
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    "[{\"id\":\"webhook-1\",\"endp",
                )
                    .into_response(),
            ),
        }
    }
}
