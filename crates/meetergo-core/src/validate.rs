//! Checks run before anything is sent. Pure functions, shared by every runtime.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::endpoint::{self, Host, Invalid};
use crate::error::{ValidationError, ValidationErrorKind as Kind};
use crate::event_type::EventType;
use crate::models::{NewWebhook, WebhookPatch};
use crate::secret::is_secret_param;

/// The longest endpoint URL accepted, in bytes.
pub const MAX_ENDPOINT_LEN: usize = 2048;
/// The longest description accepted, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
/// The longest webhook id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// Checks a webhook endpoint URL.
///
/// Rules: an absolute URL of at most [`MAX_ENDPOINT_LEN`] bytes, no whitespace; `https` on a public host
/// (not localhost, loopback, private, link-local, `.local`, a bare single-label name); no user-info and no
/// secret-looking query parameter; an ASCII host (an internationalized domain is given in its `xn--` form).
/// `allow_insecure` lifts the `https` and public-host rules, never the secret rules. The URL is read as the WHATWG
/// URL Standard reads it (so `https://0x7f.1/` is the loopback address it is to a browser).
pub fn validate_endpoint(endpoint: &str, allow_insecure: bool) -> Result<(), ValidationError> {
    let err = |kind, reason: String| ValidationError::new("endpoint", kind, reason);
    if endpoint.trim().is_empty() {
        return Err(err(Kind::Missing, "an endpoint URL is required".into()));
    }
    if endpoint.len() > MAX_ENDPOINT_LEN {
        return Err(err(
            Kind::TooLong,
            format!(
                "the URL is {} bytes long; at most {MAX_ENDPOINT_LEN} are allowed",
                endpoint.len()
            ),
        ));
    }
    // A backslash is a `/` to browsers and the WHATWG reading (`https://a.com\@10.0.0.1/` is a path on a.com),
    // but not to curl or Python (host 10.0.0.1): what is checked must be what every reader reads.
    if endpoint
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err(err(
            Kind::Malformed,
            "the URL must not contain whitespace, control characters or backslashes".into(),
        ));
    }
    let url = endpoint::parse(endpoint).map_err(|e| match e {
        Invalid::NotAscii(host) => err(
            Kind::Malformed,
            format!(
                "the host `{host}` is not ASCII; give an internationalized domain in its punycode form (`xn--...`)"
            ),
        ),
        other => err(
            Kind::Malformed,
            format!("not an absolute URL ({})", other.reason()),
        ),
    })?;
    if url.has_user_info {
        return Err(err(
            Kind::SecretInUrl,
            "the URL must not contain user-info (user:password@); never put credentials in an endpoint URL".into(),
        ));
    }
    // Parameters are split at `&` and at `;` (which many servers also read as a separator), in the query, the
    // fragment, and after a `;` in any path segment (`/hook;token=...`).
    for (part, text, path) in [
        ("query", url.query, false),
        ("fragment", url.fragment, false),
        ("path", Some(url.path), true),
    ] {
        let secret = text.and_then(|t| secret_param(t, path));
        if let Some(name) = secret {
            return Err(err(
                Kind::SecretInUrl,
                format!(
                    "the {part} parameter `{name}` looks like a secret; never put credentials in an endpoint URL"
                ),
            ));
        }
    }
    match url.scheme.as_str() {
        "https" => {}
        "http" if allow_insecure => {}
        "http" => {
            return Err(err(
                Kind::InsecureScheme,
                "the URL must use https (allow_insecure_endpoints permits http for local development)".into(),
            ));
        }
        other => {
            return Err(err(
                Kind::Malformed,
                format!("the scheme must be https, not `{other}`"),
            ));
        }
    }
    // `https:host/` and `https:////host/` are `https://host/` to browsers and the WHATWG reading, but curl and
    // Python's urllib read no host there (or a path): only `scheme://host` is read alike by every reader.
    let after_scheme = endpoint.get(url.scheme.len() + 1..).unwrap_or_default();
    if !after_scheme.starts_with("//") || after_scheme[2..].starts_with('/') {
        return Err(err(
            Kind::Malformed,
            format!(
                "the URL must start with `{}://` and the host, with two slashes",
                url.scheme
            ),
        ));
    }
    let host = url
        .host
        .ok_or_else(|| err(Kind::Malformed, "the URL has no host".into()))?;
    if !allow_insecure && let Some(why) = non_public_host(&host) {
        return Err(err(
            Kind::PrivateHost,
            format!(
                "the host {why}; meetergo can only deliver to public hosts (allow_insecure_endpoints permits it for \
                 local development and tunnels)"
            ),
        ));
    }
    // Spellings that readers disagree on: percent-escapes in a domain (decoded by browsers, sent as written by
    // others) and IPv4 addresses other than four decimal numbers (`0x7f.1`, `2130706433`).
    let respelled = match &host {
        Host::Domain(_) => url.host_text.contains('%'),
        Host::V4(ip) => url.host_text != ipv4_text(*ip),
        Host::V6(_) => false,
    };
    if respelled {
        return Err(err(
            Kind::Malformed,
            "write the host as it is looked up: a domain without percent-escapes, an IPv4 address as four decimal \
             numbers"
                .into(),
        ));
    }
    Ok(())
}

