//! The core's one reader of endpoint URLs, as the WHATWG URL Standard reads them (what browsers and the `url` crate
//! do): the parts validation looks at (scheme, user-info, host: domain, IPv4 in all its spellings, IPv6; port, query
//! and fragment), and the standard's serialization, by which two endpoints are compared (`normalize`). Both are
//! tested against the `url` crate.
//!
//! Validation does not build a `url::Url`: measured in the browser build (`npm run build:web`), reading endpoints with
//! `url::Url` instead adds 78,733 bytes gzipped with the default IDNA back end and 19,364 with `idna_adapter` 1.0 (no
//! IDNA), both over the 100,000-byte budget. (The `url` crate stays the HTTP client's request URL type.) The price is
//! one rule: a host must be ASCII (an internationalized domain is given in its `xn--` form), because mapping Unicode
//! hosts needs those tables (and a look-alike could hide `localhost`). For the same reason an `xn--` label is not
//! decoded and checked as IDNA would (only an empty or `-`-ending one is refused): DNS looks it up as written.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A host as the URL Standard parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host {
    /// A domain: for `http(s)`, `ws(s)` and `ftp` lower-cased with percent-escapes decoded; for other schemes as
    /// written.
    Domain(String),
    /// An IPv4 address, in any of its spellings (`127.1`, `0x7f000001`, `0177.0.0.1`).
    V4(Ipv4Addr),
    /// An IPv6 address (`[...]`).
    V6(Ipv6Addr),
}

/// The parts of an absolute URL that validation needs.
#[derive(Debug)]
pub(crate) struct Parts<'a> {
    /// Lower-cased.
    pub scheme: String,
    /// A user name or a password is present.
    pub has_user_info: bool,
    /// `None` for URLs without an authority (`mailto:x`).
    pub host: Option<Host>,
    /// The host as written (percent-escapes and IPv4 spellings as given; empty without an authority).
    pub host_text: &'a str,
    /// The port as written, when there is one (checked: at most 65535; empty when the URL has `host:`).
    pub port: Option<&'a str>,
    /// The path as written (after the authority, before `?`).
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

/// Why the input is not an absolute URL: the `url` crate's wording, so messages do not change with the parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Invalid {
    /// `relative URL without a base`.
    Relative,
    /// `empty host`.
    EmptyHost,
    /// `invalid port number`.
    Port,
    /// `invalid IPv4 address`.
    Ipv4,
    /// `invalid IPv6 address`.
    Ipv6,
    /// `invalid domain character` (the host of a URL with a scheme other than `http`, `https`, `ws`, `wss`, `ftp`).
    DomainCharacter,
    /// `invalid international domain name`: a character no domain may hold (percent-escapes decoded).
    Domain,
    /// A host with non-ASCII characters (after decoding percent-escapes).
    NotAscii(String),
}

/// Schemes with an authority after any run of `/` or `\` (the URL Standard's "special" schemes, but `file`).
fn is_special(scheme: &str) -> bool {
    matches!(scheme, "http" | "https" | "ws" | "wss" | "ftp")
}

