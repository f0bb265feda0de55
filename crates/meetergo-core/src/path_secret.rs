//! An unguessable path segment in a webhook's endpoint: the way a receiver can tell meetergo's deliveries from
//! forged ones, since meetergo does not sign deliveries and an endpoint may not carry credentials in its user-info
//! or query (see `SECURITY.md`).
//!
//! ```
//! use meetergo_core::PathSecret;
//! let secret = PathSecret::generate()?;
//! let endpoint = secret.endpoint("https://example.com/webhooks/meetergo")?;
//! assert!(endpoint.starts_with("https://example.com/webhooks/meetergo/mps_"));
//! // The receiver keeps `secret.reveal()` (e.g. in MEETERGO_PATH_SECRET) and checks each request's path:
//! let path = &endpoint["https://example.com".len()..];
//! assert!(secret.matches_path(path));
//! assert!(!secret.matches_path("/webhooks/meetergo/mps_guessed"));
//! # Ok::<(), meetergo_core::ValidationError>(())
//! ```

use std::fmt;

use crate::{ValidationError, ValidationErrorKind};

/// What every path secret starts with, so that logs and errors can mask it wherever it appears.
pub const PATH_SECRET_PREFIX: &str = "mps_";
/// Random bytes in a generated secret (256 bits).
#[cfg(not(target_arch = "wasm32"))]
const RANDOM_BYTES: usize = 32;
/// The fewest characters after the prefix a secret may have: 22 base64url characters are 132 bits.
const MIN_SECRET_CHARS: usize = 22;
/// The most characters after the prefix.
const MAX_SECRET_CHARS: usize = 128;

/// A path secret: `mps_` and 43 base64url characters (256 random bits) when generated.
///
/// It never prints itself: `Debug` shows `PathSecret([redacted])`, and [`redact_url`](crate::redact_url) masks
/// it in any URL. [`PathSecret::reveal`] gives the value to store.
#[derive(Clone, PartialEq, Eq)]
pub struct PathSecret(String);

impl fmt::Debug for PathSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PathSecret([redacted])")
    }
}

fn malformed(reason: &str) -> ValidationError {
    ValidationError::new("pathSecret", ValidationErrorKind::Malformed, reason)
}

/// Whether `segment` has the shape of a path secret (`mps_` and at least 22 base64url characters): what
/// [`redact_url`](crate::redact_url) masks.
pub fn is_path_secret(segment: &str) -> bool {
    segment
        .strip_prefix(PATH_SECRET_PREFIX)
        .is_some_and(|rest| {
            (MIN_SECRET_CHARS..=MAX_SECRET_CHARS).contains(&rest.len())
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

impl PathSecret {
    /// A new secret from the operating system's random source (256 bits).
    ///
    /// # Errors
    /// [`ValidationErrorKind::Config`] when the system has no random source to read.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn generate() -> Result<PathSecret, ValidationError> {
        let mut bytes = [0u8; RANDOM_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| {
            ValidationError::new(
                "pathSecret",
                ValidationErrorKind::Config,
                format!("cannot read the system's random source: {e}"),
            )
        })?;
        Ok(PathSecret(format!(
            "{PATH_SECRET_PREFIX}{}",
            base64url(&bytes)
        )))
    }

    /// A secret stored earlier (the value [`PathSecret::reveal`] gave).
    ///
    /// # Errors
    /// [`ValidationErrorKind::Missing`] when empty; [`ValidationErrorKind::Malformed`] unless it is `mps_` and 22 to
    /// 128 base64url characters (the reason never repeats the value).
    pub fn parse(text: &str) -> Result<PathSecret, ValidationError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ValidationError::new(
                "pathSecret",
                ValidationErrorKind::Missing,
                "the path secret is empty",
            ));
        }
        if !is_path_secret(text) {
            return Err(malformed(
                "a path secret is `mps_` followed by 22 to 128 letters, digits, `-` or `_`",
            ));
        }
        Ok(PathSecret(text.to_owned()))
    }

    /// The secret itself, to store where the receiver reads it (an environment variable, a secret manager).
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// `endpoint` with the secret as a last path segment, before any query: `https://example.com/hooks` becomes
    /// `https://example.com/hooks/mps_…`. The result is not validated; the client validates it on create/update.
    ///
    /// # Errors
    /// [`ValidationErrorKind::Malformed`] when `endpoint` is not an absolute URL, or already holds a path secret.
    pub fn endpoint(&self, endpoint: &str) -> Result<String, ValidationError> {
        let mut url = url::Url::parse(endpoint.trim()).map_err(|_| {
            ValidationError::new(
                "endpoint",
                ValidationErrorKind::Malformed,
                "the endpoint is not an absolute URL",
            )
        })?;
        if url
            .path_segments()
            .is_some_and(|mut s| s.any(is_path_secret))
        {
            return Err(ValidationError::new(
                "endpoint",
                ValidationErrorKind::Malformed,
                "the endpoint already holds a path secret",
            ));
        }
        let Ok(mut segments) = url.path_segments_mut() else {
            return Err(ValidationError::new(
                "endpoint",
                ValidationErrorKind::Malformed,
                "the endpoint is not an http(s) URL",
            ));
        };
        segments.pop_if_empty().push(&self.0);
        drop(segments);
        Ok(url.into())
    }

    /// Whether `candidate` is this secret, compared in constant time (the time does not depend on how many leading
    /// characters match).
    pub fn matches(&self, candidate: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), candidate.as_bytes());
        let mut differ = u8::from(a.len() != b.len());
        for (i, x) in a.iter().enumerate() {
            differ |= x ^ b.get(i).copied().unwrap_or(0);
        }
        std::hint::black_box(differ) == 0
    }

    /// Whether a request's path (with or without its query) has this secret as one of its segments, each compared
    /// in constant time. Percent-encoded segments are compared as sent: a generated secret needs no encoding.
    pub fn matches_path(&self, path: &str) -> bool {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        path.split('/')
            .fold(false, |found, segment| self.matches(segment) | found)
    }
}

