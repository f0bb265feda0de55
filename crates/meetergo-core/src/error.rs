//! The SDK's one error type.
//!
//! Every failure of the crate is an [`Error`]. None of its `Display` or `Debug` output contains the API token or a
//! booking's `secret`: the token never enters an error, and bodies read from the server are scrubbed of it.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

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

/// The class of an [`Error`], as every runtime names it (Python exception classes, Node error codes).
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

    /// `"BadRequest"`, `"NotFound"`, ...: Python adds `Error`, Node upper-cases it into `MEETERGO_*` codes.
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

impl ErrorCategory {
    /// The exception class every runtime uses (`"NotFoundError"`, `"RateLimitError"`, `"APIError"`, ...): the
    /// names of `sdk-surface.md`, the same in Python, Node and browsers.
    pub fn class_name(self) -> &'static str {
        match self {
            ErrorCategory::Validation => "ValidationError",
            ErrorCategory::BadRequest => "BadRequestError",
            ErrorCategory::Authentication => "AuthenticationError",
            ErrorCategory::PermissionDenied => "PermissionDeniedError",
            ErrorCategory::NotFound => "NotFoundError",
            ErrorCategory::LimitReached => "LimitReachedError",
            ErrorCategory::RateLimited => "RateLimitError",
            ErrorCategory::Server => "ServerError",
            ErrorCategory::Api => "APIError",
            ErrorCategory::Timeout => "TimeoutError",
            ErrorCategory::Connection => "ConnectionError",
            ErrorCategory::Payload => "PayloadError",
        }
    }

    /// The stable error code of Node and browsers (`"MEETERGO_NOT_FOUND"`, ...).
    pub fn code(self) -> &'static str {
        match self {
            ErrorCategory::Validation => "MEETERGO_VALIDATION",
            ErrorCategory::BadRequest => "MEETERGO_BAD_REQUEST",
            ErrorCategory::Authentication => "MEETERGO_AUTHENTICATION",
            ErrorCategory::PermissionDenied => "MEETERGO_PERMISSION_DENIED",
            ErrorCategory::NotFound => "MEETERGO_NOT_FOUND",
            ErrorCategory::LimitReached => "MEETERGO_LIMIT_REACHED",
            ErrorCategory::RateLimited => "MEETERGO_RATE_LIMITED",
            ErrorCategory::Server => "MEETERGO_SERVER",
            ErrorCategory::Api => "MEETERGO_API",
            ErrorCategory::Timeout => "MEETERGO_TIMEOUT",
            ErrorCategory::Connection => "MEETERGO_CONNECTION",
            ErrorCategory::Payload => "MEETERGO_PAYLOAD",
        }
    }
}

/// An error as plain data (serializes to camelCase JSON): every attribute the error carries, none of them holding the
/// token or a booking secret. Python and Node build their exceptions from it, so each attribute reaches every runtime
/// with one meaning (the shared scenarios of `tests/fixtures/errors.json` check it); fields that do not apply to an
/// error are `None` (left out of the JSON). Without the `http` feature (the browser build), where no request is ever
/// made, the fields of failed requests are never set and not serialized.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ErrorReport {
    /// The class ([`ErrorCategory::class_name`]).
    pub name: &'static str,
    /// The stable code ([`ErrorCategory::code`]).
    pub code: &'static str,
    /// The error's `Display` text.
    pub message: String,
    /// HTTP status of an answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub status: Option<u16>,
    /// meetergo's `message` as sent: a sentence or a list of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub server_message: Option<ErrorMessage>,
    /// meetergo's `error`: the status text it sent (`"Not Acceptable"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub server_error: Option<String>,
    /// meetergo's per-field `errors` (`[{field, message}]`), when it sent any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub field_errors: Option<Vec<FieldError>>,
    /// meetergo's `code` (`"PLAN_LIMIT_REACHED"`), not to be confused with [`ErrorReport::code`].
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub server_code: Option<String>,
    /// meetergo's `feature` (with plan limits).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub feature: Option<String>,
    /// The HTTP method of the request that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub method: Option<String>,
    /// The path of the request that failed (`/webhooks/1492`; never holds credentials).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub request_path: Option<String>,
    /// Timeouts: the per-attempt timeout that fired, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub timeout_ms: Option<u64>,
    /// Timeouts: how many attempts were made.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub attempts: Option<u32>,
    /// The answer's body (truncated, scrubbed of the token).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub body: Option<String>,
    /// How long meetergo asked to wait (`Retry-After`), in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub retry_after_ms: Option<u64>,
    /// The request may have been processed although the call failed ([`Error::is_outcome_unknown`]).
    pub outcome_unknown: bool,
    /// Validation: the offending field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Validation: why it was rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Validation and payload errors: the kind's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// Payload errors: the wire path of the offending field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Payload errors: 1-based line of a JSON syntax error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Payload errors: 1-based column of a JSON syntax error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// Payload errors: the size of a body over the limit, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<usize>,
    /// Payload errors: the limit a body was over, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    /// Payload errors: the offset of the first byte that is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// The underlying cause (a transport error's source), as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "http"), serde(skip))]
    pub cause: Option<String>,
}

