#!/usr/bin/env bash
# Runs every cargo-fuzz target for a set time each and prints one line per target: executions, coverage, corpus size,
# and whether it found anything (a crash or a timeout leaves a file in fuzz/artifacts/<target>/).
#
#     scripts/fuzz.sh [SECONDS_EACH [TARGET...]]   (default 600, every target; `make fuzz`; CI: `make fuzz-smoke`)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`, done by scripts/setup.sh). Works on the stable toolchain
# (no sanitizer: `-s none`); the fuzz crate is a workspace of its own with its own target/ under fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
targets=(parse_event endpoint error_body listen_request)
if [ $# -gt 1 ]; then
  targets=("${@:2}")
fi
python3 scripts/fuzz-seeds.py
cd fuzz
env -u CARGO_BUILD_TARGET cargo fuzz build -s none --release >/dev/null
printf '| target | seconds | executions | exec/s | coverage (edges) | features | corpus | findings |\n|---|---|---|---|---|---|---|---|\n'
status=0
for target in "${targets[@]}"; do
  log=$(mktemp)
  mkdir -p "artifacts/$target"
  before=$(ls "artifacts/$target" | wc -l)
  if ! env -u CARGO_BUILD_TARGET cargo fuzz run -s none --release "$target" "corpus/$target" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 \
      -artifact_prefix="artifacts/$target/" >"$log" 2>&1; then
    status=1
  fi
  after=$(ls "artifacts/$target" | wc -l)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo ?)
  ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo ?)
  corp=$(grep -o 'corp: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo ?)
  found=$((after - before))
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$target" "$seconds" "$runs" "$rate" "$cov" "$ft" "$corp" \
    "$([ "$found" -eq 0 ] && echo none || echo "$found: see fuzz/artifacts/$target/")"
  if [ "$found" -ne 0 ]; then
    status=1
    grep -E 'panicked|ERROR|SUMMARY' "$log" | head -5 >&2 || true
  fi
  rm -f "$log"
done
exit $status
