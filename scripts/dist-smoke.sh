#!/usr/bin/env bash
# Installs every package in dist/ (scripts/dist.sh) that can run on this machine into a fresh project or venv, from
# outside the repository, and runs the smoke test there against the local stand-in (`meetergo mock`):
#   node/scripts/check-installed.mjs     CJS, ESM, meetergo/web, a delivery, the inbox, the client
#   python/tests/install/check_installed.py   the same for the wheel
# x86_64 natively; aarch64 under qemu-user-static with Node's and Debian's arm64 builds (scripts/setup.sh dist). musl
# packages need a musl Node or Python, which this machine does not have: they are listed as not run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
ROOT=$PWD
HOST=$(rustc -vV | sed -n 's/^host: //p')
SYSROOT=$ROOT/target/qemu/arm64-root
ARM64_NODE=$ROOT/target/qemu/node-arm64/bin/node
work=$(mktemp -d)
mock_pid=
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ls dist/npm/*.tgz dist/python/*.whl >/dev/null 2>&1 || { echo "dist-smoke: dist/ is empty (make dist first)" >&2; exit 1; }

# The stand-in, on a free port.
CARGO_BUILD_TARGET=$HOST cargo build --quiet -p meetergo-cli --bin meetergo
"target/$HOST/debug/meetergo" mock --port 0 --no-rate-limit >"$work/mock.out" &
mock_pid=$!
for _ in $(seq 100); do grep -q 'http://127.0.0.1:' "$work/mock.out" 2>/dev/null && break; sleep 0.1; done
URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/mock.out" | head -1 || true)
[ -n "$URL" ] || { echo "dist-smoke: the stand-in did not start:" >&2; cat "$work/mock.out" >&2; exit 1; }

ran=()
skipped=()
arm64() { qemu-aarch64-static -L "$SYSROOT" "$@"; }

# npm: the main package with one platform package, into an empty project.
main=$(ls dist/npm/meetergo-[0-9]*.tgz)
for tarball in dist/npm/meetergo-meetergo-*.tgz; do
  platform=$(basename "$tarball" | sed -E 's/^meetergo-meetergo-(.*)-[0-9]+\.[0-9]+\.[0-9]+.*\.tgz$/\1/')
  case $platform in
    linux-x64-gnu) run=(node) ; flags=() ;;
    linux-arm64-gnu) run=(arm64 "$ARM64_NODE") ; flags=(--force) ;; # npm on x64 refuses an arm64 package otherwise
    *) skipped+=("npm $platform (no such Node here)"); continue ;;
  esac
  project=$work/npm-$platform
  mkdir -p "$project"
  echo '{"name":"consumer","version":"1.0.0","private":true}' >"$project/package.json"
  # The platform package first: npm takes it for the main package's optional dependency instead of fetching it.
  (cd "$project" && npm install --silent --no-audit --no-fund --offline "${flags[@]}" "$ROOT/$tarball" "$ROOT/$main")
  cp node/scripts/check-installed.mjs "$project/"
  echo "dist-smoke: npm $platform"
  (cd "$project" && "${run[@]}" check-installed.mjs "$ROOT" "$URL")
  ran+=("npm $platform")
done

# Python: what pip and PyPI read (tags, metadata, typing files), then each wheel into a fresh venv.
python3 scripts/check-wheels.py dist/python/*.whl $(ls dist/python/*.tar.gz 2>/dev/null || true)
for wheel in dist/python/*.whl; do
  name=$(basename "$wheel")
  venv=$work/venv-${name%.whl}
  case $name in
    *musllinux*) skipped+=("wheel $name (no musl Python here)"); continue ;;
    *manylinux*x86_64*)
      python3 -m venv "$venv"
      "$venv/bin/pip" install --quiet "$wheel"
      run=("$venv/bin/python")
      ;;
    *manylinux*aarch64*)
      arm64 "$SYSROOT/usr/bin/python3.11" -m venv --without-pip "$venv"
      # The host's pip installs the aarch64 wheel into the aarch64 venv.
      "$ROOT/.venv/bin/python" -m pip install --quiet --no-deps --only-binary=:all: \
        --platform manylinux2014_aarch64 --python-version 3.11 --implementation cp \
        --target "$venv/lib/python3.11/site-packages" "$wheel"
      run=(arm64 "$venv/bin/python")
      ;;
    *) skipped+=("wheel $name (not for this machine)"); continue ;;
  esac
  echo "dist-smoke: wheel $name"
  (cd "$work" && "${run[@]}" "$ROOT/python/tests/install/check_installed.py" "$ROOT" "$URL")
  ran+=("wheel $name")
done

# Rust: the crate as crates.io would receive it (every dependency from the registry, nothing unpublished), built from
# the packaged sources alone.
echo "dist-smoke: cargo package -p meetergo-core"
cargo package --quiet --allow-dirty -p meetergo-core
ran+=("cargo package meetergo-core")

echo "dist-smoke: ran ${#ran[@]}: ${ran[*]}"
[ ${#skipped[@]} -eq 0 ] || printf 'dist-smoke: not run here: %s\n' "${skipped[@]}"
[ ${#ran[@]} -gt 0 ] || { echo "dist-smoke: nothing ran" >&2; exit 1; }
