"""The durable receiver a user would write by hand, for scripts/bench-inbox.sh: Python's threading HTTP server, the
body's `id` as the key, sqlite3 `INSERT OR IGNORE` with WAL and synchronous=FULL, committed before the 200."""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB = sys.argv[1]
local = threading.local()


def connection() -> sqlite3.Connection:
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(DB, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        local.conn = conn
    return conn


with sqlite3.connect(DB) as setup:
    setup.execute("CREATE TABLE IF NOT EXISTS deliveries (key TEXT PRIMARY KEY, body BLOB NOT NULL)")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            event = json.loads(body)
            key = f"{event['webhookType']}:{event['id']}:{event.get('updatedAt')}"
        except (ValueError, KeyError, TypeError):
            self.send_response(400)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        conn = connection()
        with conn:
            conn.execute("INSERT OR IGNORE INTO deliveries (key, body) VALUES (?, ?)", (key, body))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")

    def log_message(self, format: str, *args: object) -> None:
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
