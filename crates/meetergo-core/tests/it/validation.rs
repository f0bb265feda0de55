//! Tests: validation.
