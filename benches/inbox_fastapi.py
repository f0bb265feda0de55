"""FastAPI receivers for scripts/bench-inbox.sh, served by uvicorn on 127.0.0.1:PORT.

    python benches/inbox_fastapi.py inbox STORE PORT     # await meetergo.Inbox.areceive (the SDK)
    python benches/inbox_fastapi.py inbox-to-thread STORE PORT   # Inbox.receive in asyncio.to_thread
    python benches/inbox_fastapi.py sqlite3 DB PORT      # what a user writes by hand: json.loads, the body's id as
                                                         # the key, sqlite3 INSERT OR IGNORE (WAL, synchronous=FULL)

Both store before the 200, off the event loop (a thread), one connection per thread for sqlite3.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import threading

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

mode, store, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
app = FastAPI()

if mode in ("inbox", "inbox-to-thread"):
    import meetergo

    inbox = meetergo.Inbox(store)

    if mode == "inbox":

        @app.post("/hooks")
        async def receive(request: Request) -> Response:
            status, answer = await inbox.areceive(await request.body(), request.headers)
            return JSONResponse(answer, status_code=status)

    else:  # the blocking call in Python's thread pool, for comparison

        @app.post("/hooks")
        async def receive_in_thread(request: Request) -> Response:
            status, answer = await asyncio.to_thread(inbox.receive, await request.body(), request.headers)
            return JSONResponse(answer, status_code=status)

else:
    local = threading.local()
    with sqlite3.connect(store) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE IF NOT EXISTS deliveries (key TEXT PRIMARY KEY, body BLOB NOT NULL)")

    def insert(key: str, body: bytes) -> None:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(store, timeout=30)
            conn.execute("PRAGMA synchronous=FULL")
            local.conn = conn
        with conn:
            conn.execute("INSERT OR IGNORE INTO deliveries (key, body) VALUES (?, ?)", (key, body))

    @app.post("/hooks")
    async def receive(request: Request) -> Response:
        body = await request.body()
        try:
            event = json.loads(body)
            key = f"{event['webhookType']}:{event['id']}:{event.get('updatedAt')}"
        except (ValueError, KeyError, TypeError):
            return Response(status_code=400)
        await asyncio.to_thread(insert, key, body)
        return Response(b"OK")


print(f"listening on http://127.0.0.1:{port}", flush=True)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
