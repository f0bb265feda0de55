#!/usr/bin/env python3
"""Load and faults against `meetergo listen` and `meetergo mock`: does each server stay bounded and keep answering?

    scripts/load-fault.py [--bin PATH] [--connections 2000] [--hold 40] [--only listen|mock]

`make load` builds the release binary and runs this with the defaults; the figures go in docs/load.md. Each scenario
runs against a fresh server and prints one line: what the clients saw, the server's peak RSS (sampled every 100 ms
from /proc), and whether it still answered `GET /` within 2 s during and after the scenario.

Scenarios:
  slowloris       N connections each send half a request head, then one byte every 5 s, for --hold seconds
  idle            N connections open and send nothing, for --hold seconds
  stalled-output  (listen) its stdout is never read; 250 POSTs of 4 MiB
  oversized       50 POSTs of 5 MiB (over listen's 4 MiB and the stand-in's 1 MiB limit)
  malformed       2,000 requests of garbage: bad chunk sizes, bad heads, binary, huge header lines, early closes
  concurrent      N connections at once, each a keep-alive POST of a delivery, 5 times
  slow-body       N connections send a head announcing 1 MiB, then a byte a second

Only the standard library: it runs wherever the SDK's tests run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import pathlib
import re
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable

ROOT = pathlib.Path(__file__).resolve().parents[1]
DELIVERY = (ROOT / "tests" / "fixtures" / "deliveries" / "booking_created_full.json").read_bytes()


def rss_kib(pid: int) -> int:
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


class Server:
    """A `meetergo listen` or `meetergo mock` on a free port, with its RSS sampled in the background."""

    def __init__(self, binary: str, kind: str, read_output: bool = True) -> None:
        args = [binary, "listen", "--port", "0"] if kind == "listen" else [binary, "mock", "--port", "0"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEETERGO_")}
        env["NO_COLOR"] = "1"
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert self.proc.stdout is not None
        self.port = 0
        deadline = time.time() + 20
        while time.time() < deadline and not self.port:
            line = self.proc.stdout.readline().decode(errors="replace")
            found = re.search(r"http://127\.0\.0\.1:(\d+)", line)
            if found:
                self.port = int(found.group(1))
        if not self.port:
            raise SystemExit(f"{kind} did not say where it listens")
        self.peak = rss_kib(self.proc.pid)
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()
        if read_output:
            # Drain stdout and stderr so that the server is never blocked by its own output.
            for stream in (self.proc.stdout, self.proc.stderr):
                threading.Thread(
                    target=lambda s=stream: [None for _ in iter(lambda: s.read(65536), b"")], daemon=True
                ).start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kib(self.proc.pid))
            time.sleep(0.1)

    def rss(self) -> int:
        return rss_kib(self.proc.pid)

    def stop(self) -> None:
        self._stop.set()
        self.proc.kill()
        self.proc.wait()


async def alive(port: int, timeout: float = 2.0) -> bool:
    """`GET /` answered with a status line within `timeout` seconds."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout)
        writer.close()
        return line.startswith(b"HTTP/1.1 ")
    except (TimeoutError, OSError):
        return False


async def read_status(reader: asyncio.StreamReader, timeout: float) -> str:
    """The status code of the answer, `closed` or `timeout`."""
    try:
        line = await asyncio.wait_for(reader.readline(), timeout)
    except TimeoutError:
        return "timeout"
    except OSError:
        return "reset"
    if not line:
        return "closed"
    parts = line.split()
    return parts[1].decode() if len(parts) > 1 else "garbage"


async def post(port: int, body: bytes, path: str = "/webhooks/meetergo", timeout: float = 60) -> str:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return "refused"
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    try:
        writer.write(head.encode() + body)
        await writer.drain()
    except OSError:
        return "reset"
    status = await read_status(reader, timeout)
    writer.close()
    return status


