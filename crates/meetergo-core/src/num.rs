//! Reading JSON numbers correctly rounded, in every build.
//!
//! serde_json reads fractions and exponents with a fast method that may be one unit in the last place off (its exact
//! reader, `float_roundtrip`, would add 8.6 KB gzipped to the browser build). Where a number's value must match what
//! `JSON.parse` and Python's `json` read, it is read here: with the standard library's reader in native builds and
//! with the host's `parseFloat` in the browser build, both correctly rounded and neither adding tables to the
//! `.wasm`.

/// The `f64` nearest to the JSON number `token`; `None` if it is not a number.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub(crate) fn parse_f64(token: &str) -> Option<f64> {
    token.parse().ok()
}

/// The `f64` nearest to the JSON number `token`; `None` if it is not a number.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
pub(crate) fn parse_f64(token: &str) -> Option<f64> {
    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_name = parseFloat)]
        fn parse_float(text: &str) -> f64;
    }
    Some(parse_float(token)).filter(|x| !x.is_nan())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_correctly_rounded() {
        // Read by serde_json's fast method as 92977777777.77779 (one unit off).
        assert_eq!(
            super::parse_f64("9297.777777777777777778e7"),
            Some(92_977_777_777.777_77)
        );
        assert_eq!(super::parse_f64("-0"), Some(-0.0));
        assert_eq!(super::parse_f64("1e400"), Some(f64::INFINITY));
        assert_eq!(super::parse_f64("x"), None);
    }
}
