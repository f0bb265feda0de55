#!/usr/bin/env bash
# Installs what this repository needs on a fresh machine of its kind (Debian 12, rustup, Python 3, Node 20).
# Idempotent: quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is not on PATH; install Rust with rustup first" >&2
  exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true
# The core must also build for browsers (no HTTP client there): checked in CI with this target.
rustup target add wasm32-unknown-unknown >/dev/null
echo "setup: ok ($(cargo --version))"
