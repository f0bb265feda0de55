//! Integration tests of meetergo-core: one binary, one module per area.

mod fixtures;
mod http_client;
mod hygiene;
#[cfg(feature = "redis")]
mod inbox;
mod layers;
mod models;
mod parse_props;
mod stand_in;
mod validation;
