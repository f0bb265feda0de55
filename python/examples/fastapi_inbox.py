"""A meetergo receiver with FastAPI and a durable inbox: nothing acknowledged is ever lost, nothing done twice.

The route stores each delivery (SQLite here; ``redis://…`` when several receivers share the work) before it answers
200 — 503 when it cannot store, so meetergo's log shows the failure — and an asyncio worker runs ``handle`` once per
event, retrying failures with backoff. A restart between a delivery and its handling loses nothing.

    MEETERGO_INBOX=sqlite:inbox.db uvicorn examples.fastapi_inbox:app --port 3000
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable
from typing import Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

import meetergo

log = logging.getLogger("receiver")


def create_app(store: str, handle: Callable[[meetergo.Claim], Awaitable[None]]) -> FastAPI:
    """The app: a route that stores deliveries in the inbox at ``store``, and a worker running ``handle``."""
    inbox = meetergo.Inbox(store)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        worker = asyncio.create_task(inbox.run_async(handle, concurrency=2, poll_interval=0.2, stop=stop))
        yield
        stop.set()
        await worker

    app = FastAPI(lifespan=lifespan)

    @app.post("/webhooks/meetergo")
    async def receive(request: Request) -> Response:
        body = await request.body()  # the raw bytes: the inbox keeps them as received
        # The store waits for the disk (or Redis): on the SDK's own threads, never on the event loop.
        status, answer = await inbox.areceive(body, request.headers)
        return JSONResponse(answer, status_code=status)

    app.state.inbox = inbox
    return app


async def _print(claim: meetergo.Claim) -> None:
    event = claim.event()
    # Key your own side effects by claim.key: a handler may run again after a failure or a lost lease.
    print(claim.attempt, event.webhook_type, claim.key)


app = create_app(os.environ.get("MEETERGO_INBOX", "sqlite:inbox.db"), _print)
