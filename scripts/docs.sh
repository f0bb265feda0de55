#!/usr/bin/env bash
# `make docs`: the API reference of each language into target/docs/, and the checks of the written docs.
#
#   target/docs/rust/     rustdoc of meetergo-core (every feature), warnings as errors (broken intra-doc links too)
#   target/docs/python/   pdoc of the installed `meetergo` package (built by `make python`)
#   target/docs/node/     TypeDoc of the npm package's typings (index.d.ts, meetergo/web)
#   target/docs/index.html
#
# Then every relative link in the Markdown files (README, docs/, guides, package READMEs) must name a file that
# exists, with the anchor of a heading where it gives one; and the guides' code blocks run against the stand-in
# (scripts/check-guides.py). The receivers the guides point to are the examples, which the tests run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/docs
rm -rf "$OUT" && mkdir -p "$OUT"

echo "docs: rustdoc"
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps -p meetergo-core --features "http inbox redis axum"
cp -r "target/${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}doc" "$OUT/rust"

echo "docs: pdoc"
(cd /tmp && "$ROOT/.venv/bin/python" -m pdoc --docformat markdown --no-show-source -o "$OUT/python" meetergo)

echo "docs: TypeDoc"
(cd node && npx typedoc --logLevel Warn --treatWarningsAsErrors --disableSources --tsconfig test/tsconfig.json \
  --name meetergo --readme README.md --out "$OUT/node" index.d.ts web/index.d.ts)

cat >"$OUT/index.html" <<'EOF'
<!doctype html>
<meta charset="utf-8">
<title>meetergo SDK: API reference</title>
<h1>meetergo SDK: API reference</h1>
<ul>
  <li><a href="rust/meetergo_core/index.html">Rust: meetergo-core</a></li>
  <li><a href="python/meetergo.html">Python: meetergo</a></li>
  <li><a href="node/index.html">Node and browsers: meetergo, meetergo/web</a></li>
</ul>
EOF

echo "docs: links"
"$ROOT/.venv/bin/python" scripts/check-links.py README.md SECURITY.md CHANGELOG.md docs python/README.md node/README.md \
  tests/fixtures/README.md

echo "docs: the guides' code"
cargo build --quiet -p meetergo-cli --bin meetergo
"$ROOT/.venv/bin/python" scripts/check-guides.py "target/${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}debug/meetergo"

for page in rust/meetergo_core/index.html python/meetergo.html node/index.html; do
  [ -s "$OUT/$page" ] || { echo "docs: $page was not written" >&2; exit 1; }
done
echo "docs: ok, open target/docs/index.html"
