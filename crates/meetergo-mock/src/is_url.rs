//! The endpoint check meetergo's server applies, as the stand-in reproduces it.
//!
//! meetergo's API is a NestJS service whose request bodies are checked by class-validator; a webhook's `endpoint`
//! gets the `@IsUrl()` check (validator.js `isURL`), whose failure reads "endpoint must be a URL address". What the
//! stand-in applies is that check with two settings *inferred*, not documented: the protocol must be given and be
//! `http` or `https` (`ftp://` is refused), and the host must be an IP address or a name with a top-level domain
//! (`localhost` and single-label names are refused; `allow_local` lifts this for local development). IP addresses
//! pass, private and loopback ones included, as `@IsUrl()` lets them through.

use std::net::Ipv6Addr;

/// validator.js `isURL(url, { protocols: ['http', 'https'], require_protocol: true, require_tld: !allow_local })`.
pub(crate) fn is_url(url: &str, allow_local: bool) -> bool {
    if url.is_empty() || url.chars().count() >= 2083 {
        return false;
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c == '<' || c == '>')
    {
        return false;
    }
    if url
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("mailto:"))
    {
        return false;
    }
    let url = url.split('#').next().unwrap_or_default();
    let url = url.split('?').next().unwrap_or_default();
    let Some((protocol, rest)) = url.split_once("://") else {
        return false;
    };
    if !matches!(protocol.to_ascii_lowercase().as_str(), "http" | "https") {
        return false;
    }
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() {
        return false;
    }
    // User-info: everything before the first `@` (validator.js allows it; at most one `:` in it, not both empty);
    // a second `@` is then part of the host, which fails.
    let host_port = match authority.split_once('@') {
        Some((auth, host_port)) => {
            if auth.is_empty() || auth.matches(':').count() > 1 || auth == ":" {
                return false;
            }
            host_port
        }
        None => authority,
    };
    let (host, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        let Some((v6, after)) = bracketed.split_once(']') else {
            return false;
        };
        if v6.parse::<Ipv6Addr>().is_err() {
            return false;
        }
        match after {
            "" => (None, None),
            after => match after.strip_prefix(':') {
                Some(port) => (None, Some(port)),
                None => return false,
            },
        }
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(host_port), None),
        }
    };
    if let Some(port) = port
        && !port.is_empty()
        && !(port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65_535).contains(&p)))
    {
        return false;
    }
    match host {
        None => true,
        Some(host) => is_ipv4(host) || is_fqdn(host, !allow_local),
    }
}

/// Four decimal parts of 0 to 255 without leading zeros (validator.js `isIP(host, 4)`).
fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// validator.js `isFQDN(host, { require_tld })` with its other defaults (no underscores, no trailing dot, no
/// numeric top-level domain).
fn is_fqdn(host: &str, require_tld: bool) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    let tld = parts.last().copied().unwrap_or_default();
    if require_tld {
        if parts.len() < 2 {
            return false;
        }
        let letters = tld.chars().count() >= 2 && tld.chars().all(is_tld_letter);
        let punycode = tld.len() >= 4
            && tld.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("xn"))
            && tld[2..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !letters && !punycode {
            return false;
        }
    }
    if !tld.is_empty() && tld.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    parts.iter().all(|part| {
        part.chars().count() <= 63
            && !part.is_empty()
            && part.chars().all(|c| {
                c.is_ascii_alphanumeric() || c == '-' || (c >= '\u{a1}' && !is_full_width(c))
            })
            && !part.starts_with('-')
            && !part.ends_with('-')
    })
}

/// `[a-z\u00A1-\u00A8\u00AA-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF]`, case-insensitive.
fn is_tld_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || ('\u{a1}'..='\u{a8}').contains(&c)
        || ('\u{aa}'..='\u{d7ff}').contains(&c)
        || ('\u{f900}'..='\u{fdcf}').contains(&c)
        || ('\u{fdf0}'..='\u{ffef}').contains(&c)
}

/// Full-width ASCII look-alikes (`\uff01-\uff5e`), which validator.js refuses in host names.
fn is_full_width(c: char) -> bool {
    ('\u{ff01}'..='\u{ff5e}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::is_url;

    #[test]
    fn what_meetergo_accepts() {
        for ok in [
            "https://your-server.com/webhooks/meetergo",
            "http://example.com",
            "HTTPS://Example.COM:8443/a/b?c=d#e",
            "https://abc123.ngrok.io/hooks",
            "https://your-subdomain.loca.lt",
            "http://127.0.0.1:3000/hooks",
            "http://10.0.0.1/x",
            "http://[::1]:8080/x",
            "https://user:pw@example.com/x",
            "https://bücher.de/x",
            "https://example.xn--p1ai/",
        ] {
            assert!(is_url(ok, false), "{ok}");
        }
    }

    #[test]
    fn what_meetergo_refuses() {
        for bad in [
            "",
            "http://localhost:9/x",
            "http://receiver/hook",
            "ftp://example.com/x",
            "example.com/hook",
            "//example.com/hook",
            "mailto:a@example.com",
            "https://exa mple.com",
            "https://example.com/<script>",
            "https://example.123/",
            "https://example.c/",
            "https://-example.com/",
            "https://exa_mple.com/",
            "https://example.com:0/",
            "https://example.com:65536/",
            "https://example.com:80a/",
            "https://example.com./",
            "https://[::1/",
            "https://[zz::1]/",
            "https://256.1.1.1/",
            "https://01.1.1.1/",
            "https://@example.com/",
            "https://a:b:c@example.com/",
            "https://example.com/".repeat(200).as_str(),
        ] {
            assert!(!is_url(bad, false), "{bad}");
        }
    }

    #[test]
    fn local_development_lifts_the_domain_rule_only() {
        assert!(is_url("http://localhost:9/x", true));
        assert!(is_url("http://receiver/hook", true));
        assert!(!is_url("ftp://localhost/x", true));
        assert!(!is_url("localhost:9/x", true));
    }
}
