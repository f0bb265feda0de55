"""`webhooks.list()` calls per second against the local stand-in: meetergo's `Client` and `AsyncClient` next to
requests and httpx making the same call (GET /webhooks with the same token, JSON decoded). Prints a table.

    .venv/bin/pip install requests httpx          # the contenders (not needed by the package)
    .venv/bin/python python/benches/client.py [seconds per contender, default 3]

The stand-in runs with its rate limit off and holds six webhooks; it shares the machine's cores with the client.
Contenders that are not installed are skipped.
"""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import re
import subprocess
import sys
import time
from typing import Any, Callable

import meetergo

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOKEN = "rgo-bench-token"
CONCURRENCY = 32


def release_binary() -> str:
    # Where cargo puts it depends on CARGO_BUILD_TARGET: ask cargo.
    out = subprocess.run(
        [
            "cargo",
            "build",
            "--quiet",
            "--release",
            "-p",
            "meetergo-cli",
            "--bin",
            "meetergo",
            "--message-format=json",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("executable"):
            return str(message["executable"])
    raise RuntimeError("cargo did not report the meetergo binary")


def start_stand_in() -> tuple[subprocess.Popen[str], str]:
    binary = os.environ.get("MEETERGO_BIN") or release_binary()
    process = subprocess.Popen(
        [binary, "mock", "--port", "0", "--no-rate-limit"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    found = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
    assert found, "the stand-in did not start"
    return process, found.group(0)


def rate(call: Callable[[], Any], seconds: float) -> float:
    call()  # connect, warm up
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for _ in range(20):
            call()
        done += 20
    return done / (time.perf_counter() - started)


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    process, url = start_stand_in()
    try:
        client = meetergo.Client(api_key=TOKEN, base_url=url)
        for i in range(meetergo.MAX_WEBHOOKS_PER_COMPANY):
            client.webhooks.create(endpoint=f"https://example.com/hooks/{i}", event_types=["booking_created"])
        headers = {"Authorization": f"Bearer {TOKEN}"}
        results: dict[str, float] = {}

        results["meetergo.Client"] = rate(client.webhooks.list, seconds)
        try:
            import requests

            session = requests.Session()

            def with_requests() -> Any:
                answer = session.get(f"{url}/webhooks", headers=headers, timeout=30)
                answer.raise_for_status()
                return answer.json()

            results["requests.Session"] = rate(with_requests, seconds)
        except ImportError:
            pass
        try:
            import httpx

            hx = httpx.Client(base_url=url, headers=headers)

            def with_httpx() -> Any:
                answer = hx.get("/webhooks")
                answer.raise_for_status()
                return answer.json()

            results["httpx.Client"] = rate(with_httpx, seconds)
        except ImportError:
            pass

        aclient = meetergo.AsyncClient(api_key=TOKEN, base_url=url)
        results[f"meetergo.AsyncClient ({CONCURRENCY} in flight)"] = asyncio.run(
            _timed(aclient.webhooks.list, seconds)
        )
        try:
            import httpx

            async def run_httpx() -> float:
                async with httpx.AsyncClient(
                    base_url=url, headers=headers, limits=httpx.Limits(max_connections=CONCURRENCY)
                ) as ahx:

                    async def call() -> Any:
                        answer = await ahx.get("/webhooks")
                        answer.raise_for_status()
                        return answer.json()

                    return await _timed(call, seconds)

            results[f"httpx.AsyncClient ({CONCURRENCY} in flight)"] = asyncio.run(run_httpx())
        except ImportError:
            pass

        ours = results["meetergo.Client"]
        print(f"webhooks.list() against the stand-in ({url}, six webhooks), {seconds:.0f} s per contender")
        for label, per_second in results.items():
            print(f"  {label:<40} {per_second:9.0f} calls/s   {per_second / ours:5.2f}x meetergo.Client")
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _timed(call: Callable[[], Any], seconds: float) -> float:
    await call()
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        await asyncio.gather(*(call() for _ in range(CONCURRENCY)))
        done += CONCURRENCY
    return done / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
