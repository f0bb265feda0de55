//! Values rejected before anything is sent.

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
    /// A validation error: the offending `field` (in the wire's spelling), the kind of problem, and why.
    pub fn new(
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
