//! The endpoint check: never a panic; its reading of a URL agrees with the `url` crate's (WHATWG); what it accepts
//! is read alike by every parser (no backslash, no respelled host).
#![no_main]

use libfuzzer_sys::fuzz_target;
use meetergo_core::{redact_url, validate_endpoint};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let strict = validate_endpoint(input, false);
    let lenient = validate_endpoint(input, true);
    // What passes the strict check passes the lenient one.
    assert!(strict.is_err() || lenient.is_ok(), "{input:?}");
    if lenient.is_ok() {
        assert!(!input.contains('\\'), "{input:?}");
    }
    let _ = redact_url(input);
    meetergo_core::fuzzing::endpoint_agrees_with_url(input);
});