/// Splits `input` (already checked to hold no whitespace or control characters) into the parts validation needs.
pub(crate) fn parse(input: &str) -> Result<Parts<'_>, Invalid> {
    let (scheme, rest) = input.split_once(':').ok_or(Invalid::Relative)?;
    let mut chars = scheme.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return Err(Invalid::Relative);
    }
    let scheme = scheme.to_ascii_lowercase();
    let special = is_special(&scheme);
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let after_slashes = if special {
        Some(rest.trim_start_matches(['/', '\\']))
    } else {
        rest.strip_prefix("//")
    };
    let mut has_user_info = false;
    let mut host = None;
    let mut host_written = "";
    let mut port_text = None;
    let mut path = rest;
    if let Some(after) = after_slashes {
        let end = after
            .find(|c| c == '/' || (special && c == '\\'))
            .unwrap_or(after.len());
        let authority = &after[..end];
        path = &after[end..];
        let host_port = match authority.rsplit_once('@') {
            Some((user_info, host_port)) => {
                let (user, password) = user_info.split_once(':').unwrap_or((user_info, ""));
                has_user_info = !user.is_empty() || !password.is_empty();
                host_port
            }
            None => authority,
        };
        let (host_text, port) = split_port(host_port);
        host_written = host_text;
        if host_text.is_empty() {
            // Only a URL with another scheme, and neither user-info nor port, may have an empty host (`foo:///x`).
            // A lone `@` followed by more fails too (`foo://@/`), as in the `url` crate (found by the `endpoint`
            // fuzz target; the crate accepts `foo://@` and `foo://:@/`).
            let lone_at =
                authority == "@" && (!path.is_empty() || query.is_some() || fragment.is_some());
            if special || has_user_info || lone_at || port.is_some() {
                return Err(Invalid::EmptyHost);
            }
        } else {
            host = Some(if special {
                parse_host(host_text)?
            } else {
                parse_opaque_host(host_text)?
            });
        }
        if let Some(port) = port {
            check_port(port)?;
        }
        port_text = port;
    }
    Ok(Parts {
        scheme,
        has_user_info,
        host,
        host_text: host_written,
        port: port_text,
        path,
        query,
        fragment,
    })
}

/// `host[:port]` split at the port's colon.
fn split_port(host_port: &str) -> (&str, Option<&str>) {
    let colon = if host_port.starts_with('[') {
        host_port
            .find(']')
            .and_then(|close| host_port[close..].find(':').map(|i| close + i))
    } else {
        host_port.find(':')
    };
    match colon {
        Some(colon) => (&host_port[..colon], Some(&host_port[colon + 1..])),
        None => (host_port, None),
    }
}

/// A port is digits, at most 65535 (empty is allowed).
fn check_port(port: &str) -> Result<(), Invalid> {
    if !port.bytes().all(|b| b.is_ascii_digit())
        || port.trim_start_matches('0').len() > 5
        || port.parse::<u32>().is_ok_and(|p| p > 65535)
    {
        return Err(Invalid::Port);
    }
    Ok(())
}

/// The host of a URL with another scheme (`foo://host`), kept as written.
fn parse_opaque_host(text: &str) -> Result<Host, Invalid> {
    if text.starts_with('[') {
        return parse_host(text);
    }
    if text.bytes().any(|b| {
        b == 0
            || matches!(
                b,
                b' ' | b'#'
                    | b'/'
                    | b':'
                    | b'<'
                    | b'>'
                    | b'?'
                    | b'@'
                    | b'['
                    | b'\\'
                    | b']'
                    | b'^'
                    | b'|'
            )
    }) {
        return Err(Invalid::DomainCharacter);
    }
    Ok(Host::Domain(text.to_owned()))
}

fn parse_host(text: &str) -> Result<Host, Invalid> {
    if let Some(inner) = text.strip_prefix('[') {
        return inner
            .strip_suffix(']')
            .and_then(parse_ipv6)
            .map(Host::V6)
            .ok_or(Invalid::Ipv6);
    }
    let forbidden = |b: u8| {
        b <= 0x20
            || matches!(
                b,
                b'#' | b'/' | b':' | b'<' | b'>' | b'?' | b'@' | b'[' | b'\\' | b']' | b'^' | b'|'
            )
    };
    let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
    if !decoded.is_ascii() {
        return Err(Invalid::NotAscii(decoded.into_owned()));
    }
    let domain = decoded.to_ascii_lowercase();
    if domain
        .bytes()
        .any(|b| forbidden(b) || b == b'%' || b == 0x7f)
    {
        return Err(Invalid::Domain);
    }
    // An `xn--` label is taken as written (not decoded and checked as IDNA would), but an empty one or one ending in
    // `-` is no punycode at all.
    if domain.split('.').any(|label| {
        label
            .strip_prefix("xn--")
            .is_some_and(|p| p.is_empty() || p.ends_with('-'))
    }) {
        return Err(Invalid::Domain);
    }
    if ends_in_a_number(&domain) {
        return parse_ipv4(&domain).map(Host::V4).ok_or(Invalid::Ipv4);
    }
    Ok(Host::Domain(domain))
}

