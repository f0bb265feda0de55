//! The API token and which headers it calls for.

use std::fmt;

use crate::error::{ValidationError, ValidationErrorKind as Kind};

/// The kind of an API token, told by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKind {
    /// A platform API key, `ak_live:<uuid>:<secret>`: acts for the user named by `x-meetergo-api-user-id`,
    /// which is therefore required.
    PlatformKey,
    /// A personal access token, `rgo-...`: acts as its owner; `x-meetergo-api-user-id` is not sent unless asked.
    PersonalAccessToken,
    /// Anything else, sent as an opaque bearer token.
    Other,
}

/// An API token. `Debug` and `Display` never show it, only its kind.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Checks and wraps a token: non-empty, no whitespace or control characters (it goes into a header).
    pub fn new(token: impl Into<String>) -> Result<Self, ValidationError> {
        let token = token.into();
        if token.is_empty() {
            return Err(ValidationError::new(
                "apiKey",
                Kind::Missing,
                "an API key is required (pass it or set MEETERGO_API_KEY)",
            ));
        }
        if token
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return Err(ValidationError::new(
                "apiKey",
                Kind::Malformed,
                "the API key contains whitespace or characters that cannot be sent in a header (was it copied \
                 with a line break?)",
            ));
        }
        Ok(Self(token))
    }

    /// The kind of token, by its prefix.
    pub fn kind(&self) -> TokenKind {
        if self.0.starts_with("ak_live:") {
            TokenKind::PlatformKey
        } else if self.0.starts_with("rgo-") {
            TokenKind::PersonalAccessToken
        } else {
            TokenKind::Other
        }
    }

    /// The token itself. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({self})")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            TokenKind::PlatformKey => f.write_str("ak_live:[redacted]"),
            TokenKind::PersonalAccessToken => f.write_str("rgo-[redacted]"),
            TokenKind::Other => f.write_str("[redacted]"),
        }
    }
}

/// Decides whether `x-meetergo-api-user-id` is sent, and checks the combination before anything is sent.
///
/// - `ak_live:` keys need a user id: without one this is a [`ValidationError`], not a server 400.
/// - `rgo-` tokens act as their owner: the header is sent only when `user_id` was given explicitly *and*
///   `send_with_personal_token` is set (a user id from the environment alone is ignored for them).
/// - other tokens send the user id when there is one.
pub fn user_id_header(
    key: &ApiKey,
    explicit_user_id: Option<&str>,
    env_user_id: Option<&str>,
    send_with_personal_token: bool,
) -> Result<Option<String>, ValidationError> {
    let chosen = match key.kind() {
        TokenKind::PersonalAccessToken => explicit_user_id.filter(|_| send_with_personal_token),
        TokenKind::PlatformKey | TokenKind::Other => explicit_user_id.or(env_user_id),
    };
    let chosen = chosen.map(str::trim).filter(|s| !s.is_empty());
    if let Some(id) = chosen
        && id.chars().any(|c| c.is_control() || !c.is_ascii())
    {
        return Err(ValidationError::new(
            "userId",
            Kind::Malformed,
            "the user id contains characters that cannot be sent in a header",
        ));
    }
    if key.kind() == TokenKind::PlatformKey && chosen.is_none() {
        return Err(ValidationError::new(
            "userId",
            Kind::Config,
            "an `ak_live:` API key acts on behalf of a user: pass a user id (or set MEETERGO_USER_ID)",
        ));
    }
    Ok(chosen.map(str::to_owned))
}
