#!/usr/bin/env bash
# Durable deliveries acknowledged per second, and ack latency, on loopback with wrk (Debian's): every receiver stores
# each delivery (synchronous=FULL, or Redis with appendfsync always) before its 200. Every request is a distinct
# booking_created delivery (benches/inbox.lua), so every one is stored.
#
#   meetergo listen --store sqlite:… / redis://…          the CLI (Rust)
#   FastAPI + meetergo.Inbox      / FastAPI + sqlite3      benches/inbox_fastapi.py (uvicorn[standard]: uvloop and
#                                                          httptools, as deployed), release wheel
#   Express + meetergo Inbox      / Express + better-sqlite3  benches/inbox_express.js, release addon
#   Python ThreadingHTTPServer + sqlite3                   benches/inbox_baseline.py
#
# Two runs per receiver: saturated (wrk -c$connections, as fast as it answers), then 1,000 deliveries/s offered
# open-loop for the p99 at that rate (crates/meetergo-cli/examples/paced_load.rs: one POST every millisecond whatever
# the answers' latency; wrk's connections would wait for each answer and lower the rate instead).
# Usage: scripts/bench-inbox.sh [duration, default 10s] [connections, default 32] [only receivers whose name has this]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
connections=${2:-32}
only=${3:-}
for tool in wrk redis-server sqlite3 npm; do
  command -v "$tool" >/dev/null || { echo "bench-inbox: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
bin=$(cargo build --quiet --release -p meetergo-cli --bin meetergo --message-format=json |
  sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
paced=$(cargo build --quiet --release -p meetergo-cli --example paced_load --message-format=json |
  sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
# The SDK as users install it: a release wheel in a venv of its own, the release addon.
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.16,<2" fastapi "uvicorn[standard]"
rm -rf target/bench-wheels
(cd python && env -u PYO3_PYTHON "../$venv/bin/maturin" build --quiet --release -o ../target/bench-wheels)
"$venv/bin/pip" install --quiet --force-reinstall --no-deps target/bench-wheels/*.whl
(cd node && npm run --silent build:release >/dev/null)
(cd benches/node-baseline && npm install --silent --no-audit --no-fund >/dev/null)

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() { # log file -> URL
  for _ in $(seq 200); do grep -q 'listening on' "$1" && break; sleep 0.1; done
  grep -o 'http://127.0.0.1:[0-9]*' "$1" | head -1
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly yes --appendfsync always \
  --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
sleep 0.5

# measure NAME LOG COMMAND...: starts the receiver, runs wrk saturated and paced, stops it.
measure() {
  local name=$1 log=$2
  shift 2
  case "$name" in *"$only"*) ;; *) return 0 ;; esac
  "$@" >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local url
  url=$(wait_for "$log")
  [ -n "$url" ] || { echo "bench-inbox: $name did not start:" >&2; cat "$log" >&2; exit 1; }
  # Some servers say where they will listen before they do.
  local port=${url##*:}
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  echo "== $name ($url): saturated, wrk -t2 -c$connections -d$duration"
  wrk -t2 -c"$connections" -d"$duration" --latency -s benches/inbox.lua "$url/hooks" |
    grep -E 'Requests/sec|^ +(50|99)%|Non-2xx|Socket errors'
  echo "== $name: 1,000 deliveries/s offered for ${duration%s} s (paced_load)"
  "$paced" "$url/hooks" 1000 "${duration%s}"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

measure "meetergo listen --store sqlite" "$work/listen-sqlite.log" \
  "$bin" listen --port 0 --store "sqlite:$work/listen.db"
[ ! -f "$work/listen.db" ] || echo "stored: $(sqlite3 "$work/listen.db" 'SELECT COUNT(*) FROM deliveries') deliveries"
measure "meetergo listen --store redis" "$work/listen-redis.log" \
  "$bin" listen --port 0 --store "redis://127.0.0.1:$redis_port/0?prefix=listen"
measure "FastAPI + meetergo.Inbox (sqlite)" "$work/fastapi-inbox.log" \
  "$venv/bin/python" benches/inbox_fastapi.py inbox "sqlite:$work/fastapi-inbox.db" "$(free_port)"
measure "FastAPI + meetergo.Inbox.receive in asyncio.to_thread (sqlite)" "$work/fastapi-thread.log" \
  "$venv/bin/python" benches/inbox_fastapi.py inbox-to-thread "sqlite:$work/fastapi-thread.db" "$(free_port)"
measure "FastAPI + sqlite3 INSERT OR IGNORE (hand-written)" "$work/fastapi-sqlite3.log" \
  "$venv/bin/python" benches/inbox_fastapi.py sqlite3 "$work/fastapi-sqlite3.db" "$(free_port)"
measure "Express + meetergo Inbox (sqlite)" "$work/express-inbox.log" \
  node benches/inbox_express.js inbox "sqlite:$work/express-inbox.db" "$(free_port)"
measure "Express + better-sqlite3 INSERT OR IGNORE (hand-written)" "$work/express-better.log" \
  node benches/inbox_express.js better-sqlite3 "$work/express-better.db" "$(free_port)"
measure "Python ThreadingHTTPServer + sqlite3 INSERT OR IGNORE (hand-written)" "$work/baseline.log" \
  python3 benches/inbox_baseline.py "$work/baseline.db"
[ ! -f "$work/baseline.db" ] || echo "stored: $(sqlite3 "$work/baseline.db" 'SELECT COUNT(*) FROM deliveries') deliveries"
