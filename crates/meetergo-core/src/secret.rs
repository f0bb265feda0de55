//! Values that must never be printed: the API token and a booking's `secret`.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::text::Str;

/// A booking's `secret`: a token that can cancel or reschedule the booking. Readable with
/// [`Secret::expose_secret`]; `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Secret(Str);

/// A secret owns its value (it does not share the delivery body, which it would keep alive).
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Str::from(value.into()))
    }

    /// The secret itself. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A key or parameter name lower-cased, with everything but letters and digits dropped (`api_key` → `apikey`).
pub(crate) fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Parts of a name (lower-cased, letters and digits only) that mark a credential anywhere in it.
const SECRET_PARTS: &[&str] = &[
    "secret",
    "token",
    "passw",
    "passcode",
    "passphrase",
    "signature",
    "credential",
    "apikey",
    "privatekey",
    "accesskey",
    "authkey",
    "signingkey",
    "sessionid",
    "authorization",
    "cookie",
    "jwt",
];

/// Names that are a credential only on their own (`key`, but not `monkey`).
const SECRET_NAMES: &[&str] = &["key", "auth", "pwd", "pass", "sig", "session", "otp", "pin"];

/// `true` for a key or parameter name that looks like a credential (`secret`, `apiKey`, `client_secret`,
/// `X-Amz-Signature`, `zoomToken`, `password`, ...). Used to mask values when printing JSON and to reject endpoint
/// URLs that carry credentials.
pub fn is_secret_key(key: &str) -> bool {
    let k = normalize_key(key);
    SECRET_NAMES.contains(&k.as_str()) || SECRET_PARTS.iter().any(|part| k.contains(part))
}

/// A copy of `value` in which the value of every secret-looking key ([`is_secret_key`]), at any depth, is replaced
/// by `"[redacted]"`: for writing a delivery (which holds the booking `secret`) to a log.
///
/// ```
/// let body = serde_json::json!({"id": "a", "secret": "s3cr3t", "attendees": [{"accessToken": "t"}]});
/// let logged = meetergo_core::redact_json(&body).to_string();
/// assert!(!logged.contains("s3cr3t") && logged.contains("\"id\":\"a\""));
/// ```
pub fn redact_json(value: &Value) -> Value {
    match value {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = if is_secret_key(k) {
                        Value::String("[redacted]".into())
                    } else {
                        redact_json(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(redact_json).collect()),
        other => other.clone(),
    }
}

/// A delivery body as text fit for a log: JSON (a UTF-8 byte-order mark allowed) with the values of secret-looking
/// keys masked ([`redact_json`]); a body that is not JSON but mentions a secret-looking word is withheld (only its
/// size is given); any other body as received (invalid UTF-8 replaced).
pub fn redact_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let json = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if let Ok(value) = serde_json::from_str::<Value>(json) {
        return redact_json(&value).to_string();
    }
    let lower = json.to_ascii_lowercase();
    let risky = [
        "secret",
        "token",
        "passw",
        "apikey",
        "api_key",
        "api-key",
        "authorization",
        "signature",
        "bearer",
    ];
    if risky.iter().any(|word| lower.contains(word)) {
        format!(
            "[withheld: {} bytes, not JSON, may hold a secret]",
            body.len()
        )
    } else {
        text.into_owned()
    }
}

/// A query or fragment parameter name that looks like a credential: a secret-looking name ([`is_secret_key`]) or
/// any `*_key`.
pub(crate) fn is_secret_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_secret_key(name)
        || [".key", "_key", "-key"]
            .iter()
            .any(|suffix| lower.ends_with(suffix))
}

/// `name=value&...` with the values of secret-looking names replaced by `[redacted]`.
fn redact_params(params: &str, out: &mut String) {
    for (i, pair) in params.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = url::form_urlencoded::parse(name.as_bytes())
            .next()
            .map(|(k, _)| k.into_owned())
            .unwrap_or_default();
        if !value.is_empty() && is_secret_param(&decoded) {
            out.push_str(name);
            out.push_str("=[redacted]");
        } else {
            out.push_str(pair);
        }
    }
}

