//! The SDK's one error type.
//!
//! Every failure of the crate is an [`Error`]. None of its `Display` or `Debug` output contains the API token or a
//! booking's `secret`: the token never enters an error, and bodies read from the server are scrubbed of it.

use std::time::Duration;

mod api;
#[cfg(feature = "http")]
pub(crate) use api::capped;
mod payload;
mod validation;

pub use api::{ApiError, ErrorMessage, FieldError};
pub use payload::{PayloadError, PayloadErrorKind};
pub use validation::{ValidationError, ValidationErrorKind};

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the SDK.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Rejected before anything was sent: a bad endpoint, no event types, a missing user id for an `ak_live:` key,
    /// a missing API key, a malformed base URL.
    #[error(transparent)]
    Validation(#[from] ValidationError),

    /// meetergo answered with an error status (400, 401, 403, 404, 5xx after retries, ...).
    #[error(transparent)]
    Api(Box<ApiError>),

    /// meetergo answered 406: the company already has the maximum number of webhooks
    /// ([`MAX_WEBHOOKS_PER_COMPANY`](crate::MAX_WEBHOOKS_PER_COMPANY)). Delete one before creating another.
    #[error("webhook limit reached: {0}")]
    LimitReached(Box<ApiError>),

    /// meetergo answered 429 and the retries allowed by the client were used up (or the server asked for a longer
    /// wait than the client's `max_retry_delay`). Nothing was processed: the call is safe to repeat later.
    #[error("rate limited by meetergo{}: {error}", fmt_retry_after(*.retry_after))]
    RateLimited {
        /// How long the server asked to wait, when it said so (`Retry-After`).
        retry_after: Option<Duration>,
        /// The 429 answer itself.
        error: Box<ApiError>,
    },

    /// No answer within the per-attempt timeout, on the last attempt.
    #[error("{method} {path} timed out after {timeout:?} ({attempts} attempt(s)){}", fmt_unknown(*.outcome_unknown))]
    Timeout {
        /// HTTP method of the request.
        method: String,
        /// Path of the request (never contains credentials).
        path: String,
        /// The per-attempt timeout that fired.
        timeout: Duration,
        /// How many attempts were made.
        attempts: u32,
        /// `true` when meetergo may have processed the request (a create that timed out may have created the
        /// webhook): see [`Webhooks::reconcile`](crate::Webhooks::reconcile).
        outcome_unknown: bool,
    },

    /// The connection failed (refused, reset, TLS, DNS) on the last attempt.
    #[error("{method} {path}: connection failed: {message}{}", fmt_unknown(*.outcome_unknown))]
    Transport {
        /// HTTP method of the request.
        method: String,
        /// Path of the request.
        path: String,
        /// What failed, from the HTTP stack.
        message: String,
        /// `true` when the request may have reached meetergo before the connection broke.
        outcome_unknown: bool,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },

    /// meetergo answered with a success status but a body this SDK cannot read.
    #[error("unexpected response to {method} {path} (status {status}): {message}")]
    UnexpectedResponse {
        /// HTTP method of the request.
        method: String,
        /// Path of the request.
        path: String,
        /// The HTTP status.
        status: u16,
        /// Why the body could not be read, with the JSON path of the offending field.
        message: String,
        /// The body as received (truncated, scrubbed of the token).
        body: String,
    },

    /// A delivery body (what meetergo POSTs to your endpoint) could not be read.
    #[error(transparent)]
    Payload(#[from] PayloadError),
}

fn fmt_retry_after(d: Option<Duration>) -> String {
    d.map(|d| format!(" (retry after {} s)", d.as_secs_f64()))
        .unwrap_or_default()
}

fn fmt_unknown(unknown: bool) -> &'static str {
    if unknown {
        "; meetergo may have processed the request"
    } else {
        ""
    }
}

