//! Checks run before anything is sent. Pure functions, shared by every runtime.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::error::{ValidationError, ValidationErrorKind as Kind};
use crate::event_type::EventType;
use crate::models::{NewWebhook, WebhookPatch};
use crate::secret::{is_secret_key, normalize_key};

/// The longest endpoint URL accepted, in bytes.
pub const MAX_ENDPOINT_LEN: usize = 2048;
/// The longest description accepted, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;
/// The longest webhook id accepted, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// Query parameter names (compared without case, `-` and `_`) that look like credentials.
const SECRET_PARAMS: &[&str] = &[
    "token",
    "accesstoken",
    "authtoken",
    "auth",
    "authorization",
    "key",
    "apikey",
    "accesskey",
    "secret",
    "clientsecret",
    "password",
    "passwd",
    "pwd",
    "pass",
    "signature",
    "sig",
    "credential",
    "credentials",
    "session",
    "sessionid",
];

fn looks_secret(name: &str) -> bool {
    let n = normalize_key(name);
    SECRET_PARAMS.contains(&n.as_str()) || is_secret_key(name) || n.ends_with("apikey")
}

/// Checks a webhook endpoint URL and returns it parsed.
///
/// Rules: an absolute URL of at most [`MAX_ENDPOINT_LEN`] bytes, no whitespace; `https` on a public host
/// (not localhost, loopback, private, link-local, `.local`, a bare single-label name); no user-info and no
/// secret-looking query parameter. `allow_insecure` lifts the `https` and public-host rules, never the secret rules.
pub fn validate_endpoint(endpoint: &str, allow_insecure: bool) -> Result<Url, ValidationError> {
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
    if endpoint
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(err(
            Kind::Malformed,
            "the URL must not contain whitespace or control characters".into(),
        ));
    }
    let url = Url::parse(endpoint)
        .map_err(|e| err(Kind::Malformed, format!("not an absolute URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err(
            Kind::SecretInUrl,
            "the URL must not contain user-info (user:password@); never put credentials in an endpoint URL".into(),
        ));
    }
    if let Some((name, _)) = url.query_pairs().find(|(name, _)| looks_secret(name)) {
        return Err(err(
            Kind::SecretInUrl,
            format!(
                "the query parameter `{name}` looks like a secret; never put credentials in an endpoint URL"
            ),
        ));
    }
    match url.scheme() {
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
    let host = url
        .host()
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
    Ok(url)
}

/// Why a host is not public, or `None` when it is.
fn non_public_host(host: &Host<&str>) -> Option<String> {
    match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            if d == "localhost" || d.ends_with(".localhost") {
                Some(format!("`{d}` is localhost"))
            } else if d.ends_with(".local")
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
        Host::Ipv4(ip) => ipv4_non_public(*ip).map(|why| format!("{ip} is {why}")),
        Host::Ipv6(ip) => ipv6_non_public(*ip).map(|why| format!("{ip} is {why}")),
    }
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
    } else if ip.is_documentation() {
        Some("a documentation address")
    } else {
        None
    }
}

fn ipv6_non_public(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return ipv4_non_public(v4);
    }
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_unspecified() {
        Some("an unspecified address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a unique-local (private) address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else {
        None
    }
}

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
        let e = e.into();
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
                format!(
                    "`{}` has surrounding whitespace or control characters",
                    s.escape_debug()
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
