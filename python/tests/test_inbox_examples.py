"""The inbox receivers of `examples/` (FastAPI, Flask) through real HTTP servers, delivered to by `meetergo trigger`:
each event handled once although delivered twice, and a receiver restarted on the same store handles nothing again."""

from __future__ import annotations

import importlib.util
import pathlib
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from werkzeug.serving import make_server

import meetergo

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"
DELIVERIES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "deliveries"


def load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def trigger(binary: pathlib.Path, url: str, fixture: str, repeat: int = 2) -> None:
    """`meetergo trigger --body-file FIXTURE --to URL --repeat N`: the same delivery N times; every answer 2xx."""
    subprocess.run(
        [
            str(binary),
            "trigger",
            "--body-file",
            str(DELIVERIES / fixture),
            "--to",
            url,
            "--repeat",
            str(repeat),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'inbox.db'}"
    redis_url: str = request.getfixturevalue("redis_url")
    return f"{redis_url}/0?prefix=examples:{time.time_ns()}"


EVENTS = ["booking_created_full.json", "booking_cancelled.json", "form_submission.json"]


def test_flask_receiver_handles_each_event_once_across_a_restart(
    store: str, meetergo_bin: pathlib.Path
) -> None:
    module = load("flask_inbox")
    handled: Counter[str] = Counter()
    lock = threading.Lock()

    def handle(claim: meetergo.Claim) -> None:
        claim.event()
        with lock:
            handled[claim.key] += 1

    for run in range(2):
        app, worker = module.create_app(store, handle)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/webhooks/meetergo"
        try:
            for fixture in EVENTS:
                trigger(meetergo_bin, url, fixture)
            if run == 0:
                wait_for(lambda: len(handled) == len(EVENTS))
            else:
                time.sleep(
                    0.3
                )  # long enough for a worker to pick up anything that was (wrongly) stored again
        finally:
            server.shutdown()
            worker.stop()
    assert len(handled) == len(EVENTS) and set(handled.values()) == {1}, handled
    counts = meetergo.Inbox(store).counts()
    assert (counts["done"], counts["duplicates"]) == (3, 9)


class _Uvicorn(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # in a thread: leave the test runner's signals alone
        pass


@pytest.fixture
def serve_asgi() -> Iterator[Callable[[Any], str]]:
    servers: list[tuple[_Uvicorn, threading.Thread]] = []

    def serve(app: Any) -> str:
        server = _Uvicorn(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        wait_for(lambda: server.started)
        servers.append((server, thread))
        port = server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/webhooks/meetergo"

    yield serve
    for server, thread in servers:
        server.should_exit = True
        thread.join(10)


def test_fastapi_receiver_handles_each_event_once_and_refuses_what_it_cannot_store(
    store: str,
    meetergo_bin: pathlib.Path,
    serve_asgi: Callable[[Any], str],
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The module's own `app` (for `uvicorn examples.fastapi_inbox:app`) opens MEETERGO_INBOX when imported: keep it in
    # the test's directory, not the working directory.
    monkeypatch.setenv("MEETERGO_INBOX", f"sqlite:{tmp_path / 'module.db'}")
    module = load("fastapi_inbox")
    handled: Counter[str] = Counter()

    async def handle(claim: meetergo.Claim) -> None:
        handled[claim.key] += 1

    url = serve_asgi(module.create_app(store, handle))
    for fixture in EVENTS:
        trigger(meetergo_bin, url, fixture)
    wait_for(lambda: len(handled) == len(EVENTS))
    time.sleep(0.2)
    assert set(handled.values()) == {1}, handled
    # A body that does not parse is kept (200, quarantined); one over the limit is refused with 413.
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"{not json")
    subprocess.run(
        [str(meetergo_bin), "trigger", "--body-file", str(garbage), "--to", url], check=True, timeout=60
    )
    large = tmp_path / "large.json"
    large.write_bytes(b" " * (2 * 1024 * 1024))
    refused = subprocess.run(
        [str(meetergo_bin), "trigger", "--body-file", str(large), "--to", url],
        check=False,
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "413" in refused.stdout + refused.stderr
    assert meetergo.Inbox(store).counts()["quarantined"] == 1
