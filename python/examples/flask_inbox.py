"""A meetergo receiver with Flask and a durable inbox: nothing acknowledged is ever lost, nothing done twice.

The view stores each delivery (SQLite here; ``redis://…`` when several receivers share the work) before it answers
200 — 503 when it cannot store, so meetergo's log shows the failure — and worker threads run ``handle`` once per
event, retrying failures with backoff. Run the workers in the web process (below) or in a process of their own on
the same store.

    MEETERGO_INBOX=sqlite:inbox.db python examples/flask_inbox.py     # Flask's server on port 3000
"""

from __future__ import annotations

import os
from typing import Callable

from flask import Flask, Response, jsonify, request

import meetergo


def create_app(store: str, handle: Callable[[meetergo.Claim], None]) -> tuple[Flask, meetergo.InboxWorker]:
    """The app (a view storing deliveries in the inbox at ``store``) and its worker threads running ``handle``."""
    inbox = meetergo.Inbox(store)
    app = Flask(__name__)

    @app.post("/webhooks/meetergo")
    def receive() -> tuple[Response, int]:
        # The raw bytes (not request.json): the inbox keeps them as received.
        status, answer = inbox.receive(request.get_data(), request.headers)
        return jsonify(answer), status

    worker = inbox.worker(handle, threads=2, poll_interval=0.2)
    return app, worker


def _print(claim: meetergo.Claim) -> None:
    # Key your own side effects by claim.key: a handler may run again after a failure or a lost lease.
    print(claim.attempt, claim.event().webhook_type, claim.key)


if __name__ == "__main__":  # pragma: no cover - manual run
    app, _worker = create_app(os.environ.get("MEETERGO_INBOX", "sqlite:inbox.db"), _print)
    app.run(port=3000)
