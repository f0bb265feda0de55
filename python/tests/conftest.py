"""A meetergo stand-in for the client tests: the `meetergo mock` binary of this repository, on a free port."""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
from collections.abc import Iterator

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
    process = subprocess.Popen(
        [str(_binary()), "mock", "--port", "0", "--no-rate-limit", "--delivery-timeout", "2"],
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
