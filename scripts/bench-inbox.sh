#!/usr/bin/env bash
# Durable deliveries acknowledged per second, and ack latency, on loopback with wrk: `meetergo listen --store
# sqlite:...` (the inbox: parse, key, store with synchronous=FULL before the 200) against the receiver a user would
# otherwise write (benches/inbox_baseline.py: Python's threading HTTP server + sqlite3 `INSERT OR IGNORE`, WAL,
# synchronous=FULL, the body's `id` as the key). Every request is a distinct booking_created delivery
# (benches/inbox.lua), so every one is stored.
# Usage: scripts/bench-inbox.sh [duration, default 10s] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
connections=${2:-32}
command -v wrk >/dev/null || { echo "bench-inbox: wrk is missing (apt-get install wrk)" >&2; exit 1; }
bin=$(cargo build --quiet --release -p meetergo-cli --bin meetergo --message-format=json |
  sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT

wait_for() { # log file -> URL
  for _ in $(seq 100); do grep -q 'listening on' "$1" && break; sleep 0.1; done
  grep -o 'http://127.0.0.1:[0-9]*' "$1" | head -1
}
count() { sqlite3 "$1" "SELECT COUNT(*) FROM $2"; }

"$bin" listen --port 0 --store "sqlite:$work/meetergo.db" >"$work/meetergo.log" 2>&1 &
pids+=($!)
url=$(wait_for "$work/meetergo.log")
echo "== meetergo listen --store sqlite: ($url), wrk -t2 -c$connections -d$duration"
wrk -t2 -c"$connections" -d"$duration" --latency -s benches/inbox.lua "$url/hooks"
echo "stored: $(count "$work/meetergo.db" deliveries) deliveries"

python3 benches/inbox_baseline.py "$work/baseline.db" >"$work/baseline.log" 2>&1 &
pids+=($!)
url=$(wait_for "$work/baseline.log")
echo "== hand-written baseline: Python ThreadingHTTPServer + sqlite3 INSERT OR IGNORE ($url)"
wrk -t2 -c"$connections" -d"$duration" --latency -s benches/inbox.lua "$url/hooks"
echo "stored: $(count "$work/baseline.db" deliveries) deliveries"
