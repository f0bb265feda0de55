#!/usr/bin/env python3
"""Runs the code of docs/guides/*.md as a reader would, against the local stand-in (part of `make docs`).

Every fenced block is run, in its page's order, with a fresh `meetergo mock` behind `MEETERGO_BASE_URL` and a token
in `MEETERGO_API_KEY`:
- ```python blocks with the dev venv's Python (the package `make python` installed);
- ```js blocks as ES modules, with `meetergo` resolving to node/ (the package `make node` built);
- ```sh blocks with bash, the repository's `meetergo` first on PATH. A `cargo install` line is skipped (the binary is
  built already), the ports the page names are replaced by free ones, a server started with `&` is waited for until
  it listens, and every `&` job is stopped at the end.
A block fails the check when it exits non-zero. ```toml, ```json and ```text blocks are only shown; any other fence
fails the check (so that no code is skipped by accident).

    .venv/bin/python scripts/check-guides.py target/x86_64-unknown-linux-gnu/debug/meetergo
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^```([^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
RUN = {"python", "js", "sh"}
# Shown only: data and output. Any other fence (```bash, ```ts, a bare one) fails the check, so that no code is
# skipped by accident.
SHOWN = {"toml", "json", "text"}


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports (all held until each is known, so none comes back twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start_mock(binary: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [str(binary), "mock", "--port", "0", "--no-rate-limit"], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+", first)
    if not found:
        process.kill()
        raise SystemExit(f"check-guides: the stand-in did not start: {first!r}")
    return process, found.group(0)


PORT = re.compile(r"(?:--port[ =]|127\.0\.0\.1:|localhost:)(\d{2,5})\b")
PRELUDE = """set -euo pipefail
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
wait_port() {
  for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "check-guides: nothing listens on port $1 after 20 s" >&2
  return 1
}
"""


def shell(code: str) -> str:
    """The block as a script: no `cargo install`, free ports, each background server waited for, jobs stopped at
    the end."""
    lines = [line for line in code.splitlines() if not line.lstrip().startswith("cargo install")]
    script = "\n".join(lines)
    named = sorted(set(PORT.findall(script)))
    for port, free in zip(named, free_ports(len(named))):
        script = re.sub(rf"(?<![0-9]){port}(?![0-9])", str(free), script)
    out = []
    for line in script.splitlines():
        # `server --port N &  # comment`: started in the background, then waited for until it listens.
        started = re.match(r"^(.*?)&(\s*(#.*)?)$", line)
        if started and not started.group(1).rstrip().endswith("&"):
            port = PORT.search(started.group(1))
            wait = f"wait_port {port.group(1)}" if port else "sleep 1"
            line = f"{started.group(1)}& {wait}{started.group(2)}"
        out.append(line)
    return PRELUDE + "\n".join(out) + "\n"


def run_block(page: Path, index: int, lang: str, code: str, binary: Path, work: Path) -> str | None:
    mock, url = start_mock(binary)
    env = dict(os.environ, MEETERGO_BASE_URL=url, MEETERGO_API_KEY=f"rgo-guide-{page.stem}-{index}")
    env["PATH"] = f"{binary.parent}{os.pathsep}{env['PATH']}"
    env.pop("MEETERGO_USER_ID", None)
    try:
        if lang == "python":
            command = [str(ROOT / ".venv" / "bin" / "python"), "-c", code]
        elif lang == "js":
            script = work / f"{page.stem}-{index}.mjs"
            script.write_text(code)
            command = ["node", str(script)]
        elif lang == "sh":
            # A page that starts its own stand-in and exports its URL uses that one (on a free port).
            command = ["bash", "-c", shell(code)]
        else:
            return None
        started = time.monotonic()
        try:
            done = subprocess.run(
                command, check=False, cwd=work, env=env, capture_output=True, text=True, timeout=120
            )
        except subprocess.TimeoutExpired as e:
            return f"{page.name} block {index} ({lang}) did not finish in 120 s:\n{e.stdout!r}\n{e.stderr!r}"
        took = time.monotonic() - started
        if done.returncode != 0:
            return (
                f"{page.name} block {index} ({lang}) exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        shown = (done.stdout.strip().splitlines() or [""])[-1][:100]
        print(f"check-guides: {page.name} block {index} ({lang}) ran in {took:.1f} s: {shown}")
        return None
    finally:
        mock.terminate()
        mock.wait(timeout=10)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary = Path(sys.argv[1]).resolve()
    failures: list[str] = []
    ran = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "node_modules").mkdir()
        (work / "node_modules" / "meetergo").symlink_to(ROOT / "node")
        for page in sorted((ROOT / "docs" / "guides").glob("*.md")):
            for index, match in enumerate(BLOCK.finditer(page.read_text()), 1):
                lang, code = match.group(1).strip(), match.group(2)
                if lang not in RUN | SHOWN:
                    failures.append(
                        f"{page.name} block {index}: fenced as {lang!r}, not one of {sorted(RUN | SHOWN)}"
                    )
                    continue
                failure = run_block(page, index, lang, code, binary, work)
                if failure:
                    failures.append(failure)
                elif lang in RUN:
                    ran += 1
    for failure in failures:
        print(f"check-guides: {failure}", file=sys.stderr)
    print(f"check-guides: {ran} blocks ran, {len(failures)} failed")
    return 1 if failures or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
