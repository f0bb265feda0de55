//! The error report every runtime raises from: one error of the core as plain data, and the one table of the
//! runtimes' error classes (names, codes, parents), from which the Python and JavaScript classes are generated.

use std::time::Duration;

use meetergo_core::{
    Error, ErrorCategory, ErrorMessage, FieldError, PayloadError, PayloadErrorKind, ValidationError,
};
use serde::Serialize;

/// One error class of the Python, Node and browser packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorClass {
    /// The core's category (`None` for the base class).
    pub category: Option<ErrorCategory>,
    /// The class name, the same in every runtime (`NotFoundError`).
    pub name: &'static str,
    /// The stable code (`MEETERGO_NOT_FOUND`): Node's `error.code`, Python's `error.code`.
    pub code: &'static str,
    /// The parent class (`None` for the base class).
    pub parent: Option<&'static str>,
}

const fn class(
    category: ErrorCategory,
    name: &'static str,
    code: &'static str,
    parent: &'static str,
) -> ErrorClass {
    ErrorClass {
        category: Some(category),
        name,
        code,
        parent: Some(parent),
    }
}

/// The base class of every error the SDK raises.
pub const BASE: ErrorClass = ErrorClass {
    category: None,
    name: "MeetergoError",
    code: "MEETERGO_ERROR",
    parent: None,
};

/// The class of the inbox's errors (`meetergo_core::inbox::InboxError`; no [`ErrorCategory`]: not an error of a
/// request), with `kind` saying which.
pub const INBOX: ErrorClass = ErrorClass {
    category: None,
    name: "InboxError",
    code: "MEETERGO_INBOX",
    parent: Some("MeetergoError"),
};

/// Every error class, parents before children: the base, then one per [`ErrorCategory`], then the inbox's.
pub const CLASSES: [ErrorClass; 14] = {
    use ErrorCategory as C;
    const M: &str = "MeetergoError";
    const A: &str = "APIError";
    [
        BASE,
        class(C::Validation, "ValidationError", "MEETERGO_VALIDATION", M),
        class(C::Payload, "PayloadError", "MEETERGO_PAYLOAD", M),
        class(C::Api, "APIError", "MEETERGO_API", M),
        class(C::BadRequest, "BadRequestError", "MEETERGO_BAD_REQUEST", A),
        class(
            C::Authentication,
            "AuthenticationError",
            "MEETERGO_AUTHENTICATION",
            A,
        ),
        class(
            C::PermissionDenied,
            "PermissionDeniedError",
            "MEETERGO_PERMISSION_DENIED",
            A,
        ),
        class(C::NotFound, "NotFoundError", "MEETERGO_NOT_FOUND", A),
        class(
            C::LimitReached,
            "LimitReachedError",
            "MEETERGO_LIMIT_REACHED",
            A,
        ),
        class(C::RateLimited, "RateLimitError", "MEETERGO_RATE_LIMITED", A),
        class(C::Server, "ServerError", "MEETERGO_SERVER", A),
        class(C::Timeout, "TimeoutError", "MEETERGO_TIMEOUT", M),
        class(C::Connection, "ConnectionError", "MEETERGO_CONNECTION", M),
        INBOX,
    ]
};

/// For the generated classes (not in the bindings' binaries, which need only names and codes): each class's Python
/// built-in base, when one fits, and one sentence of documentation, by class name ([`ErrorClass::docs`]).
pub const CLASS_DOCS: [(&str, Option<&str>, &str); 14] = [
    (
        "MeetergoError",
        None,
        "Base class of every error the SDK raises.",
    ),
    (
        "ValidationError",
        Some("ValueError"),
        "Rejected before anything was sent: `field` names the offending field, `reason` says why, `kind` classifies it.",
    ),
    (
        "PayloadError",
        Some("ValueError"),
        "A delivery body could not be read: `kind` says why; `path`, or `line` and `column`, say where.",
    ),
    (
        "APIError",
        None,
        "meetergo answered with an error status, or with a success that could not be read.",
    ),
    (
        "BadRequestError",
        None,
        "400: meetergo refused the request.",
    ),
    (
        "AuthenticationError",
        None,
        "401: the API token is missing, wrong or revoked.",
    ),
    (
        "PermissionDeniedError",
        None,
        "403: the token may not do this.",
    ),
    ("NotFoundError", None, "404: no such webhook."),
    (
        "LimitReachedError",
        None,
        "406: the company already has six webhooks.",
    ),
    (
        "RateLimitError",
        None,
        "429 after the retries; `retryAfter` says how long meetergo asked to wait, when it said.",
    ),
    ("ServerError", None, "5xx after the retries."),
    (
        "TimeoutError",
        Some("TimeoutError"),
        "No answer within the timeout, on the last attempt.",
    ),
    (
        "ConnectionError",
        Some("ConnectionError"),
        "The connection failed (refused, reset, TLS, DNS) on the last attempt.",
    ),
    (
        "InboxError",
        None,
        "The durable inbox failed: `kind` is `TooLarge` (answer 413; `size`, `limit`), `Storage` (the store failed or is full: answer 503, nothing was stored), `UnsupportedStore`, `LeaseLost` or `NotFound`.",
    ),
];