/// The class of an [`Error`]: what a program branches on (every runtime has one error class per category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCategory {
    /// Rejected before sending.
    Validation,
    /// 400.
    BadRequest,
    /// 401.
    Authentication,
    /// 403.
    PermissionDenied,
    /// 404.
    NotFound,
    /// 406: the webhook limit.
    LimitReached,
    /// 429 after the retries.
    RateLimited,
    /// 5xx after the retries.
    Server,
    /// Any other error answer, or a success answer that could not be read.
    Api,
    /// No answer in time.
    Timeout,
    /// The connection failed.
    Connection,
    /// A delivery body could not be read.
    Payload,
}

impl ErrorCategory {
    /// Every category, in declaration order.
    pub const ALL: [ErrorCategory; 12] = [
        ErrorCategory::Validation,
        ErrorCategory::BadRequest,
        ErrorCategory::Authentication,
        ErrorCategory::PermissionDenied,
        ErrorCategory::NotFound,
        ErrorCategory::LimitReached,
        ErrorCategory::RateLimited,
        ErrorCategory::Server,
        ErrorCategory::Api,
        ErrorCategory::Timeout,
        ErrorCategory::Connection,
        ErrorCategory::Payload,
    ];

    /// `"BadRequest"`, `"NotFound"`, ...: the variant's name.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCategory::Validation => "Validation",
            ErrorCategory::BadRequest => "BadRequest",
            ErrorCategory::Authentication => "Authentication",
            ErrorCategory::PermissionDenied => "PermissionDenied",
            ErrorCategory::NotFound => "NotFound",
            ErrorCategory::LimitReached => "LimitReached",
            ErrorCategory::RateLimited => "RateLimited",
            ErrorCategory::Server => "Server",
            ErrorCategory::Api => "Api",
            ErrorCategory::Timeout => "Timeout",
            ErrorCategory::Connection => "Connection",
            ErrorCategory::Payload => "Payload",
        }
    }
}

impl Error {
    /// The error's class.
    pub fn category(&self) -> ErrorCategory {
        match self {
            Error::Validation(_) => ErrorCategory::Validation,
            Error::Payload(_) => ErrorCategory::Payload,
            Error::Timeout { .. } => ErrorCategory::Timeout,
            Error::Transport { .. } => ErrorCategory::Connection,
            Error::LimitReached(_) => ErrorCategory::LimitReached,
            Error::RateLimited { .. } => ErrorCategory::RateLimited,
            Error::UnexpectedResponse { .. } => ErrorCategory::Api,
            Error::Api(e) => match e.status {
                400 => ErrorCategory::BadRequest,
                401 => ErrorCategory::Authentication,
                403 => ErrorCategory::PermissionDenied,
                404 => ErrorCategory::NotFound,
                406 => ErrorCategory::LimitReached,
                429 => ErrorCategory::RateLimited,
                s if s >= 500 => ErrorCategory::Server,
                _ => ErrorCategory::Api,
            },
        }
    }

    /// The HTTP status meetergo answered with, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) | Error::LimitReached(e) | Error::RateLimited { error: e, .. } => {
                Some(e.status)
            }
            Error::UnexpectedResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The parsed meetergo error, for errors that carry one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) | Error::LimitReached(e) | Error::RateLimited { error: e, .. } => {
                Some(&**e)
            }
            _ => None,
        }
    }

    /// `true` when the request may have been processed by meetergo although the call failed (a timeout, a dropped
    /// connection or a 5xx on a request that was not retried). For a create, call
    /// [`Webhooks::reconcile`](crate::Webhooks::reconcile) before trying again.
    pub fn is_outcome_unknown(&self) -> bool {
        match self {
            Error::Timeout {
                outcome_unknown, ..
            }
            | Error::Transport {
                outcome_unknown, ..
            } => *outcome_unknown,
            Error::Api(e) => e.status >= 500,
            // A create answered 2xx did create the webhook, even if the answer could not be read.
            Error::UnexpectedResponse { method, .. } => method == "POST",
            _ => false,
        }
    }
}