/// The first secret-looking parameter name in a query or fragment (pieces separated by `&` or `;`), or in a path
/// (the pieces after a `;` in each segment). A plain loop: iterator adapters cost the browser build a kilobyte.
fn secret_param(text: &str, path: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let (mut start, mut in_params) = (0, !path);
    for i in 0..=bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(b'&');
        if !(b == b'&' || b == b';' || (path && b == b'/')) {
            continue;
        }
        if in_params
            && let Some((name, _)) = url::form_urlencoded::parse(&bytes[start..i]).next()
            && is_secret_param(&name)
        {
            return Some(name.into_owned());
        }
        // In a path, the parameters of a segment run from its first `;` to the next `/`, across `&` too.
        in_params = !path || b == b';' || (b == b'&' && in_params);
        start = i + 1;
    }
    None
}

/// Why a host is not public, or `None` when it is.
fn non_public_host(host: &Host) -> Option<String> {
    match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.');
            if d == "localhost" || d.ends_with(".localhost") {
                Some(format!("`{d}` is localhost"))
            } else if d == "localhost.localdomain"
                || d.ends_with(".localdomain")
                || d.ends_with(".local")
                || d.ends_with(".internal")
                || d.ends_with(".lan")
                || d.ends_with(".home.arpa")
            {
                Some(format!("`{d}` is a local network name"))
            } else if !d.contains('.') {
                Some(format!("`{d}` is a single-label name, not a public domain"))
            } else {
                None
            }
        }
        Host::V4(ip) => ipv4_non_public(*ip).map(|why| format!("{} is {why}", ipv4_text(*ip))),
        Host::V6(ip) => ipv6_non_public(*ip).map(|why| format!("{} is {why}", ipv6_text(*ip))),
    }
}

/// `a.b.c.d`, as `Ipv4Addr`'s `Display` writes it (without its formatting machinery in the browser build).
fn ipv4_text(ip: Ipv4Addr) -> String {
    let [a, b, c, d] = ip.octets();
    format!("{a}.{b}.{c}.{d}")
}

/// RFC 5952 text (`fe80::1`, `::ffff:10.0.0.1`), as `Ipv6Addr`'s `Display` writes it.
fn ipv6_text(ip: Ipv6Addr) -> String {
    let seg = ip.segments();
    if seg[..6] == [0, 0, 0, 0, 0, 0xffff] {
        return format!(
            "::ffff:{}",
            ipv4_text(Ipv4Addr::from(u32::from(seg[6]) << 16 | u32::from(seg[7])))
        );
    }
    // The longest run of two or more zero pieces (the first of equals) becomes `::`.
    let (mut best, mut run) = ((0, 0), (0, 0));
    for (i, &piece) in seg.iter().enumerate() {
        if piece == 0 {
            run = if run.1 == 0 {
                (i, 1)
            } else {
                (run.0, run.1 + 1)
            };
            if run.1 > best.1 {
                best = run;
            }
        } else {
            run = (0, 0);
        }
    }
    let mut out = String::new();
    let hex = |out: &mut String, pieces: &[u16]| {
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                out.push(':');
            }
            let _ = write!(out, "{piece:x}");
        }
    };
    if best.1 < 2 {
        hex(&mut out, &seg);
    } else {
        hex(&mut out, &seg[..best.0]);
        out.push_str("::");
        hex(&mut out, &seg[best.0 + best.1..]);
    }
    out
}

fn ipv4_non_public(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() {
        Some("a private address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        Some("not a unicast public address")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (carrier-grade NAT) address")
    } else if a == 198 && (b == 18 || b == 19) {
        Some("a benchmarking-network address")
    } else if a == 192 && b == 0 && ip.octets()[2] == 0 {
        Some("an IETF protocol address")
    } else if a == 192 && b == 88 && ip.octets()[2] == 99 {
        Some("a deprecated 6to4 relay address")
    } else if ip.is_documentation() {
        Some("a documentation address")
    } else {
        None
    }
}

