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
# Python: a virtualenv with the build backend and the test and lint tools of the `meetergo` package.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check "maturin>=1.16,<2" pytest mypy ruff flask
echo "setup: ok ($(cargo --version); $(.venv/bin/python --version); maturin $(.venv/bin/maturin --version | cut -d' ' -f2))"
