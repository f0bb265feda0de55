//! Integration tests of the binding layer: one binary, one module per area.

mod error_contract;
mod generated;
mod parity;
mod units;