impl ErrorReport {
    /// What starts the message of a JavaScript `Error` that carries a report ([`ErrorReport::js_message`]).
    pub const JS_PREFIX: &'static str = "meetergo-report:";

    /// The report as the message of a JavaScript `Error` thrown by the Node and browser bindings: [`Self::JS_PREFIX`]
    /// and the report as JSON. Their JavaScript layer turns it into the error class with its attributes.
    pub fn js_message(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| {
            format!(
                "{{\"name\":\"{}\",\"code\":\"{}\",\"message\":\"(unprintable error)\",\"outcomeUnknown\":false}}",
                self.name, self.code
            )
        });
        format!("{}{json}", Self::JS_PREFIX)
    }

    fn bare(category: ErrorCategory, message: String) -> Self {
        Self {
            name: category.class_name(),
            code: category.code(),
            message,
            status: None,
            server_message: None,
            server_error: None,
            field_errors: None,
            server_code: None,
            feature: None,
            method: None,
            request_path: None,
            timeout_ms: None,
            attempts: None,
            body: None,
            retry_after_ms: None,
            outcome_unknown: false,
            field: None,
            reason: None,
            kind: None,
            path: None,
            line: None,
            column: None,
            size: None,
            limit: None,
            offset: None,
            cause: None,
        }
    }
}

impl From<&ValidationError> for ErrorReport {
    fn from(e: &ValidationError) -> Self {
        Self {
            field: Some(e.field.clone()),
            reason: Some(e.reason.clone()),
            kind: Some(e.kind.name()),
            ..Self::bare(ErrorCategory::Validation, e.to_string())
        }
    }
}

impl From<&PayloadError> for ErrorReport {
    fn from(e: &PayloadError) -> Self {
        let mut report = Self {
            kind: Some(e.kind.name()),
            ..Self::bare(ErrorCategory::Payload, e.to_string())
        };
        match &e.kind {
            PayloadErrorKind::InvalidField { path } => report.path = Some(path.clone()),
            PayloadErrorKind::InvalidJson { line, column } => {
                report.line = Some(*line);
                report.column = Some(*column);
            }
            PayloadErrorKind::TooLarge { size, limit } => {
                report.size = Some(*size);
                report.limit = Some(*limit);
            }
            PayloadErrorKind::InvalidUtf8 { offset } => report.offset = Some(*offset),
            _ => {}
        }
        report
    }
}

