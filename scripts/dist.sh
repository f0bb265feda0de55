#!/usr/bin/env bash
# `make dist`: every package this machine can build, into dist/.
#
#   dist/npm/meetergo-<v>.tgz                            the main npm package (JavaScript, types, browser build)
#   dist/npm/meetergo-meetergo-<platform>-<v>.tgz        @meetergo/meetergo-<platform>: one release addon each
#   dist/python/meetergo-<v>-cp39-abi3-<tag>.whl         abi3 wheels (CPython 3.9+), manylinux2014 / musllinux_1_2
#   dist/python/meetergo-<v>.tar.gz                      the sdist (builds with Rust installed)
#
# Cross builds use zig (the `ziglang` wheel in .venv): cargo-zigbuild for the addons, `maturin --zig` for the wheels.
# glibc builds target glibc 2.17 (manylinux2014), musl builds link musl dynamically (`-crt-static`), as Node and
# Python on musl load extensions. macOS and Windows are built by .github/workflows/release.yml.
#
# Environment: DIST_PROFILE (cargo profile, default `dist`: release + thin LTO), NODE_TARGETS, PYTHON_TARGETS
# (space-separated Rust triples), DIST_SDIST=0 to skip the sdist.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$ROOT/.venv/bin:$PATH" # zig (python -m ziglang), maturin
# Each build names its target; the Makefile's host default must not override it.
unset CARGO_BUILD_TARGET
PROFILE=${DIST_PROFILE:-dist}
LINUX_TARGETS="x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl"
NODE_TARGETS=${NODE_TARGETS:-$LINUX_TARGETS}
PYTHON_TARGETS=${PYTHON_TARGETS:-$LINUX_TARGETS}
# A cdylib for musl must link the C library dynamically (Rust's musl targets default to static).
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static"
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static"

# cargo's output folder of a profile (`dev` builds into debug/).
profile_dir() { if [ "$PROFILE" = dev ]; then echo debug; else echo "$PROFILE"; fi; }

rm -rf dist
mkdir -p dist/npm dist/python
started=$SECONDS

# npm: the main package first (its prepack hook builds the browser build and checks the committed loader and types).
(cd node && npm pack --silent --pack-destination "$ROOT/dist/npm" >/dev/null)
# The zig builds in a target folder of their own: zig's C compiler for the x86_64 host triple would otherwise rebuild
# the C crates (and everything above them) in the folder the host builds share, and back again after them.
export CARGO_TARGET_DIR=$ROOT/target/dist
for target in $NODE_TARGETS; do
  platform=$(cd node && node -p "require('@napi-rs/cli').parseTriple('$target').platformArchABI")
  zig_target=$target
  case $target in *-gnu) zig_target=$target.2.17 ;; esac
  echo "dist: addon $target ($platform)"
  cargo zigbuild --quiet --profile "$PROFILE" -p meetergo-node --target "$zig_target"
  cp "$CARGO_TARGET_DIR/$target/$(profile_dir)/libmeetergo_node.so" "node/npm/$platform/meetergo.$platform.node"
  (cd node && npm pack --silent --pack-destination "$ROOT/dist/npm" "./npm/$platform" >/dev/null)
done

# Python: abi3 wheels, and the sdist.
for target in $PYTHON_TARGETS; do
  case $target in
    *-musl) compatibility=musllinux_1_2 ;;
    *) compatibility=manylinux2014 ;;
  esac
  echo "dist: wheel $target ($compatibility)"
  (cd python && env -u PYO3_PYTHON maturin build --quiet --profile "$PROFILE" --zig --target "$target" \
    --compatibility "$compatibility" --out "$ROOT/dist/python")
done
if [ "${DIST_SDIST:-1}" != 0 ]; then
  (cd python && maturin sdist --out "$ROOT/dist/python" >/dev/null)
fi

echo "dist: built in $((SECONDS - started)) s (profile $PROFILE)"
ls -l dist/npm dist/python | awk 'NF > 5 { printf "  %10d  %s\n", $5, $NF }'