/// The URL Standard's "ends in a number": the last label (a trailing dot aside) is decimal digits or `0x` + hex.
fn ends_in_a_number(domain: &str) -> bool {
    let trimmed = domain.strip_suffix('.').unwrap_or(domain);
    let last = trimmed.rsplit('.').next().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    last.strip_prefix("0x")
        .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The URL Standard's IPv4 parser: one to four parts, each decimal, octal (`0` prefix) or hex (`0x`); the last part
/// fills the remaining bytes.
fn parse_ipv4(domain: &str) -> Option<Ipv4Addr> {
    let trimmed = domain.strip_suffix('.').unwrap_or(domain);
    let parts: Vec<&str> = trimmed.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let numbers: Vec<u64> = parts
        .iter()
        .map(|p| ipv4_number(p))
        .collect::<Option<_>>()?;
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|&n| n > 255) {
        return None;
    }
    let bits = 8 * (5 - numbers.len());
    if *last >= 1u64 << bits {
        return None;
    }
    let mut address = *last;
    for (i, n) in init.iter().enumerate() {
        address += n << (8 * (3 - i));
    }
    u32::try_from(address).ok().map(Ipv4Addr::from)
}

fn ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x") {
        (hex, 16)
    } else if part.len() > 1 && part.starts_with('0') {
        (&part[1..], 8)
    } else {
        (part, 10)
    };
    // Every character a digit of the radix (no sign), any number of them (leading zeros included); values past
    // 32 bits saturate, which the caller refuses as out of range.
    digits.chars().try_fold(0u64, |n, c| {
        c.to_digit(radix).map(|d| {
            n.saturating_mul(u64::from(radix))
                .saturating_add(u64::from(d))
        })
    })
}

/// The URL Standard's IPv6 parser: eight hex pieces, one `::` run of zeros, an IPv4 tail (`::ffff:10.0.0.1`).
fn parse_ipv6(input: &str) -> Option<Ipv6Addr> {
    let b = input.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let mut address = [0u16; 8];
    let mut piece = 0;
    let mut compress = None;
    let mut i = 0;
    if at(0) == Some(b':') {
        if at(1) != Some(b':') {
            return None;
        }
        i = 2;
        piece = 1;
        compress = Some(1);
    }
    while i < b.len() {
        if piece == 8 {
            return None;
        }
        if b[i] == b':' {
            if compress.is_some() {
                return None;
            }
            i += 1;
            piece += 1;
            compress = Some(piece);
            continue;
        }
        let start = i;
        let mut value: u16 = 0;
        while i - start < 4 && i < b.len() && b[i].is_ascii_hexdigit() {
            value = value * 16 + u16::from(hex_digit(b[i]));
            i += 1;
        }
        match at(i) {
            Some(b'.') => {
                // An IPv4 address in the last two pieces.
                if i == start || piece > 6 {
                    return None;
                }
                i = start;
                let mut seen = 0;
                while i < b.len() {
                    if seen > 0 {
                        if b[i] == b'.' && seen < 4 {
                            i += 1;
                        } else {
                            return None;
                        }
                    }
                    let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                    // One to three digits, no leading zero, at most 255.
                    if digits == 0 || (digits > 1 && b[i] == b'0') || digits > 3 {
                        return None;
                    }
                    let number = b[i..i + digits]
                        .iter()
                        .fold(0u16, |n, c| n * 10 + u16::from(c - b'0'));
                    if number > 255 {
                        return None;
                    }
                    i += digits;
                    address[piece] = address[piece] * 0x100 + number;
                    seen += 1;
                    if seen == 2 || seen == 4 {
                        piece += 1;
                    }
                }
                if seen != 4 {
                    return None;
                }
                break;
            }
            Some(b':') => {
                i += 1;
                if i == b.len() {
                    return None;
                }
            }
            Some(_) => return None,
            None => {}
        }
        address[piece] = value;
        piece += 1;
    }
    match compress {
        Some(compress) => {
            // Move the pieces after `::` to the end.
            let moved = piece - compress;
            address.copy_within(compress..piece, 8 - moved);
            address[compress..8 - moved].fill(0);
        }
        None if piece != 8 => return None,
        None => {}
    }
    Some(Ipv6Addr::from(address))
}