fn ipv6_non_public(ip: Ipv6Addr) -> Option<&'static str> {
    let seg = ip.segments();
    let o = ip.octets();
    let first = seg[0];
    if ip.is_loopback() || ip.is_unspecified() {
        return Some(if ip.is_loopback() {
            "a loopback address"
        } else {
            "an unspecified address"
        });
    }
    // Addresses that embed an IPv4 one reach that IPv4 address: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d),
    // NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::/48).
    let low_v4 = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    if seg[..5] == [0; 5] && (seg[5] == 0xffff || seg[5] == 0) {
        return ipv4_non_public(low_v4);
    }
    // IPv4-translated (::ffff:0:a.b.c.d).
    if seg[..6] == [0, 0, 0, 0, 0xffff, 0] {
        return ipv4_non_public(low_v4);
    }
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return ipv4_non_public(low_v4);
    }
    if first == 0x2002 {
        return ipv4_non_public(Ipv4Addr::new(o[2], o[3], o[4], o[5]));
    }
    // The globally reachable anycast addresses 2001:1::1, ::2 and ::3 (inside 2001::/23).
    if seg[..7] == [0x2001, 1, 0, 0, 0, 0, 0] && (1..=3).contains(&seg[7]) {
        return None;
    }
    let high = u64::from(first) << 48
        | u64::from(seg[1]) << 32
        | u64::from(seg[2]) << 16
        | u64::from(seg[3]);
    V6_RANGES
        .iter()
        .find(|(prefix, len, _)| (high ^ prefix) >> (64 - len) == 0)
        .and_then(|range| V6_REASONS.get(usize::from(range.2)).copied().flatten())
}

/// Why an IPv6 range is not public (`None`: a globally reachable block inside a larger range).
const V6_REASONS: [Option<&str>; 11] = [
    None,
    Some("a local-use NAT64 address"),
    Some("a discard-only address"),
    Some("a dummy-prefix address"),
    Some("an IETF protocol address (Teredo, benchmarking, ...)"),
    Some("a documentation address"),
    Some("a segment-routing address"),
    Some("a unique-local (private) address"),
    Some("a link-local address"),
    Some("a site-local address"),
    Some("a multicast address"),
];

/// IANA's IPv6 special-purpose ranges that are not globally reachable, by their first 64 bits: (prefix, length in
/// bits (1 to 64), reason in [`V6_REASONS`]); the first match wins. `docs/endpoints.md` has the table with sources.
const V6_RANGES: [(u64, u32, u8); 14] = [
    (0x0064_ff9b_0001 << 16, 48, 1),
    (0x0100 << 48, 64, 2),
    (0x0100_0000_0000_0001, 64, 3),
    (0x2001_0003 << 32, 32, 0),
    (0x2001_0004_0112 << 16, 48, 0),
    (0x2001_0020 << 32, 27, 0),
    (0x2001 << 48, 23, 4),
    (0x2001_0db8 << 32, 32, 5),
    (0x3fff << 48, 20, 5),
    (0x5f00 << 48, 16, 6),
    (0xfc00 << 48, 7, 7),
    (0xfe80 << 48, 10, 8),
    (0xfec0 << 48, 10, 9),
    (0xff00 << 48, 8, 10),
];

/// `true` when the address is not reachable from the public internet (loopback, private, link-local, ...).
pub fn is_non_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => ipv4_non_public(v4).is_some(),
        IpAddr::V6(v6) => ipv6_non_public(v6).is_some(),
    }
}

/// Checks a list of event types: at least one, none empty; duplicates are removed, first occurrence kept.
/// Unknown values are kept (meetergo adds event types over time).
pub fn validate_event_types<E: Into<EventType>>(
    event_types: impl IntoIterator<Item = E>,
) -> Result<Vec<EventType>, ValidationError> {
    let mut out: Vec<EventType> = Vec::new();
    for (i, e) in event_types.into_iter().enumerate() {
        let e = EventType::from(e.into().as_str());
        let s = e.as_str();
        if s.trim().is_empty() {
            return Err(ValidationError::new(
                format!("eventTypes[{i}]"),
                Kind::Missing,
                "an event type must not be empty",
            ));
        }
        if s.trim() != s || s.chars().any(char::is_control) {
            return Err(ValidationError::new(
                format!("eventTypes[{i}]"),
                Kind::Malformed,
                // Quoted as a JSON string: control characters show as escapes.
                format!(
                    "{} has surrounding whitespace or control characters",
                    serde_json::Value::from(s)
                ),
            ));
        }
        if !out.contains(&e) {
            out.push(e);
        }
    }
    if out.is_empty() {
        return Err(ValidationError::new(
            "eventTypes",
            Kind::Missing,
            "at least one event type is required",
        ));
    }
    Ok(out)
}

