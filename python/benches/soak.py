"""Soak: one million `meetergo.parse_event` calls on the documented booking, each followed by the five reads of
`parse.py`; resident memory (RSS) printed every 100,000 calls. It must stay flat: no leak in the parser, the views
that share the event, or the objects made when an attribute is read.

    .venv/bin/python python/benches/soak.py [calls, default 1000000]
"""

from __future__ import annotations

import os
import pathlib
import sys
import time

import meetergo

BODY = (
    pathlib.Path(__file__).resolve().parents[2]
    / "tests"
    / "fixtures"
    / "deliveries"
    / "booking_created_full.json"
).read_bytes()


def rss_mb() -> float:
    """The process's resident set, from /proc (Linux)."""
    pages = int(pathlib.Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    started = time.perf_counter()
    first = None
    for i in range(1, total + 1):
        e = meetergo.parse_event(BODY)
        assert isinstance(e, meetergo.BookingCreated)
        mt = e.meeting_type
        read = (
            e.id,
            e.start,
            e.attendees[0].email,
            e.hosts[0].given_name,
            mt.meeting_info.name if mt and mt.meeting_info else None,
        )
        assert read[0] is not None
        if i % 100_000 == 0:
            rss = rss_mb()
            first = first or rss
            per_call = (time.perf_counter() - started) / i * 1e6
            print(
                f"{i:>9} calls  rss {rss:7.1f} MB  ({rss - first:+.1f} MB since 100,000)  {per_call:.2f} µs/call"
            )


if __name__ == "__main__":
    main()
