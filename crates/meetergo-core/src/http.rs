//! The one path every request takes: build → send → classify the answer → maybe retry.
//!
//! Retry rules (meetergo has no idempotency keys):
//! - 429: nothing was processed, so it is retried for every method, after `Retry-After` when the server sends one
//!   (seconds or an HTTP date) and it is within `max_retry_delay`, else after exponential backoff with jitter.
//! - 502/503/504, timeouts and broken connections: retried for GET, PATCH and DELETE only. A POST (create) whose
//!   outcome is unknown is never sent again; the error says so (`Error::is_outcome_unknown`), and
//!   `Webhooks::reconcile` finds out whether it was created.
//! - A connection that could not be established at all is retried for every method: nothing was sent.
//! - A DELETE retried after an unknown outcome that then answers 404 was deleted by the earlier attempt: success.

use std::time::Duration;

use chrono::Utc;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use url::Url;

use crate::credentials::ApiKey;
use crate::error::{ApiError, Error, Result};
use crate::rate_limit::TokenBucket;
use crate::retry::{Method, backoff, is_retryable_status, parse_retry_after};

/// The largest answer body read; meetergo's answers are a few KB.
const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

enum Attempt {
    Answer {
        status: u16,
        headers: HeaderMap,
        body: Vec<u8>,
    },
    Failed(reqwest::Error),
    TooLarge(u16),
}

/// What sends requests: the connection pool, where to, with which token, and the retry policy. The
/// [`Client`](crate::Client) builds it from its options; the resources ([`Webhooks`](crate::Webhooks)) send through
/// it.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) root: Url,
    pub(crate) api_key: ApiKey,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) limiter: Option<TokenBucket>,
    pub(crate) clock: tokio::time::Instant,
    pub(crate) initial_retry_delay: Duration,
    pub(crate) max_retry_delay: Duration,
}

impl Transport {
    /// The URL of a path below the root; `segments` are percent-escaped (a `/` in an id cannot change the route).
    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.root.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<Response> {
        let inner = self;
        let path = url.path().to_owned();
        let mut attempt: u32 = 0;
        let mut earlier_outcome_unknown = false;
        loop {
            if let Some(bucket) = &inner.limiter {
                let wait = bucket.reserve(inner.clock.elapsed().as_secs_f64());
                if !wait.is_zero() {
                    log::debug!(target: "meetergo", "client-side rate limit: waiting {wait:?} before {} {path}", method.as_str());
                    tokio::time::sleep(wait).await;
                }
            }
            let started = std::time::Instant::now();
            let result =
                tokio::time::timeout(inner.timeout, self.attempt(method, &url, body.as_deref()))
                    .await;
            let can_retry = attempt < inner.max_retries;
            let delay = || {
                backoff(
                    attempt,
                    inner.initial_retry_delay,
                    inner.max_retry_delay,
                    fastrand::f64(),
                )
            };
            let next_delay: Duration = match result {
                Err(_) => {
                    log::warn!(target: "meetergo", "{} {path} timed out after {:?} (attempt {})", method.as_str(), inner.timeout, attempt + 1);
                    if !(can_retry && method.is_idempotent()) {
                        return Err(Error::Timeout {
                            method: method.as_str().into(),
                            path,
                            timeout: inner.timeout,
                            attempts: attempt + 1,
                            outcome_unknown: method != Method::Get,
                        });
                    }
                    earlier_outcome_unknown = true;
                    delay()
                }
                Ok(Attempt::Failed(e)) => {
                    let nothing_sent = e.is_connect();
                    log::warn!(target: "meetergo", "{} {path} failed (attempt {}): {e}", method.as_str(), attempt + 1);
                    if !(can_retry && (nothing_sent || method.is_idempotent())) {
                        return Err(Error::Transport {
                            method: method.as_str().into(),
                            path,
                            message: error_chain(&e),
                            outcome_unknown: !nothing_sent && method != Method::Get,
                            source: Some(Box::new(e)),
                        });
                    }
                    earlier_outcome_unknown |= !nothing_sent;
                    delay()
                }
                Ok(Attempt::TooLarge(status)) => {
                    return Err(Error::UnexpectedResponse {
                        method: method.as_str().into(),
                        path,
                        status,
                        message: format!("the answer is larger than {MAX_RESPONSE_BYTES} bytes"),
                        body: String::new(),
                    });
                }
                Ok(Attempt::Answer {
                    status,
                    headers,
                    body,
                }) => {
                    log::debug!(target: "meetergo", "{} {path} -> {status} in {:?} (attempt {})", method.as_str(), started.elapsed(), attempt + 1);
                    if (200..300).contains(&status) {
                        return Ok(Response { status, body });
                    }
                    if status == 404 && method == Method::Delete && earlier_outcome_unknown {
                        log::info!(target: "meetergo", "DELETE {path}: 404 after an attempt with unknown outcome; it was deleted");
                        return Ok(Response {
                            status: 204,
                            body: Vec::new(),
                        });
                    }
                    let retry_after = header_retry_after(&headers);
                    let text = self.scrub(&String::from_utf8_lossy(&body));
                    let mut error = Box::new(ApiError::from_response(
                        status,
                        method.as_str(),
                        &path,
                        &text,
                    ));
                    // Again after JSON decoding: an escape (`\u002d`) may have spelt the token apart in the raw text.
                    error.scrub_texts(|t| self.scrub(t));
                    error.retry_after = retry_after;
                    let within_cap = retry_after.is_none_or(|d| d <= inner.max_retry_delay);
                    if status == 429 {
                        if !(can_retry && within_cap) {
                            return Err(Error::RateLimited { retry_after, error });
                        }
                    } else if !(is_retryable_status(status)
                        && method.is_idempotent()
                        && can_retry
                        && within_cap)
                    {
                        return Err(classify(error));
                    } else {
                        // 503 means the request was not processed; a gateway's 502/504 may hide one that was.
                        earlier_outcome_unknown |= status != 503;
                    }
                    log::warn!(target: "meetergo", "{} {path} answered {status}; retrying (attempt {})", method.as_str(), attempt + 2);
                    retry_after.unwrap_or_else(delay)
                }
            };
            tokio::time::sleep(next_delay).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, method: Method, url: &Url, body: Option<&[u8]>) -> Attempt {
        let m = match method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut request = self.http.request(m, url.clone());
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.to_vec());
        }
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => return Attempt::Failed(e),
        };
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                        return Attempt::TooLarge(status);
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => {
                    return Attempt::Answer {
                        status,
                        headers,
                        body,
                    };
                }
                Err(e) => return Attempt::Failed(e),
            }
        }
    }

    /// Removes the token from text that came from the network, in case a proxy echoes request headers: in any
    /// spelling, whole or in part ([`crate::secret::scrub_credential`]); and path secrets, in case meetergo echoes
    /// an endpoint ([`crate::path_secret::mask_in_text`]).
    pub(crate) fn scrub(&self, text: &str) -> String {
        let text = crate::secret::scrub_credential(text, self.api_key.expose_secret());
        crate::path_secret::mask_in_text(&text).into_owned()
    }
}

fn header_retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(
        value,
        chrono::DateTime::<Utc>::from(std::time::SystemTime::now()),
    )
}

/// The typed error for a final non-success status.
fn classify(error: Box<ApiError>) -> Error {
    match error.status {
        406 => Error::LimitReached(error),
        429 => Error::RateLimited {
            retry_after: error.retry_after,
            error,
        },
        _ => Error::Api(error),
    }
}

/// reqwest's message with its causes ("error sending request ...: connection refused").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}