/// The fewest characters of a path secret after its prefix that [`mask_in_text`] masks: shorter runs (a secret cut
/// short by a server) give away too little to matter.
#[cfg(any(feature = "http", test))]
const MASKED_PIECE: usize = 8;

/// `text` (an answer from meetergo or a proxy, raw or JSON-decoded) with the characters of every path secret after
/// its prefix masked as `[redacted]`: `mps_`, `mps\u005f` or `mps%5F` in any case, then at least eight letters,
/// digits, `-` and `_`, each perhaps as a JSON escape (`\u0041`, its backslash perhaps escaped again) or a single
/// percent escape (`%41`). A server that echoes the endpoint in an error would otherwise put the secret into the
/// exception. Not recognised: a secret echoed without its prefix, HTML entities, double percent-encoding. Linear
/// in the text's length.
#[cfg(any(feature = "http", test))]
pub(crate) fn mask_in_text(text: &str) -> std::borrow::Cow<'_, str> {
    /// The character an escape at the start of `b` stands for and its length, or a plain byte's.
    fn unit(b: &[u8]) -> Option<(u8, usize)> {
        let hex = |h: &[u8]| {
            std::str::from_utf8(h)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        match b {
            // A JSON escape, its backslash perhaps escaped again (`\\u005f` in JSON that holds JSON text).
            [b'\\', ..] => {
                let slashes = b.iter().take_while(|&&c| c == b'\\').count();
                match &b[slashes..] {
                    [b'u', b'0', b'0', h1, h2, ..] => hex(&[*h1, *h2]).map(|c| (c, slashes + 5)),
                    _ => None,
                }
            }
            [b'%', rest @ ..] if rest.len() >= 2 => hex(&rest[..2]).map(|c| (c, 3)),
            [c, ..] => Some((*c, 1)),
            [] => None,
        }
    }
    let secret_char = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        // The prefix, each of its characters perhaps escaped.
        let mut start = i;
        let prefix = b"mps_".iter().all(|want| match unit(&bytes[start..]) {
            Some((c, n)) if c.eq_ignore_ascii_case(want) => {
                start += n;
                true
            }
            _ => false,
        });
        if !prefix {
            // No byte inside a run of backslashes starts a prefix the run's first one does not: step over the run
            // whole (counted again from each of its bytes, a long run would take quadratic time).
            i += bytes[i..]
                .iter()
                .take_while(|&&c| c == b'\\')
                .count()
                .max(1);
            continue;
        }
        let (mut end, mut chars) = (start, 0);
        while let Some((c, n)) = unit(&bytes[end..]) {
            if !secret_char(c) {
                break;
            }
            end += n;
            chars += 1;
        }
        if chars >= MASKED_PIECE {
            out.push_str(&text[copied..start]);
            out.push_str("[redacted]");
            copied = end;
        }
        i = end.max(i + 1);
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

/// Base64url without padding.
#[cfg(not(target_arch = "wasm32"))]
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0usize, |n, (i, b)| n | (usize::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) & 63]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_long_distinct_and_parse() {
        let a = PathSecret::generate().unwrap();
        let b = PathSecret::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.reveal().len(), 4 + 43);
        assert!(is_path_secret(a.reveal()));
        assert_eq!(PathSecret::parse(a.reveal()).unwrap(), a);
        assert_eq!(format!("{a:?}"), "PathSecret([redacted])");
    }

    #[test]
    fn path_secrets_in_any_spelling_are_masked_in_text() {
        let secret = "mps_0123456789abcdefghijKL-_xyz";
        let json_escaped: String = secret
            .chars()
            .map(|c| format!("\\u{:04x}", u32::from(c)))
            .collect();
        for (text, want) in [
            (
                format!("endpoint https://x.test/h/{secret}?a=1 refused"),
                "endpoint https://x.test/h/mps_[redacted]?a=1 refused".to_owned(),
            ),
            (
                format!(
                    "\"https:\\/\\/x.test\\/{}\"",
                    secret.replace('_', "\\u005F")
                ),
                "\"https:\\/\\/x.test\\/mps\\u005F[redacted]\"".to_owned(),
            ),
            (
                json_escaped.clone(),
                format!("{}[redacted]", &json_escaped[..24]),
            ),
            (
                format!("/h/{}", secret.to_ascii_uppercase().replace('_', "%5f")),
                "/h/MPS%5f[redacted]".to_owned(),
            ),
            // Cut short by the server: still masked from eight characters on.
            ("…/mps_01234567".to_owned(), "…/mps_[redacted]".to_owned()),
            // JSON that holds JSON text: the escape's backslash escaped again.
            (
                "mps\\\\u005fab\\\\u005fcdefghij \\\\u".to_owned(),
                "mps\\\\u005f[redacted] \\\\u".to_owned(),
            ),
            (
                "mps_short mps_ mps".to_owned(),
                "mps_short mps_ mps".to_owned(),
            ),
            // A long run of backslashes is stepped over once (this would take minutes if each byte counted it).
            (
                format!("{}mps_0123456789", "\\".repeat(400_000)),
                format!("{}mps_[redacted]", "\\".repeat(400_000)),
            ),
            (
                "ümps_0123456789ab€".to_owned(),
                "ümps_[redacted]€".to_owned(),
            ),
        ] {
            assert_eq!(mask_in_text(&text), want, "{text}");
        }
    }

    #[test]
    fn base64url_matches_the_rfc() {
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn malformed_secrets_are_refused_without_echoing_them() {
        for bad in [
            "mps_short",
            "nope_0123456789012345678901",
            "mps_0123456789012345678901!",
        ] {
            let e = PathSecret::parse(bad).unwrap_err();
            assert_eq!(e.kind, ValidationErrorKind::Malformed);
            assert!(!e.to_string().contains(bad), "{e}");
        }
        assert_eq!(
            PathSecret::parse(" ").unwrap_err().kind,
            ValidationErrorKind::Missing
        );
    }

    #[test]
    fn endpoints_get_the_secret_before_the_query() {
        let s = PathSecret::parse("mps_0123456789abcdefghijKL").unwrap();
        assert_eq!(
            s.endpoint("https://example.com/hooks?tenant=7").unwrap(),
            "https://example.com/hooks/mps_0123456789abcdefghijKL?tenant=7"
        );
        assert_eq!(
            s.endpoint("https://example.com/").unwrap(),
            "https://example.com/mps_0123456789abcdefghijKL"
        );
        assert_eq!(
            s.endpoint("https://example.com/hooks/").unwrap(),
            "https://example.com/hooks/mps_0123456789abcdefghijKL"
        );
        let twice = s.endpoint("https://example.com/hooks").unwrap();
        assert!(s.endpoint(&twice).is_err());
        assert!(s.endpoint("not a url").is_err());
        assert!(s.endpoint("mailto:a@example.com").is_err());
    }

    #[test]
    fn paths_match_only_with_the_whole_secret() {
        let s = PathSecret::parse("mps_0123456789abcdefghijKL").unwrap();
        assert!(s.matches_path("/hooks/mps_0123456789abcdefghijKL"));
        assert!(s.matches_path("/hooks/mps_0123456789abcdefghijKL?x=1"));
        assert!(s.matches_path("/mps_0123456789abcdefghijKL/"));
        assert!(!s.matches_path("/hooks/mps_0123456789abcdefghijK"));
        assert!(!s.matches_path("/hooks/mps_0123456789abcdefghijKLM"));
        assert!(!s.matches_path("/hooks/MPS_0123456789abcdefghijKL"));
        assert!(!s.matches_path("/hooks"));
        assert!(!s.matches_path(""));
        assert!(!s.matches(""));
    }
}