async def slowloris(port: int, n: int, hold: float) -> Counter[str]:
    async def one() -> str:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return "refused"
        try:
            writer.write(b"POST /webhooks/meetergo HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            await writer.drain()
            started = time.time()
            while time.time() - started < hold:
                status = await read_status(reader, 5)
                if status != "timeout":
                    return f"cut off ({status})"
                writer.write(b"a")
                await writer.drain()
            return "still open"
        except OSError:
            return "cut off (reset)"
        finally:
            writer.close()

    return Counter(await asyncio.gather(*(one() for _ in range(n))))


async def idle(port: int, n: int, hold: float) -> Counter[str]:
    async def one() -> str:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return "refused"
        status = await read_status(reader, hold)
        writer.close()
        return "still open" if status == "timeout" else f"cut off ({status})"

    return Counter(await asyncio.gather(*(one() for _ in range(n))))


async def slow_body(port: int, n: int, hold: float) -> Counter[str]:
    async def one() -> str:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return "refused"
        try:
            writer.write(b"POST /webhooks/meetergo HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n{")
            await writer.drain()
            started = time.time()
            while time.time() - started < hold:
                status = await read_status(reader, 1)
                if status != "timeout":
                    return status
                writer.write(b" ")
                await writer.drain()
            return "still open"
        except OSError:
            return "reset"
        finally:
            writer.close()

    return Counter(await asyncio.gather(*(one() for _ in range(n))))


async def stalled_output(port: int) -> Counter[str]:
    # Fill the pipe first with small deliveries (their lines), then send large ones.
    seen: Counter[str] = Counter()
    for _ in range(3000):
        seen[await post(port, b"{}")] += 1
    big = b" " * (4 * 1024 * 1024)
    for _ in range(250):
        seen[await post(port, big)] += 1
    return seen


async def oversized(port: int) -> Counter[str]:
    big = b" " * (5 * 1024 * 1024)
    return Counter([await post(port, big) for _ in range(50)])


GARBAGE = [
    b"POST /h HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
    b"POST /h HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /h HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
    b"POST /h HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)),
    b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nX: " + b"b" * 200_000 + b"\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"\r\n\r\n\r\n",
    b"POST /h HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + b"1\r\na\r\n" * 5000 + b"0\r\n\r\n",
    b"POST /h HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{",
]


async def malformed(port: int) -> Counter[str]:
    async def one(i: int) -> str:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return "refused"
        try:
            writer.write(GARBAGE[i % len(GARBAGE)])
            await writer.drain()
            if i % 7 == 0:
                writer.close()
                return "closed by us"
            return await read_status(reader, 40)
        except OSError:
            return "reset"
        finally:
            writer.close()

    seen: Counter[str] = Counter()
    for start in range(0, 2000, 200):
        seen.update(await asyncio.gather(*(one(i) for i in range(start, start + 200))))
    return seen


async def concurrent(port: int, n: int) -> Counter[str]:
    async def one() -> list[str]:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return ["refused"]
        statuses = []
        try:
            for _ in range(5):
                writer.write(
                    b"POST /webhooks/meetergo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(DELIVERY)}\r\n\r\n".encode()
                    + DELIVERY
                )
                await writer.drain()
                status = await read_status(reader, 60)
                statuses.append(status)
                if not status.isdigit():
                    break
                # Skip the rest of the answer: headers, then the body by its length.
                length = 0
                while True:
                    line = await reader.readline()
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                    if line in (b"\r\n", b""):
                        break
                await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError):
            statuses.append("reset")
        finally:
            writer.close()
        return statuses

    seen: Counter[str] = Counter()
    for statuses in await asyncio.gather(*(one() for _ in range(n))):
        seen.update(statuses)
    return seen


async def run_scenario(
    binary: str, kind: str, name: str, work: Callable[[int], Awaitable[Counter[str]]], read_output: bool = True
) -> None:
    server = Server(binary, kind, read_output=read_output)
    base = server.rss()
    started = time.time()
    task = asyncio.ensure_future(work(server.port))
    during: list[bool] = []
    while not task.done():
        await asyncio.sleep(3)
        if not task.done():
            during.append(await alive(server.port, timeout=5))
    seen = await task
    after = await alive(server.port)
    took = time.time() - started
    outcome = ", ".join(f"{k}: {v}" for k, v in sorted(seen.items(), key=lambda kv: -kv[1]))
    answered = f"{sum(during)}/{len(during)}" if during else "-"
    print(
        f"| {kind} | {name} | {outcome} | {base / 1024:.0f} MB | {server.peak / 1024:.0f} MB | {server.rss() / 1024:.0f} MB "
        f"| {answered} | {'yes' if after else 'NO'} | {took:.0f} s |",
        flush=True,
    )
    server.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=str(ROOT / "target" / "release" / "meetergo"))
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--hold", type=float, default=40)
    parser.add_argument("--only", choices=["listen", "mock"])
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.connections + 1024)), hard))
    n, hold = args.connections, args.hold
    print(f"meetergo load and faults: {args.bin}, {n} connections, {hold:.0f} s holds, {os.cpu_count()} cores")
    print()
    print(
        "| server | scenario | what the clients saw | RSS before | peak RSS | RSS after | GET / answered during | after | took |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for kind in ("listen", "mock"):
        if args.only and kind != args.only:
            continue
        await run_scenario(args.bin, kind, f"slowloris ×{n}", lambda p: slowloris(p, n, hold))
        await run_scenario(args.bin, kind, f"idle ×{n}", lambda p: idle(p, n, hold))
        await run_scenario(args.bin, kind, f"slow body ×{n}", lambda p: slow_body(p, n, hold))
        if kind == "listen":
            await run_scenario(args.bin, kind, "stalled output", stalled_output, read_output=False)
        await run_scenario(args.bin, kind, "oversized ×50", oversized)
        await run_scenario(args.bin, kind, "malformed ×2000", malformed)
        await run_scenario(args.bin, kind, f"concurrent ×{n}", lambda p: concurrent(p, n))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    sys.exit(0)
