//! Tests: hygiene.
