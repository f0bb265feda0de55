//! Fault injection: what the next API requests answer instead of the real thing.

use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// A fault for the next API requests (see [`MockServer::inject`](crate::MockServer::inject) and
/// `POST /_mock/faults`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and meetergo's error body for it (429 with `Retry-After` when given).
    Status {
        /// The HTTP status.
        status: u16,
        /// A `Retry-After` header value (seconds or an HTTP date), if any.
        #[serde(default, rename = "retryAfter")]
        retry_after: Option<String>,
    },
    /// Handle the request, then hold the answer back this long (past the client's timeout): the request was
    /// processed but the client never learns it, the "unknown outcome" case.
    Hang {
        /// How long, in milliseconds.
        #[serde(rename = "ms")]
        millis: u64,
    },
    /// Start a `200` answer and break the connection before the body is complete.
    Drop,
    /// Answer `200` with an HTML page instead of JSON.
    Garbage,
    /// Answer `200` with JSON cut in the middle.
    Truncated,
}

impl Fault {
    /// The delay to apply before the normal handling, for [`Fault::Hang`].
    pub(crate) fn delay(&self) -> Option<Duration> {
        match self {
            // At most ten minutes: longer than any client timeout, short of forever.
            Fault::Hang { millis } => Some(Duration::from_millis((*millis).min(600_000))),
            _ => None,
        }
    }

    /// The answer that replaces the normal one, for every fault but [`Fault::Hang`].
    pub(crate) fn response(&self) -> Option<Response> {
        match self {
            Fault::Hang { .. } => None,
            Fault::Status {
                status,
                retry_after,
            } => {
                let code =
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let mut response =
                    crate::api::error(code, code.canonical_reason().unwrap_or("Error"));
                if let Some(value) = retry_after
                    .as_deref()
                    .and_then(|v| header::HeaderValue::from_str(v).ok())
                {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                Some(response)
            }
            Fault::Drop => {
                let chunks: Vec<Result<&'static str, std::io::Error>> = vec![
                    Ok("[{\"id\":"),
                    Err(std::io::Error::other(
                        "connection dropped by fault injection",
                    )),
                ];
                let body = Body::from_stream(futures_util::stream::iter(chunks));
                Some(([(header::CONTENT_TYPE, "application/json")], body).into_response())
            }
            Fault::Garbage => Some(
                (
                    [(header::CONTENT_TYPE, "text/html")],
                    "<html><body><h1>502 Bad Gateway</h1></body></html>",
                )
                    .into_response(),
            ),
            Fault::Truncated => Some(
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    "[{\"id\":\"webhook-1\",\"endp",
                )
                    .into_response(),
            ),
        }
    }
}