impl From<&Error> for ErrorReport {
    fn from(e: &Error) -> Self {
        match e {
            Error::Validation(v) => return v.into(),
            Error::Payload(p) => return p.into(),
            _ => {}
        }
        let millis = |d: &Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let mut report = Self::bare(e.category(), e.to_string());
        report.outcome_unknown = e.is_outcome_unknown();
        if let Some(api) = e.api_error() {
            report.status = Some(api.status);
            report.server_message = api.message.clone();
            report.server_error = api.error.clone();
            report.field_errors = Some(api.errors.clone()).filter(|e| !e.is_empty());
            report.server_code = api.code.clone();
            report.feature = api.feature.clone();
            report.method = Some(api.method.clone());
            report.request_path = Some(api.path.clone());
            report.body = Some(api.body.clone());
            report.retry_after_ms = api.retry_after.as_ref().map(millis);
        }
        match e {
            Error::UnexpectedResponse {
                method,
                path,
                status,
                body,
                ..
            } => {
                report.status = Some(*status);
                report.body = Some(body.clone());
                report.method = Some(method.clone());
                report.request_path = Some(path.clone());
            }
            Error::Timeout {
                method,
                path,
                timeout,
                attempts,
                ..
            } => {
                report.method = Some(method.clone());
                report.request_path = Some(path.clone());
                report.timeout_ms = Some(millis(timeout));
                report.attempts = Some(*attempts);
            }
            Error::Transport { method, path, .. } => {
                report.method = Some(method.clone());
                report.request_path = Some(path.clone());
            }
            _ => {}
        }
        report.cause = std::error::Error::source(e).map(ToString::to_string);
        report
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

/// What went wrong in a request that was rejected before sending.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidationErrorKind {
    /// A required value is missing or empty.
    Missing,
    /// The value is not well-formed (not a URL, bad characters, ...).
    Malformed,
    /// The URL does not use `https` (allowed with `allow_insecure_endpoints`).
    InsecureScheme,
    /// The host is not public: localhost, loopback, private, link-local, `.local` (allowed with
    /// `allow_insecure_endpoints`).
    PrivateHost,
    /// The value would put a secret where it does not belong (user-info or a secret-looking query parameter in an
    /// endpoint URL). Never allowed.
    SecretInUrl,
    /// The value is longer than allowed.
    TooLong,
    /// A configuration combination that cannot work (e.g. an `ak_live:` key without a user id).
    Config,
}

impl ValidationErrorKind {
    /// The variant's name (`"InsecureScheme"`, ...): the stable spelling every runtime exposes as `kind`.
    pub fn name(&self) -> &'static str {
        match self {
            ValidationErrorKind::Missing => "Missing",
            ValidationErrorKind::Malformed => "Malformed",
            ValidationErrorKind::InsecureScheme => "InsecureScheme",
            ValidationErrorKind::PrivateHost => "PrivateHost",
            ValidationErrorKind::SecretInUrl => "SecretInUrl",
            ValidationErrorKind::TooLong => "TooLong",
            ValidationErrorKind::Config => "Config",
        }
    }
}

/// A value was rejected before anything was sent. Names the field and says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {reason}")]
pub struct ValidationError {
    /// The offending field, in the wire's spelling (`endpoint`, `eventTypes[2]`, `apiKey`, `userId`, `baseUrl`, `id`).
    pub field: String,
    /// Why it was rejected, in a sentence fit for an end user.
    pub reason: String,
    /// The class of problem, for programs.
    pub kind: ValidationErrorKind,
}

impl ValidationError {
    pub(crate) fn new(
        field: impl Into<String>,
        kind: ValidationErrorKind,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
            kind,
        }
    }
}

/// meetergo's `message`: a sentence, or a list of sentences (NestJS validation errors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorMessage {
    /// A single message.
    Text(String),
    /// Several messages, one per problem.
    List(Vec<String>),
}

impl ErrorMessage {
    /// Every message as a slice-like list (one element for [`ErrorMessage::Text`]).
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            ErrorMessage::Text(s) => vec![s.clone()],
            ErrorMessage::List(v) => v.clone(),
        }
    }
}

impl fmt::Display for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorMessage::Text(s) => f.write_str(s),
            ErrorMessage::List(v) => f.write_str(&v.join("; ")),
        }
    }
}

/// One entry of meetergo's `errors` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field meetergo complains about.
    #[serde(default)]
    pub field: Option<String>,
    /// What is wrong with it.
    #[serde(default)]
    pub message: Option<String>,
}

/// An error answer from meetergo: the status, the parsed body when it has meetergo's shape, and the raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// HTTP method of the request.
    pub method: String,
    /// Path of the request.
    pub path: String,
    /// meetergo's `message`, when the body had one.
    pub message: Option<ErrorMessage>,
    /// meetergo's `error` (the status text, e.g. `"Not Acceptable"`).
    pub error: Option<String>,
    /// meetergo's per-field `errors`.
    pub errors: Vec<FieldError>,
    /// meetergo's `code` (e.g. `"PLAN_LIMIT_REACHED"`).
    pub code: Option<String>,
    /// meetergo's `feature` (with plan limits).
    pub feature: Option<String>,
    /// The body as received, truncated to [`ApiError::MAX_BODY_CHARS`] characters and scrubbed of the token.
    pub body: String,
    /// The `Retry-After` the server sent, if any.
    pub retry_after: Option<Duration>,
}

