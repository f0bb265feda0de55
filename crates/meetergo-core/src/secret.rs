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

/// The shortest piece of a credential's random part that is masked wherever it appears.
#[cfg(any(feature = "http", test))]
const CREDENTIAL_PIECE: usize = 8;

/// `text` with every trace of `credential` masked as `[redacted]`: any run of [`CREDENTIAL_PIECE`] or more of its
/// letters and digits, in any ASCII case, wherever other characters stand between them (its own `-` or `:`, JSON
/// escapes such as `\u002d` or `\/`, spaces). So an echo is caught however a server spelt it — escaped, in another
/// case, cut short, or only the secret part of an `ak_live:` key — before and after JSON decoding alike.
#[cfg(any(feature = "http", test))]
pub(crate) fn scrub_credential(text: &str, credential: &str) -> String {
    if credential.is_empty() {
        return text.to_owned();
    }
    // The exact spelling goes whole; then the traces of it in any other spelling.
    let text = text.replace(credential, "[redacted]");
    let wanted: Vec<u8> = credential
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if wanted.len() < CREDENTIAL_PIECE {
        return text;
    }
    // The text's letters and digits (lowercased), each with the bytes it stands on: a JSON escape of one
    // (`\u0037`) is read as it, any other escape (`\/`, `\u002d`) and any other character separates.
    let bytes = text.as_bytes();
    let (mut view, mut at) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'u') => {
                let escaped = bytes
                    .get(i + 2..i + 6)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .filter(u8::is_ascii_alphanumeric);
                if let Some(b) = escaped {
                    view.push(b.to_ascii_lowercase());
                    at.push((i, i + 5));
                }
                i += 6;
            }
            b'\\' => i += 2,
            b if b.is_ascii_alphanumeric() => {
                view.push(b.to_ascii_lowercase());
                at.push((i, i));
                i += 1;
            }
            // Whitespace and quotes end a spelling of the token (nothing around it is taken in).
            b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' => {
                view.push(0);
                at.push((i, i));
                i += 1;
            }
            _ => i += 1,
        }
    }
    let mut masked = vec![false; bytes.len()];
    for piece in wanted.windows(CREDENTIAL_PIECE) {
        let mut from = 0;
        while let Some(found) = find(&view[from..], piece) {
            let start = from + found;
            let end = start + CREDENTIAL_PIECE - 1;
            // From the piece's first character to its last, with what stands between them.
            let last = at[end].1.min(bytes.len() - 1);
            masked[at[start].0..=last].fill(true);
            from = start + 1;
        }
    }
    if !masked.contains(&true) {
        return text;
    }
    // Masked ranges start on an ASCII letter, digit or `\\` and end on an ASCII letter or digit (or the end of an
    // escape, all ASCII): on character boundaries. Bytes between them may be non-ASCII (a separator the server
    // wrote); they are masked whole, so each range is still whole characters.
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if masked[i] {
            while i < bytes.len() && masked[i] {
                i += 1;
            }
            out.push_str("[redacted]");
        } else {
            let next = (i + 1..=bytes.len())
                .find(|&j| text.is_char_boundary(j))
                .unwrap_or(bytes.len());
            out.push_str(&text[i..next]);
            i = next;
        }
    }
    out
}

/// Where `needle` first stands in `haystack`.
#[cfg(any(feature = "http", test))]
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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
    "hmac",
    "bearer",
    "sessid",
    "connectsid",
];

/// Names that are a credential only on their own (`key`, but not `monkey`).
const SECRET_NAMES: &[&str] = &[
    "key", "auth", "pwd", "pw", "pass", "sig", "session", "sess", "otp", "pin",
];

