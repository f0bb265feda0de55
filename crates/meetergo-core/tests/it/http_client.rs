//! Tests: http_client.