fn validate_description(description: Option<&str>) -> Result<(), ValidationError> {
    match description {
        Some(d) if d.chars().count() > MAX_DESCRIPTION_CHARS => Err(ValidationError::new(
            "description",
            Kind::TooLong,
            format!("at most {MAX_DESCRIPTION_CHARS} characters are allowed"),
        )),
        _ => Ok(()),
    }
}

/// Checks a webhook before it is created and returns it normalized (event types de-duplicated).
pub fn validate_new_webhook(
    webhook: &NewWebhook,
    allow_insecure: bool,
) -> Result<NewWebhook, ValidationError> {
    validate_endpoint(&webhook.endpoint, allow_insecure)?;
    validate_description(webhook.description.as_deref())?;
    Ok(NewWebhook {
        endpoint: webhook.endpoint.clone(),
        description: webhook.description.clone(),
        event_types: validate_event_types(&webhook.event_types)?,
    })
}

/// Checks a patch before it is sent and returns it normalized. An empty patch is rejected: it would change nothing.
pub fn validate_patch(
    patch: &WebhookPatch,
    allow_insecure: bool,
) -> Result<WebhookPatch, ValidationError> {
    if patch.is_empty() {
        return Err(ValidationError::new(
            "patch",
            Kind::Missing,
            "nothing to update: set endpoint, description or eventTypes",
        ));
    }
    if let Some(endpoint) = &patch.endpoint {
        validate_endpoint(endpoint, allow_insecure)?;
    }
    validate_description(patch.description.as_deref())?;
    let event_types = patch
        .event_types
        .as_ref()
        .map(validate_event_types)
        .transpose()?;
    Ok(WebhookPatch {
        endpoint: patch.endpoint.clone(),
        description: patch.description.clone(),
        event_types,
    })
}

/// Checks a webhook id before it is put in a path: non-empty, at most [`MAX_ID_LEN`] bytes, no control characters.
/// (The id is percent-escaped in the path, so `/` or `..` cannot reach another route.)
pub fn validate_webhook_id(id: &str) -> Result<(), ValidationError> {
    if id.trim().is_empty() {
        return Err(ValidationError::new(
            "id",
            Kind::Missing,
            "a webhook id is required",
        ));
    }
    if id.len() > MAX_ID_LEN {
        return Err(ValidationError::new(
            "id",
            Kind::TooLong,
            format!("at most {MAX_ID_LEN} bytes are allowed"),
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(ValidationError::new(
            "id",
            Kind::Malformed,
            "the id must not contain control characters",
        ));
    }
    if id.chars().all(|c| c == '.') {
        return Err(ValidationError::new(
            "id",
            Kind::Malformed,
            "`.` and `..` are not webhook ids",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The same text as `Display`, on addresses with zero runs of every length and place.
        #[test]
        fn ip_text_is_displays(pieces in proptest::collection::vec(proptest::prop_oneof![3 => proptest::prelude::Just(0u16), 1 => 0u16..], 8), v4: u32) {
            let mut seg = [0u16; 8];
            seg.copy_from_slice(&pieces);
            let ip = Ipv6Addr::from(seg);
            proptest::prop_assert_eq!(ipv6_text(ip), ip.to_string());
            let mapped = Ipv4Addr::from(v4).to_ipv6_mapped();
            proptest::prop_assert_eq!(ipv6_text(mapped), mapped.to_string());
            proptest::prop_assert_eq!(ipv4_text(Ipv4Addr::from(v4)), Ipv4Addr::from(v4).to_string());
        }
    }
}

#[cfg(test)]
mod v6_table_tests {
    use super::*;

    #[test]
    fn every_range_has_a_usable_length_and_reason() {
        for (prefix, len, reason) in V6_RANGES {
            assert!((1..=64).contains(&len), "{prefix:x}/{len}");
            assert!(usize::from(reason) < V6_REASONS.len(), "{prefix:x}");
            if len < 64 {
                assert_eq!(prefix & (u64::MAX >> len), 0, "{prefix:x}/{len}");
            }
        }
    }
}
