"""A meetergo stand-in for the client tests: the `meetergo mock` binary of this repository, on a free port."""

from __future__ import annotations

import json
import os
import pathlib
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _binary() -> pathlib.Path:
    configured = os.environ.get("MEETERGO_BIN")
    if configured:
        return pathlib.Path(configured)
    # Ask cargo where it put the binary (the target directory depends on CARGO_BUILD_TARGET).
    out = subprocess.run(
        ["cargo", "build", "--quiet", "-p", "meetergo-cli", "--bin", "meetergo", "--message-format=json"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable"):
            return pathlib.Path(message["executable"])
    raise RuntimeError("cargo did not report the meetergo binary")


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    yield from _stand_in()


@pytest.fixture(scope="session")
def numeric_mock_url() -> Iterator[str]:
    """A stand-in that answers webhook ids as JSON integers, as meetergo's live API does."""
    yield from _stand_in("--numeric-ids")


@pytest.fixture
def fresh_mock_url() -> Iterator[str]:
    """A stand-in of the test's own (for flows that change every webhook, like sync)."""
    yield from _stand_in()


@pytest.fixture(params=["string-ids", "numeric-ids"])
def any_mock_url(request: pytest.FixtureRequest) -> str:
    """Each stand-in in turn: ids as meetergo documents them (UUID strings), and as its live API sends them."""
    name = "mock_url" if request.param == "string-ids" else "numeric_mock_url"
    url: str = request.getfixturevalue(name)
    return url


def _stand_in(*flags: str) -> Iterator[str]:
    process = subprocess.Popen(
        [str(_binary()), "mock", "--port", "0", "--no-rate-limit", "--delivery-timeout", "2", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert found, f"the stand-in did not start: {first!r}"
        yield found.group(0)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _inject(url: str, fault: dict[str, Any]) -> None:
    request = urllib.request.Request(
        f"{url}/_mock/faults",
        data=json.dumps(fault).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 201


@pytest.fixture
def inject() -> Callable[[str, dict[str, Any]], None]:
    """``inject(url, fault)``: the stand-in's next requests fail as ``fault`` says (``POST /_mock/faults``)."""
    return _inject


@pytest.fixture(scope="session")
def meetergo_bin() -> pathlib.Path:
    """The `meetergo` CLI of this repository (to deliver with `meetergo trigger`)."""
    return _binary()


class RedisServer:
    """A real `redis-server` (Debian's, installed by scripts/setup.sh) on a free port, persisting like production."""

    def __init__(self, directory: pathlib.Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(7) == b"+PONG\r\n":
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port} (scripts/setup.sh installs it)")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis for the session's tests; each test takes its own `prefix`."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_server(tmp_path: pathlib.Path) -> Iterator[RedisServer]:
    """A Redis of the test's own, which it may stop and start again."""
    server = RedisServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()
