//! Parsing benchmark (written next).
fn main() {}
