"""A meetergo webhook receiver with Flask: answer 200 at once, skip duplicates, process in the background.

meetergo delivers at least once and never retries a failed delivery, so the endpoint acknowledges before any work,
de-duplicates by idempotency key, and hands each new event to a worker thread.

    FLASK_APP=examples/flask_receiver.py flask run --port 3000
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Callable

from flask import Flask, Response, request

import meetergo

log = logging.getLogger("receiver")


def create_app(
    process: Callable[[meetergo.Event], None],
) -> tuple[Flask, queue.Queue[meetergo.Event]]:
    """The Flask app and its work queue; `process` runs on a background thread for every new event."""
    app = Flask(__name__)
    seen = meetergo.Deduplicator(ttl_seconds=24 * 3600, max_entries=100_000)
    work: queue.Queue[meetergo.Event] = queue.Queue()

    def worker() -> None:
        while True:
            event = work.get()
            try:
                process(event)
            except Exception:  # a failed event must not stop the worker
                log.exception("processing %s failed", event.idempotency_key)
                seen.forget(event.idempotency_key)  # let a redelivery try again
            finally:
                work.task_done()

    threading.Thread(target=worker, daemon=True).start()

    @app.post("/webhooks/meetergo")
    def receive() -> Response:
        try:
            event = meetergo.parse_event(request.get_data())
        except meetergo.PayloadError as error:
            log.warning("unreadable delivery: %s", error)  # never logs the body: it holds the booking secret
            return Response(status=400)
        if seen.first_seen(event.idempotency_key):
            work.put(event)
        else:
            log.info("duplicate delivery skipped: %s", event.idempotency_key)
        return Response(status=200)

    return app, work


if __name__ == "__main__":  # pragma: no cover - manual run
    app, _ = create_app(lambda event: print(event.webhook_type, event.event_id))
    app.run(port=3000)
