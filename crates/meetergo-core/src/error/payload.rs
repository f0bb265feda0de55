//! Delivery bodies that cannot be read.

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
