//! Hooks for the fuzz targets in `fuzz/` (feature `fuzzing`): internals the targets check, not part of the API.

/// Panics unless the core reads `input` as the `url` crate (the WHATWG URL Standard) does, but for the documented
/// differences (non-ASCII hosts refused, `xn--` labels not decoded).
pub fn endpoint_agrees_with_url(input: &str) {
    crate::endpoint::agrees_with_url(input);
}

/// The text with every echo of `credential` masked, as errors are before they reach a user.
pub fn scrub_credential(text: &str, credential: &str) -> String {
    crate::secret::scrub_credential(text, credential)
}

/// The text with every path secret (`mps_…`, in any spelling) masked, as errors are before they reach a user.
pub fn mask_path_secrets(text: &str) -> String {
    crate::path_secret::mask_in_text(text).into_owned()
}