/// Codes of failures outside the core's errors, raised as the base class: a call aborted by its signal, and a bug.
pub const OTHER_CODES: [&str; 2] = ["MEETERGO_ABORTED", "MEETERGO_INTERNAL"];

impl ErrorClass {
    /// The class's Python built-in base and its documentation, from [`CLASS_DOCS`].
    pub fn docs(&self) -> (Option<&'static str>, &'static str) {
        CLASS_DOCS
            .iter()
            .find(|(name, _, _)| *name == self.name)
            .map_or((None, ""), |&(_, builtin, doc)| (builtin, doc))
    }

    /// The class of a category.
    pub fn of(category: ErrorCategory) -> &'static ErrorClass {
        CLASSES
            .iter()
            .find(|c| c.category == Some(category))
            .unwrap_or(&CLASSES[0])
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
    /// The class ([`ErrorClass::name`]).
    pub name: &'static str,
    /// The stable code ([`ErrorClass::code`]).
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

    /// A failure outside the core's errors (a panic inside the core, a cancelled call, a misuse): only a message and
    /// a code of its own (`MEETERGO_INTERNAL`, `MEETERGO_ABORTED`); the outcome of a request is unknown.
    pub fn internal(message: impl Into<String>, code: &'static str) -> Self {
        Self {
            outcome_unknown: true,
            code,
            ..Self::bare(BASE.name, BASE.code, message.into())
        }
    }

    /// The report as JSON (camelCase fields; those that do not apply are left out).
    pub fn to_json(&self) -> String {
        // A report of strings and numbers always serializes; the fallback keeps the error an error all the same.
        serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"name":"MeetergoError","code":"MEETERGO_ERROR","message":"(unprintable error)","outcomeUnknown":false}"#
                .to_owned()
        })
    }

    /// The report as the message of a JavaScript `Error` thrown by the Node and browser bindings: [`Self::JS_PREFIX`]
    /// and the report as JSON. Their JavaScript layer turns it into the error class with its attributes.
    pub fn js_message(&self) -> String {
        format!("{}{}", Self::JS_PREFIX, self.to_json())
    }

    fn of(category: ErrorCategory, message: String) -> Self {
        let class = ErrorClass::of(category);
        Self::bare(class.name, class.code, message)
    }

    fn bare(name: &'static str, code: &'static str, message: String) -> Self {
        Self {
            name,
            code,
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
            ..Self::of(ErrorCategory::Validation, e.to_string())
        }
    }
}

impl From<&PayloadError> for ErrorReport {
    fn from(e: &PayloadError) -> Self {
        let mut report = Self {
            kind: Some(e.kind.name()),
            ..Self::of(ErrorCategory::Payload, e.to_string())
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

#[cfg(feature = "inbox")]
impl From<&meetergo_core::inbox::InboxError> for ErrorReport {
    fn from(e: &meetergo_core::inbox::InboxError) -> Self {
        use meetergo_core::inbox::InboxError as E;
        let kind = match e {
            E::TooLarge { .. } => "TooLarge",
            E::Storage(_) => "Storage",
            E::UnsupportedStore(_) => "UnsupportedStore",
            E::LeaseLost(_) => "LeaseLost",
            E::NotFound { .. } => "NotFound",
            _ => "Other",
        };
        let mut report = Self {
            kind: Some(kind),
            ..Self::bare(INBOX.name, INBOX.code, e.to_string())
        };
        if let E::TooLarge { size, limit } = e {
            report.size = Some(*size);
            report.limit = Some(*limit);
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
        let mut report = Self::of(e.category(), e.to_string());
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
