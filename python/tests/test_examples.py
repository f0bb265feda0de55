"""The receiver example through a real HTTP server: the seed's curl delivery, twice."""

from __future__ import annotations

import importlib.util
import pathlib
import threading
import urllib.request
from typing import Any

from werkzeug.serving import make_server

import meetergo

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "flask_receiver.py"
SEED = b"""{
    "webhookType": "booking_created",
    "id": "test-appt-123",
    "start": "2024-01-15T09:00:00+01:00",
    "end": "2024-01-15T09:30:00+01:00",
    "attendees": [{"email": "test@example.com", "firstname": "Test", "lastname": "User"}],
    "hosts": [{"email": "host@example.com", "givenName": "Host", "familyName": "User"}],
    "meetingType": {"id": "mt-123", "meetingInfo": {"name": "Test Meeting"}}
}"""


def load_example() -> Any:
    spec = importlib.util.spec_from_file_location("flask_receiver", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def post(url: str, body: bytes) -> int:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_seed_delivery_twice_is_processed_once() -> None:
    processed: list[str] = []
    app, work = load_example().create_app(lambda event: processed.append(event.idempotency_key))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/webhooks/meetergo"
    try:
        assert post(url, SEED) == 200
        assert post(url, SEED) == 200, "the duplicate is acknowledged too"
        assert post(url, b"{not json") == 400
        work.join()
        assert processed == [meetergo.parse_event(SEED).idempotency_key]
    finally:
        server.shutdown()