fn hex_digit(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => (c | 0x20) - b'a' + 10,
    }
}

/// The URL Standard's serialization of an `http(s)`, `ws(s)` or `ftp` URL without user-info (what a browser's
/// `new URL(input).href` and the `url` crate give): lower-cased scheme and domain, IPv4 and IPv6 in their canonical
/// forms, no default port, `\\` read as `/`, `.` and `..` segments resolved, the characters the standard escapes
/// percent-encoded. `None` for anything else (other schemes, user-info, whitespace or control characters, an
/// unreadable URL), which callers compare as written.
pub(crate) fn normalize(input: &str) -> Option<String> {
    if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let parts = parse(input).ok()?;
    if !is_special(&parts.scheme) || parts.has_user_info {
        return None;
    }
    let mut out = String::with_capacity(input.len());
    out.push_str(&parts.scheme);
    out.push_str("://");
    match parts.host? {
        Host::Domain(domain) => out.push_str(&domain),
        Host::V4(ip) => {
            let [a, b, c, d] = ip.octets();
            out.push_str(&format!("{a}.{b}.{c}.{d}"));
        }
        Host::V6(ip) => {
            out.push('[');
            write_ipv6(ip, &mut out);
            out.push(']');
        }
    }
    if let Some(port) = parts.port.filter(|p| !p.is_empty()) {
        let port: u16 = port.trim_start_matches('0').parse().unwrap_or(0);
        let default = match parts.scheme.as_str() {
            "http" | "ws" => 80,
            "https" | "wss" => 443,
            _ => 21,
        };
        if port != default {
            out.push_str(&format!(":{port}"));
        }
    }
    // The path: segments split at `/` or `\\`, the first separator belonging to the path's start.
    let path = parts.path.strip_prefix(['/', '\\']).unwrap_or(parts.path);
    let mut segments: Vec<&str> = Vec::new();
    let mut pieces = path.split(['/', '\\']).peekable();
    while let Some(segment) = pieces.next() {
        let last = pieces.peek().is_none();
        let lower = segment.to_ascii_lowercase();
        if matches!(lower.as_str(), ".." | ".%2e" | "%2e." | "%2e%2e") {
            segments.pop();
            if last {
                segments.push("");
            }
        } else if matches!(lower.as_str(), "." | "%2e") {
            if last {
                segments.push("");
            }
        } else {
            segments.push(segment);
        }
    }
    for segment in segments {
        out.push('/');
        escape(segment, b"\"#<>?`{}", &mut out);
    }
    if let Some(query) = parts.query {
        out.push('?');
        escape(query, b"\"#<>'", &mut out);
    }
    if let Some(fragment) = parts.fragment {
        out.push('#');
        escape(fragment, b"\"<>`", &mut out);
    }
    Some(out)
}