#[derive(Deserialize)]
struct WireError {
    #[serde(default)]
    message: Option<ErrorMessage>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    errors: Option<Vec<FieldError>>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    feature: Option<String>,
}

impl ApiError {
    /// How much of an error body is kept.
    pub const MAX_BODY_CHARS: usize = 4096;

    /// Builds an error from a status and a body; tolerates bodies that are empty, not JSON (an HTML page from a
    /// proxy) or JSON of another shape.
    pub fn from_response(status: u16, method: &str, path: &str, body: &str) -> Self {
        let parsed = serde_json::from_str::<WireError>(body).ok();
        let mut text: String = body.chars().take(Self::MAX_BODY_CHARS).collect();
        if text.len() < body.len() {
            text.push_str("…[truncated]");
        }
        let (message, error, errors, code, feature) = match parsed {
            Some(w) => (
                w.message,
                w.error,
                w.errors.unwrap_or_default(),
                w.code,
                w.feature,
            ),
            None => (None, None, Vec::new(), None, None),
        };
        Self {
            status,
            method: method.to_owned(),
            path: path.to_owned(),
            message,
            error,
            errors,
            code,
            feature,
            body: text,
            retry_after: None,
        }
    }

    /// The message(s) meetergo sent, as a list (empty when the body had none).
    pub fn messages(&self) -> Vec<String> {
        self.message
            .as_ref()
            .map(ErrorMessage::to_vec)
            .unwrap_or_default()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} answered {}", self.method, self.path, self.status)?;
        if let Some(e) = &self.error {
            write!(f, " {e}")?;
        }
        match &self.message {
            Some(m) => write!(f, ": {m}")?,
            None if !self.body.trim().is_empty() => {
                let snippet: String = self.body.trim().chars().take(200).collect();
                write!(f, ": {snippet}")?;
            }
            None => {}
        }
        for fe in &self.errors {
            write!(
                f,
                " [{}: {}]",
                fe.field.as_deref().unwrap_or("?"),
                fe.message.as_deref().unwrap_or("invalid")
            )?;
        }
        if let Some(code) = &self.code {
            write!(f, " (code {code})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Why a delivery body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadErrorKind {
    /// The body is larger than the configured limit.
    TooLarge {
        /// Size of the body in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is not UTF-8.
    InvalidUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The body is not JSON (or is cut off).
    InvalidJson {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
    },
    /// The JSON nests deeper than the parser allows.
    TooDeep,
    /// The body is JSON but not an object.
    NotAnObject,
    /// There is no `webhookType` (and no older `{"event", "data"}` envelope).
    MissingWebhookType,
    /// `webhookType` is present but not a non-empty string.
    InvalidWebhookType,
    /// A field has the wrong type or value, or a required field is missing.
    InvalidField {
        /// JSON path of the field, e.g. `attendees[0].email`.
        path: String,
    },
}

impl PayloadErrorKind {
    /// The variant's name (`"InvalidJson"`, ...): the stable spelling every runtime exposes as `kind` and the
    /// shared fixture corpus uses as `errorKind`.
    pub fn name(&self) -> &'static str {
        match self {
            PayloadErrorKind::TooLarge { .. } => "TooLarge",
            PayloadErrorKind::InvalidUtf8 { .. } => "InvalidUtf8",
            PayloadErrorKind::InvalidJson { .. } => "InvalidJson",
            PayloadErrorKind::TooDeep => "TooDeep",
            PayloadErrorKind::NotAnObject => "NotAnObject",
            PayloadErrorKind::MissingWebhookType => "MissingWebhookType",
            PayloadErrorKind::InvalidWebhookType => "InvalidWebhookType",
            PayloadErrorKind::InvalidField { .. } => "InvalidField",
        }
    }
}

/// A delivery body could not be read. `Display` says precisely why; nothing of the body's secrets is included.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid delivery payload: {message}")]
pub struct PayloadError {
    /// The class of problem, with its location.
    pub kind: PayloadErrorKind,
    /// A precise human-readable reason.
    pub message: String,
}

impl PayloadError {
    pub(crate) fn new(kind: PayloadErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}