/// Names that are a credential in a URL (an OAuth `code`, a session `sid`), but not as keys of a JSON body.
const SECRET_PARAM_NAMES: &[&str] = &["code", "sid", "ticket", "nonce"];

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
        // The crate's own writer, which writes what `Value`'s `Display` writes (one JSON writer in the browser build).
        let mut out = String::with_capacity(body.len());
        crate::json_out::WriteJson::write_json(&redact_json(&value), &mut out);
        return out;
    }
    if mentions_secret(json) {
        format!(
            "[withheld: {} bytes, not JSON, may hold a secret]",
            body.len()
        )
    } else {
        text.into_owned()
    }
}

/// A body with its secrets masked where they stand (see [`mask_secrets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MaskedBody {
    /// The bytes as given, except inside masked values: every byte of a masked string's content is `*`, every
    /// character of a masked number `9`. Same length, same layout, still the same JSON structure.
    pub bytes: Vec<u8>,
    /// The wire paths of the masked values (`secret`, `attendees[0].accessToken`), in the order of the body (a
    /// secret-looking key whose value holds nothing to mask, such as `null` or `""`, is not listed).
    pub masked: Vec<String>,
}

impl MaskedBody {
    /// The bytes as text, when they are UTF-8.
    pub fn as_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }
}

/// Masks the value of every secret-looking key ([`is_secret_key`]), at any depth, *in place*: unlike
/// [`redact_body`], nothing else of the body changes (key order, whitespace, escapes, the length, bytes that are not
/// UTF-8), so a logged delivery keeps the shape and size meetergo sent and the positions of any parse error. `None`
/// when the body (a UTF-8 byte-order mark allowed; bytes that are not UTF-8 read as U+FFFD) is not JSON, or nests
/// deeper than 128 levels (the parser's limit).
///
/// ```
/// let body = b"{\"id\": \"a\",  \"secret\":\"s3cr3t\", \"pin\": 1234}";
/// let masked = meetergo_core::mask_secrets(body).unwrap();
/// assert_eq!(masked.as_text(), Some("{\"id\": \"a\",  \"secret\":\"******\", \"pin\": 9999}"));
/// assert_eq!(masked.masked, ["secret", "pin"]);
/// ```
pub fn mask_secrets(body: &[u8]) -> Option<MaskedBody> {
    let json = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    // Bytes that are not UTF-8 can only stand inside the strings of a JSON body: read as U+FFFD, the structure is
    // the same.
    serde_json::from_str::<serde::de::IgnoredAny>(&String::from_utf8_lossy(json)).ok()?;
    let mut scan = Masker {
        bytes: json,
        at: 0,
        out: body.to_vec(),
        offset: body.len() - json.len(),
        masked: Vec::new(),
        filled: 0,
    };
    if !scan.value(&mut String::new(), false, 0) {
        return None;
    }
    Some(MaskedBody {
        bytes: scan.out,
        masked: scan.masked,
    })
}

/// A delivery body as a log keeps it (see [`log_body`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogBody {
    /// The body as received, with the values of secret-looking keys masked in place unless secrets are kept
    /// ([`MaskedBody::masked`] names them).
    Kept(MaskedBody),
    /// Not JSON (so its secrets cannot be found) and it mentions a secret-looking word: not to be logged.
    Withheld,
}

/// What a log may keep of a delivery body: the bytes as received with their secrets masked in place
/// ([`mask_secrets`]), or, with `keep_secrets`, the bytes as received. A body that is not JSON is kept as it is,
/// unless it mentions a secret-looking word (then [`LogBody::Withheld`]).
pub fn log_body(body: &[u8], keep_secrets: bool) -> LogBody {
    let unmasked = || {
        LogBody::Kept(MaskedBody {
            bytes: body.to_vec(),
            masked: Vec::new(),
        })
    };
    if keep_secrets {
        return unmasked();
    }
    match mask_secrets(body) {
        Some(masked) => LogBody::Kept(masked),
        None if mentions_secret(&String::from_utf8_lossy(body)) => LogBody::Withheld,
        None => unmasked(),
    }
}