/// Appends `text` with the bytes of `set`, spaces, controls and every non-ASCII byte percent-encoded.
fn escape(text: &str, set: &[u8], out: &mut String) {
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_control() && c != ' ' && !set.contains(&(c as u8)) {
            out.push(c);
        } else {
            let mut buffer = [0u8; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
}

/// The URL Standard's IPv6 serialization: lower-case hex pieces, the first longest run of two or more zero pieces
/// as `::` (unlike `Ipv6Addr`'s `Display`, never an IPv4 tail).
fn write_ipv6(ip: Ipv6Addr, out: &mut String) {
    let pieces = ip.segments();
    let (mut best, mut best_len) = (None, 1);
    let mut i = 0;
    while i < 8 {
        let run = pieces[i..].iter().take_while(|p| **p == 0).count();
        if run > best_len {
            (best, best_len) = (Some(i), run);
        }
        i += run.max(1);
    }
    let mut i = 0;
    while i < 8 {
        if best == Some(i) {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        out.push_str(&format!("{:x}", pieces[i]));
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
}

impl Invalid {
    /// The reason, in the `url` crate's words.
    pub(crate) fn reason(&self) -> &'static str {
        match self {
            Invalid::Relative => "relative URL without a base",
            Invalid::EmptyHost => "empty host",
            Invalid::Port => "invalid port number",
            Invalid::Ipv4 => "invalid IPv4 address",
            Invalid::Ipv6 => "invalid IPv6 address",
            Invalid::DomainCharacter => "invalid domain character",
            Invalid::Domain | Invalid::NotAscii(_) => "invalid international domain name",
        }
    }
}

/// Panics unless this module reads `input` as the `url` crate does (scheme, user-info, host, query, fragment, or the
/// same error), but for the intended differences. For the unit tests and the `endpoint` fuzz target.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn agrees_with_url(input: &str) {
    // `parse` expects input already checked to hold no whitespace or control characters, and validation refuses a
    // backslash before it parses (the `url` crate reads one after `host:` in a non-special URL as the path's start,
    // where the URL Standard says the port is invalid).
    if input
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return;
    }
    let ours = parse(input);
    let theirs = url::Url::parse(input);
    match (&ours, &theirs) {
        (Ok(p), Ok(u)) => {
            assert_eq!(p.scheme, u.scheme(), "{input}");
            let user_info = !u.username().is_empty() || u.password().is_some();
            assert_eq!(p.has_user_info, user_info, "{input}");
            // An opaque host (a scheme other than http(s), ws(s), ftp) is percent-encoded by the `url` crate and
            // kept as written here: compared decoded. (Validation refuses those schemes anyway.)
            let text = |d: &str| {
                percent_encoding::percent_decode_str(d)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            let host = u.host().map(|h| match h {
                url::Host::Domain(d) => Host::Domain(text(d)),
                url::Host::Ipv4(a) => Host::V4(a),
                url::Host::Ipv6(a) => Host::V6(a),
            });
            let ours = p.host.clone().map(|h| match h {
                Host::Domain(d) => Host::Domain(text(&d)),
                other => other,
            });
            assert_eq!(ours, host, "{input}");
            // The query and fragment as written here; the `url` crate percent-encodes some characters (`<`, `>`,
            // `"`, ...) in them: the same text once decoded.
            let decoded = |t: Option<&str>| {
                t.map(|t| percent_encoding::percent_decode_str(t).collect::<Vec<u8>>())
            };
            assert_eq!(decoded(p.query), decoded(u.query()), "{input}");
            assert_eq!(decoded(p.fragment), decoded(u.fragment()), "{input}");
        }
        // Both refuse a non-ASCII input, maybe for different reasons: the `url` crate maps Unicode hosts (IDNA)
        // before it reads them, this module refuses them.
        // So do inputs with an `xn--` label, which the crate decodes (and may refuse) before it reads the port.
        (Err(_), Err(_)) if !input.is_ascii() || input.to_ascii_lowercase().contains("xn--") => {}
        (Err(e), Err(u)) => assert_eq!(e.reason(), u.to_string(), "{input}"),
        // The intended differences: a non-ASCII host is refused, not mapped; an `xn--` label is not decoded.
        (Err(Invalid::NotAscii(_)), Ok(_)) => {}
        (Ok(_), Err(_)) if input.to_ascii_lowercase().contains("xn--") => {}
        _ => panic!("{input}: ours {ours:?}, url's {theirs:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same reading as the `url` crate (which implements the URL Standard) on tricky inputs.
    #[test]
    fn agrees_with_the_url_crate() {
        for input in [
            "https://example.com/hook",
            "HTTPS://EXAMPLE.COM./x",
            "https:example.com/x",
            "https:\\\\example.com\\x",
            "https:////example.com",
            "https://user:pw@example.com/",
            "https://user@example.com/",
            "https://:pw@example.com/",
            "https://:@example.com/",
            "https://@example.com/",
            "https://a@b@example.com/",
            "https://example.com:8443/",
            "https://example.com:/",
            "https://example.com:65535/",
            "https://example.com:65536/",
            "https://example.com:00000443/",
            "https://example.com:12a/",
            "https://127.0.0.1/",
            "https://127.1/",
            "https://0x7f000001/",
            "https://0x7f.1/",
            "https://0177.0.0.1/",
            "https://0x/",
            "https://1.2.3.4.5/",
            "https://1.2.3.256/",
            "https://256.1.1.1/",
            "https://1.2.3.4./",
            "https://4294967295/",
            "https://4294967296/",
            "https://09.1.1.1/",
            "https://example.1/",
            "https://1.example/",
            "https://[::1]/",
            "https://[::ffff:10.0.0.1]:8443/",
            "https://[2001:db8::1]/",
            "https://[::1/",
            "https://[1:2:3:4:5:6:7:8]/",
            "https://[1:2:3:4:5:6:7:8:9]/",
            "https://[1:2:3:4:5:6:7]/",
            "https://[1::2::3]/",
            "https://[::]/",
            "https://[1::]/",
            "https://[::1.2.3.4]/",
            "https://[::ffff:1.2.3.4]/",
            "https://[::ffff:1.2.3]/",
            "https://[::ffff:1.2.3.04]/",
            "https://[::ffff:1.2.3.256]/",
            "https://[::ffff:1.2.3.4.5]/",
            "https://[1:2:3:4:5:6:1.2.3.4]/",
            "https://[1:2:3:4:5:6:7:1.2.3.4]/",
            "https://[12345::]/",
            "https://[1:]/",
            "https://[:1]/",
            "https://[FFFF::aBcD]/",
            "https://[fe80::1%25eth0]/",
            "https://[zz::1]/",
            "https://%6cocalhost/",
            "https://exa%00mple.com/",
            "https://exa%2fmple.com/",
            "https://exa%25mple.com/",
            "https://exa%7fmple.com/",
            "https://exa%20mple.com/",
            "https://exa^mple.com/",
            "https://exa]mple.com/",
            "https://exa|mple.com/",
            "https://exa%5bmple.com/",
            "https://exa<mple.com/",
            "https://ex_ample.com/",
            "https:///",
            "https://",
            "https://?x=1",
            "http://example.com?token=1#a=b",
            "ftp://user:pw@example.com/",
            "mailto:someone@example.com",
            "foo://host:99/",
            "foo:/path",
            "localhost:8080/hook",
            "your-server.com/hook",
            "/relative",
            "1https://example.com",
            "https://xn--bcher-kva.example/",
            "https://xn--.example/",
            "https://xn--abc-.example/",
            "https://+93.184.216.34/",
            "https://0x+7f.1/",
            "https://1.2.+3.4/",
            "https://1.2.3.0x00000000000000000000000000000000004/",
            "https://1.2.3.00000000000000000000000000000000000004/",
            "https://1.2.3.00000000000000000000000000000000000009/",
            "https://0x100000000000000000000/",
            "https://99999999999999999999999/",
            "ts://@/",
            "ts://@?q",
            "ts://@",
            "ts://:@/x",
        ] {
            agrees_with_url(input);
        }
    }

    proptest::proptest! {
        /// Generated URL-like inputs with the schemes that have an authority: the same verdict, parts and wording as
        /// the `url` crate. (Other schemes are refused by validation whatever their shape.)
        #[test]
        fn agrees_with_the_url_crate_on_generated_inputs(
            input in "(https?|HTTPS|ftp|1a):[/\\\\]{0,3}([a-f0-9nx@:%.+\\[\\]_-]{0,14})([/?#][a-z0-9=&?#/%+]{0,8})?"
        ) {
            agrees_with_url(&input);
        }

        /// Bracketed hosts: the IPv6 parser (zero runs, IPv4 tails) agrees with the `url` crate's.
        #[test]
        fn ipv6_hosts_agree_with_the_url_crate(
            host in "(([0-9a-fA-F]{0,5}|[0-9.]{0,8}):){0,9}([0-9a-fA-F]{0,5}|[0-9]{1,3}(\\.[0-9]{1,3}){0,4})"
        ) {
            agrees_with_url(&format!("https://[{host}]/"));
        }
    }

    /// `normalize` gives the `url` crate's serialization, or `None` only where it is meant to.
    fn assert_normalizes_like_the_url_crate(input: &str) {
        let ours = normalize(input);
        let theirs = url::Url::parse(input);
        match (&ours, &theirs) {
            (Some(o), Ok(u)) => assert_eq!(o, u.as_str(), "{input}"),
            (None, Ok(u)) => assert!(
                !is_special(u.scheme())
                    || !u.username().is_empty()
                    || u.password().is_some()
                    || input.chars().any(|c| c.is_whitespace() || c.is_control())
                    || matches!(parse(input), Err(Invalid::NotAscii(_)))
                    || input.to_ascii_lowercase().contains("xn--"),
                "{input}: not normalized, url gives {u}"
            ),
            (Some(o), Err(e)) => panic!("{input}: normalized to {o}, url refuses it ({e})"),
            (None, Err(_)) => {}
        }
    }

    #[test]
    fn normalizes_like_the_url_crate() {
        for input in [
            "https://example.com",
            "HTTPS://Example.COM:443/a/../b",
            "https://example.com:8443/./x/%2E/y/.%2e/z",
            "https://example.com/a/b/..",
            "https://example.com/a/b/.",
            "https://example.com/a/%2e%2E",
            "https://example.com/../../x",
            "https:\\\\example.com\\a\\b",
            "https://example.com//a//",
            "http://example.com:80/",
            "http://example.com:0080/",
            "https://example.com:/x",
            "https://example.com/é/\"q\"/<x>/`{}`/%41",
            "https://example.com/?q=é&x=\"'<>`{}#fr é\"<>`'",
            "https://example.com?",
            "https://example.com#",
            "https://[::]/",
            "https://[0:0:0:0:0:0:0:1]/",
            "https://[1:0:0:2:0:0:0:3]/",
            "https://[1:0:0:2:0:0:3:4]/",
            "https://[::ffff:1.2.3.4]/",
            "https://[1:2:3:4:5:6:7:8]:443/",
            "https://[FFFF:0:0:0::]/",
            "https://0x7f.1:8080/",
            "https://%65xample.com/",
            "ws://example.com:80/socket",
            "ftp://example.com:21/f",
            "https://user:pw@example.com/",
            "mailto:a@example.com",
            "https://bücher.example/",
            "https://exa mple.com/",
        ] {
            assert_normalizes_like_the_url_crate(input);
        }
        assert_eq!(
            normalize("HTTPS://Example.COM:443/a/../b").as_deref(),
            Some("https://example.com/b")
        );
    }

    proptest::proptest! {
        /// Generated URLs: paths with dot segments, backslashes, escapes and characters the standard encodes.
        #[test]
        fn normalizes_generated_urls_like_the_url_crate(
            input in "(https?|HTTP|wss|ftp|foo)://([a-zA-Z0-9.%-]{1,10}|\\[[0-9a-f:.]{2,16}\\])(:[0-9]{0,6})?([/\\\\]([.a-zA-Z%2eE\"<>`{}'é ^|]{0,4})){0,5}(\\?[a-z=&'\"<>`#é%.]{0,8})?(#[a-z'\"<>`#é]{0,6})?"
        ) {
            assert_normalizes_like_the_url_crate(&input);
        }
    }

    #[test]
    fn non_ascii_hosts_are_refused() {
        assert_eq!(
            parse("https://bücher.example/").unwrap_err(),
            Invalid::NotAscii("bücher.example".into())
        );
        // Full-width letters that the URL Standard maps to `localhost`.
        assert!(matches!(
            parse("https://ｌｏｃａｌｈｏｓｔ/"),
            Err(Invalid::NotAscii(_))
        ));
        assert!(matches!(
            parse("https://%C3%BC.example/"),
            Err(Invalid::NotAscii(_))
        ));
    }
}
