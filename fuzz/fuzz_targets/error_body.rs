//! The reader of meetergo's error answers: any status and body give an error whose texts are capped, and from which
//! a token or a path secret echoed in the body is scrubbed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use meetergo_core::ApiError;

const TOKEN: &str = "rgo-Fuzz7Token3Secret9Value1";
const SECRET: &str = "Fuzz7Path3Secret9Value1AbCdEfGhIjKlMnOpQr";

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), String::from_utf8_lossy(rest)),
        _ => return,
    };
    let e = ApiError::from_response(status, "POST", "/webhooks", &body);
    // A cut text ends with a marker: `…[truncated]`.
    let most = ApiError::MAX_TEXT_CHARS + "…[truncated]".chars().count();
    for text in e.messages() {
        assert!(text.chars().count() <= most, "{} chars", text.chars().count());
    }
    assert!(e.messages().len() <= ApiError::MAX_ITEMS + 1);
    let _ = e.to_string();
    // The scrubber on the same text: no run of 8 of the token's letters and digits survives.
    let scrubbed = meetergo_core::fuzzing::scrub_credential(&body, TOKEN);
    assert!(!scrubbed.contains(TOKEN), "{scrubbed}");
    assert!(!scrubbed.contains("Fuzz7Token3Secret9"), "{scrubbed}");
    // Path secrets: masking twice changes nothing more, and a secret planted in the text is gone.
    let masked = meetergo_core::fuzzing::mask_path_secrets(&body);
    assert_eq!(meetergo_core::fuzzing::mask_path_secrets(&masked), masked);
    let planted = format!("{body} https://x.test/mps_{SECRET} {body}");
    let masked = meetergo_core::fuzzing::mask_path_secrets(&planted);
    assert!(masked.contains(" https://x.test/mps_[redacted] "), "{masked}");
});
