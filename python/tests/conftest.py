"""A meetergo stand-in for the client tests: the `meetergo mock` binary of this repository, on a free port."""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
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