/// `true` when a text mentions a secret-looking word (`secret`, `token`, `password`, `bearer`, ...).
fn mentions_secret(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "secret",
        "token",
        "passw",
        "apikey",
        "api_key",
        "api-key",
        "authorization",
        "signature",
        "bearer",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// Walks a text known to be JSON.
struct Masker<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The whole body, masks applied.
    out: Vec<u8>,
    /// Where `bytes` starts in `out` (after a byte-order mark).
    offset: usize,
    masked: Vec<String>,
    /// How many values were masked so far.
    filled: usize,
}

impl Masker<'_> {
    fn peek(&self) -> u8 {
        self.bytes.get(self.at).copied().unwrap_or(b'}')
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), b' ' | b'\t' | b'\n' | b'\r') && self.at < self.bytes.len() {
            self.at += 1;
        }
    }

    /// A string starting at `self.at` (the quote); answers the range of its content.
    fn string(&mut self) -> (usize, usize) {
        let start = self.at + 1;
        let mut i = start;
        while let Some(&b) = self.bytes.get(i) {
            match b {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        self.at = i + 1;
        (start, i.min(self.bytes.len()))
    }

    fn fill(&mut self, from: usize, to: usize, with: u8) {
        if from < to
            && let Some(range) = self.out.get_mut(from + self.offset..to + self.offset)
        {
            range.fill(with);
            self.filled += 1;
        }
    }

    /// Masks the value at `self.at` when `masked`, or the values of secret keys inside it; `false` when it nests
    /// deeper than 128 levels.
    fn value(&mut self, path: &mut String, masked: bool, depth: usize) -> bool {
        if depth > 128 {
            return false;
        }
        self.skip_space();
        match self.peek() {
            b'{' => {
                self.at += 1;
                loop {
                    self.skip_space();
                    if self.peek() != b'"' {
                        self.at += 1; // `}` (or the end)
                        return true;
                    }
                    let (from, to) = self.string();
                    let raw = String::from_utf8_lossy(
                        &self.bytes[from - 1..=to.min(self.bytes.len() - 1)],
                    );
                    let key: String = serde_json::from_str(&raw).unwrap_or_default();
                    self.skip_space();
                    self.at += 1; // `:`
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&key);
                    let secret = !masked && is_secret_key(&key);
                    let filled = self.filled;
                    if !self.value(path, masked || secret, depth + 1) {
                        return false;
                    }
                    if secret && self.filled > filled {
                        self.masked.push(path.clone());
                    }
                    path.truncate(len);
                    self.skip_space();
                    if self.peek() == b',' {
                        self.at += 1;
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut index = 0usize;
                loop {
                    self.skip_space();
                    if self.peek() == b']' || self.at >= self.bytes.len() {
                        self.at += 1;
                        return true;
                    }
                    let len = path.len();
                    path.push_str(&format!("[{index}]"));
                    if !self.value(path, masked, depth + 1) {
                        return false;
                    }
                    path.truncate(len);
                    index += 1;
                    self.skip_space();
                    if self.peek() == b',' {
                        self.at += 1;
                    }
                }
            }
            b'"' => {
                let (from, to) = self.string();
                if masked {
                    self.fill(from, to, b'*');
                }
                true
            }
            b'-' | b'0'..=b'9' => {
                let from = self.at;
                while matches!(self.peek(), b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    && self.at < self.bytes.len()
                {
                    self.at += 1;
                }
                if masked {
                    self.fill(from, self.at, b'9');
                }
                true
            }
            _ => {
                // `true`, `false`, `null`: nothing secret to mask.
                while self.peek().is_ascii_alphabetic() && self.at < self.bytes.len() {
                    self.at += 1;
                }
                true
            }
        }
    }
}

/// A query or fragment parameter name that looks like a credential: a secret-looking name ([`is_secret_key`]) or
/// any `*_key`.
pub(crate) fn is_secret_param(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_secret_key(name)
        || SECRET_PARAM_NAMES.contains(&normalize_key(name).as_str())
        || [".key", "_key", "-key"]
            .iter()
            .any(|suffix| lower.ends_with(suffix))
}

/// `name=value&...` with the values of secret-looking names replaced by `[redacted]`.
fn redact_params(params: &str, out: &mut String) {
    // `;` separates parameters too (as in `validate_endpoint`): `?a=1;token=...`.
    let mut at = 0;
    for pair in params.split(['&', ';']) {
        if at > 0 {
            // The separator as written.
            out.push_str(&params[at - 1..at]);
        }
        at += pair.len() + 1;
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

/// An `http(s)` URL fit for printing: user-info (`user:password@`), path secrets (segments `mps_…`, see
/// [`PathSecret`](crate::PathSecret)) and the values of secret-looking query and fragment parameters (`?token=...`,
/// `#access_token=...`, `?api_key=...`) are replaced by `[redacted]`. Anything else (other URLs, text that is not a
/// URL) is returned unchanged.
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
            out.push_str(&base[scheme_end + at..authority_end]);
        }
        None => out.push_str(&base[..authority_end]),
    }
    for (i, segment) in base[authority_end..].split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        match segment.split_once(';') {
            _ if crate::is_path_secret(segment.split(';').next().unwrap_or(segment)) => {
                out.push_str("[redacted]");
            }
            // Matrix parameters: `/hook;token=...`.
            Some((name, params)) => {
                out.push_str(name);
                out.push(';');
                redact_params(params, &mut out);
            }
            None => out.push_str(segment),
        }
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

impl crate::json_out::WriteJson for Secret {
    fn write_json(&self, out: &mut String) {
        crate::json_out::write_str(self.expose_secret(), out);
    }
}

#[cfg(test)]
mod tests {
    use super::scrub_credential;

    #[test]
    fn a_credential_is_scrubbed_in_any_spelling() {
        let pat = "rgo-pat-7Hq2LmZx9Wc4VbN1";
        let cases = [
            (
                "key rgo-pat-7Hq2LmZx9Wc4VbN1 echoed",
                "key [redacted] echoed",
            ),
            ("KEY RGO-PAT-7HQ2LMZX9WC4VBN1", "KEY [redacted]"),
            (r"rgo\u002dpat\u002d7Hq2LmZx9Wc4VbN1", "[redacted]"),
            ("cut rgo-pat-7Hq2LmZx...", "cut [redacted]..."),
            (r"split 7Hq2L\/mZx9Wc4VbN1", "split [redacted]"),
            ("short 7Hq2LmZ stays", "short 7Hq2LmZ stays"),
            (
                "ünïcödé around 7hq2lmzx9wc4vbn1 ✓",
                "ünïcödé around [redacted] ✓",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(scrub_credential(text, pat), want, "{text}");
        }
        // A token whose random part is a UUID: its short groups are caught across the separators, escaped or not.
        let uuid = "rgo-0b8e6a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
        assert_eq!(
            scrub_credential(
                r"echo RGO\u002d0B8E6A8E\u002d1C2D\u002d4E5F\u002d8A9B\u002d0C1D2E3F4A5B!",
                uuid
            ),
            "echo [redacted]!"
        );
        // Every character escaped (as a JSON writer may): still recognised in the raw text.
        let escaped: String = pat
            .chars()
            .map(|c| format!("\\u{:04x}", u32::from(c)))
            .collect();
        assert_eq!(
            scrub_credential(&format!("x {escaped} y"), pat),
            "x [redacted] y"
        );
        let ak = "ak_live:0b8e6a8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b:Sk9vQ3rT6yU1iO4pA7sD";
        assert_eq!(
            scrub_credential("secret Sk9vQ3rT6yU1iO4pA7sD only", ak),
            "secret [redacted] only"
        );
        assert_eq!(scrub_credential("nothing here", ""), "nothing here");
        assert_eq!(
            scrub_credential("a short-key echoed", "short-key"),
            "a [redacted] echoed"
        );
    }
}
