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
# The browser build: wasm-bindgen's CLI must match the wasm-bindgen crate in Cargo.lock (about 6 minutes to build
# the first time, skipped when the right version is on PATH).
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$wbg" ]; then
  echo "setup: installing wasm-bindgen-cli $wbg"
  cargo install --quiet wasm-bindgen-cli --version "$wbg"
fi
# The fuzz targets (fuzz/, `make fuzz`, a short smoke in CI): cargo-fuzz, on the stable toolchain (about 90 s the
# first time).
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "setup: installing cargo-fuzz"
  cargo install --quiet --locked cargo-fuzz
fi
# Real-browser tests: Debian's Chromium (never a browser downloaded by playwright).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
  else
    echo "setup: chromium is missing (apt-get install chromium as root); the browser tests need it" >&2
    exit 1
  fi
fi
# The inbox's Redis store is tested against a real redis-server (Debian's), which the tests start on free ports.
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing redis-server"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq redis-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
  else
    echo "setup: redis-server is missing (apt-get install redis-server as root); the inbox tests need it" >&2
    exit 1
  fi
fi
# Python: a virtualenv with the build backend and the test and lint tools of the `meetergo` package.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check "maturin>=1.16,<2" pytest mypy ruff flask fastapi uvicorn
echo "setup: ok ($(cargo --version); $(.venv/bin/python --version); maturin $(.venv/bin/maturin --version | cut -d' ' -f2); wasm-bindgen $wbg)"
