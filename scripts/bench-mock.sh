#!/usr/bin/env bash
# Requests per second of the stand-in's `GET /webhooks` (six webhooks registered), measured with wrk on loopback.
# Usage: scripts/bench-mock.sh [duration, default 10s] [connections, default 50]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
connections=${2:-50}
command -v wrk >/dev/null || { echo "bench-mock: wrk is missing (apt-get install wrk)" >&2; exit 1; }
# Where cargo puts the binary depends on CARGO_BUILD_TARGET: ask it.
bin=$(cargo build --quiet --release -p meetergo-cli --bin meetergo --message-format=json |
  sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
log=$(mktemp)
"$bin" mock --port 0 --no-rate-limit >"$log" 2>&1 &
mock=$!
trap 'kill $mock 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do grep -q 'listening on' "$log" && break; sleep 0.1; done
base=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1)
[ -n "$base" ] || { echo "bench-mock: the mock did not start:" >&2; cat "$log" >&2; exit 1; }
token=rgo-bench-token
for i in 1 2 3 4 5 6; do
  curl -fsS -o /dev/null -X POST "$base/webhooks" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"endpoint\":\"https://example.com/hooks/$i\",\"description\":\"bench $i\",\"eventTypes\":[\"booking_created\",\"booking_cancelled\"]}"
done
echo "wrk -t2 -c$connections -d$duration GET $base/webhooks (6 webhooks, rate limit off):"
wrk -t2 -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" "$base/webhooks"