/// An `http(s)` URL fit for printing: user-info (`user:password@`) and the values of secret-looking query and
/// fragment parameters (`?token=...`, `#access_token=...`, `?api_key=...`) are replaced by `[redacted]`. Anything
/// else (other URLs, text that is not a URL) is returned unchanged.
///
/// ```
/// use meetergo_core::redact_url;
/// assert_eq!(redact_url("https://u:p@example.com/h?a=1&token=t0k"), "https://[redacted]@example.com/h?a=1&token=[redacted]");
/// assert_eq!(redact_url("https://example.com/hooks"), "https://example.com/hooks");
/// ```
pub fn redact_url(url: &str) -> Cow<'_, str> {
    let Some(scheme_end) = ["https://", "http://"].iter().find_map(|scheme| {
        url.get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .map(|_| scheme.len())
    }) else {
        return Cow::Borrowed(url);
    };
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let (base, query) = match before_fragment.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (before_fragment, None),
    };
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = String::with_capacity(url.len());
    match base[scheme_end..authority_end].rfind('@') {
        Some(at) => {
            out.push_str(&base[..scheme_end]);
            out.push_str("[redacted]");
            out.push_str(&base[scheme_end + at..]);
        }
        None => out.push_str(base),
    }
    if let Some(q) = query {
        out.push('?');
        redact_params(q, &mut out);
    }
    if let Some(f) = fragment {
        out.push('#');
        redact_params(f, &mut out);
    }
    if out == url {
        Cow::Borrowed(url)
    } else {
        Cow::Owned(out)
    }
}

/// A text field for `Debug`: URLs with their credentials masked ([`redact_url`]).
fn text_debug(text: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    fmt::Debug::fmt(&redact_url(text), f)
}

/// `Debug` for a field of a generated model: free-form JSON (a `Map`, a `Value`, optional or not) is printed with
/// secret-looking keys masked; every other type prints as usual.
pub(crate) struct FieldDebug<'a, T>(pub &'a T);

impl<T: fmt::Debug + 'static> fmt::Debug for FieldDebug<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let any: &dyn std::any::Any = self.0;
        if let Some(map) = any.downcast_ref::<Map<String, Value>>() {
            RedactedMap(map).fmt(f)
        } else if let Some(value) = any.downcast_ref::<Value>() {
            RedactedValue(value).fmt(f)
        } else if let Some(map) = any.downcast_ref::<Option<Map<String, Value>>>() {
            map.as_ref().map(RedactedMap).fmt(f)
        } else if let Some(value) = any.downcast_ref::<Option<Value>>() {
            value.as_ref().map(RedactedValue).fmt(f)
        } else if let Some(text) = any.downcast_ref::<String>() {
            text_debug(text, f)
        } else if let Some(text) = any.downcast_ref::<Str>() {
            text_debug(text, f)
        } else if let Some(text) = any.downcast_ref::<Option<String>>() {
            text.as_deref().map(redact_url).fmt(f)
        } else if let Some(text) = any.downcast_ref::<Option<Str>>() {
            text.as_deref().map(redact_url).fmt(f)
        } else {
            self.0.fmt(f)
        }
    }
}

/// `Debug` for a JSON value with secret-looking keys masked at any depth.
pub(crate) struct RedactedValue<'a>(pub &'a Value);

/// `Debug` for a JSON object with secret-looking keys masked at any depth.
pub(crate) struct RedactedMap<'a>(pub &'a Map<String, Value>);

impl fmt::Debug for RedactedValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Object(m) => RedactedMap(m).fmt(f),
            Value::Array(a) => f.debug_list().entries(a.iter().map(RedactedValue)).finish(),
            other => fmt::Debug::fmt(other, f),
        }
    }
}

impl fmt::Debug for RedactedMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in self.0 {
            if is_secret_key(k) {
                m.entry(k, &format_args!("[redacted]"));
            } else {
                m.entry(k, &RedactedValue(v));
            }
        }
        m.finish()
    }
}
