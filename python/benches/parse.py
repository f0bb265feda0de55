"""Delivery parsing from Python: meetergo.parse_event + reading five attributes, next to what users would pick
instead, in one run on the same payloads (the documented booking and a ~100 KB one). Prints a table.

    .venv/bin/pip install orjson pydantic msgspec   # the contenders (not needed by the package)
    .venv/bin/python python/benches/parse.py
Contenders that are not installed are skipped.
"""

# The contenders' models are built at runtime inside functions (pydantic and msgspec read their annotations), so
# `from __future__ import annotations` cannot be used; the benchmark runs on the dev venv's Python (3.11).
# ruff: noqa: FA102

import json
import pathlib
import subprocess
import sys
import timeit
from datetime import datetime
from typing import Any, Callable

import meetergo

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "deliveries"
PAYLOADS = {
    "booking 1.5 KB": (FIXTURES / "booking_created_full.json").read_bytes(),
    "booking 100 KB": (FIXTURES / "booking_large.json").read_bytes(),
}


def with_meetergo(body: bytes) -> tuple[Any, ...]:
    e = meetergo.parse_event(body)
    assert isinstance(e, meetergo.BookingCreated)
    mt = e.meeting_type
    return (
        e.id,
        e.start,
        e.attendees[0].email,
        e.hosts[0].given_name,
        mt.meeting_info.name if mt and mt.meeting_info else None,
    )


def with_json(body: bytes) -> tuple[Any, ...]:
    d = json.loads(body)
    return (
        d["id"],
        datetime.fromisoformat(d["start"]),
        d["attendees"][0]["email"],
        d["hosts"][0]["givenName"],
        d["meetingType"]["meetingInfo"]["name"],
    )


def contenders() -> dict[str, Callable[[bytes], tuple[Any, ...]]]:
    found: dict[str, Callable[[bytes], tuple[Any, ...]]] = {
        "meetergo.parse_event": with_meetergo,
        "json.loads + fromisoformat": with_json,
    }
    try:
        import orjson

        def with_orjson(body: bytes) -> tuple[Any, ...]:
            d = orjson.loads(body)
            return (
                d["id"],
                datetime.fromisoformat(d["start"]),
                d["attendees"][0]["email"],
                d["hosts"][0]["givenName"],
                d["meetingType"]["meetingInfo"]["name"],
            )

        found["orjson.loads + fromisoformat"] = with_orjson
    except ImportError:
        pass
    try:
        from pydantic import BaseModel, ConfigDict, Field

        class P(BaseModel):
            model_config = ConfigDict(extra="allow", populate_by_name=True)

        class Attendee(P):
            email: str | None = None
            firstname: str | None = None

        class Host(P):
            email: str | None = None
            given_name: str | None = Field(None, alias="givenName")

        class Info(P):
            name: str | None = None

        class MeetingType(P):
            id: str | None = None
            meeting_info: Info | None = Field(None, alias="meetingInfo")

        class Booking(P):
            webhook_type: str = Field(alias="webhookType")
            id: str
            start: datetime
            end: datetime
            attendees: list[Attendee] = Field(default_factory=list)
            hosts: list[Host] = Field(default_factory=list)
            meeting_type: MeetingType | None = Field(None, alias="meetingType")

        def with_pydantic(body: bytes) -> tuple[Any, ...]:
            b = Booking.model_validate_json(body)
            return (
                b.id,
                b.start,
                b.attendees[0].email,
                b.hosts[0].given_name,
                b.meeting_type.meeting_info.name if b.meeting_type and b.meeting_type.meeting_info else None,
            )

        found["pydantic v2 model_validate_json"] = with_pydantic
    except ImportError:
        pass
    try:
        import msgspec

        class MAttendee(msgspec.Struct):
            email: str | None = None
            firstname: str | None = None

        class MHost(msgspec.Struct, rename="camel"):
            email: str | None = None
            given_name: str | None = None

        class MInfo(msgspec.Struct):
            name: str | None = None

        class MMeetingType(msgspec.Struct, rename="camel"):
            id: str | None = None
            meeting_info: MInfo | None = None

        class MBooking(msgspec.Struct, rename="camel"):
            webhook_type: str
            id: str
            start: datetime
            end: datetime
            attendees: list[MAttendee] = []
            hosts: list[MHost] = []
            meeting_type: MMeetingType | None = None

        decoder = msgspec.json.Decoder(MBooking)

        def with_msgspec(body: bytes) -> tuple[Any, ...]:
            b = decoder.decode(body)
            return (
                b.id,
                b.start,
                b.attendees[0].email,
                b.hosts[0].given_name,
                b.meeting_type.meeting_info.name if b.meeting_type and b.meeting_type.meeting_info else None,
            )

        found["msgspec Struct"] = with_msgspec
    except ImportError:
        pass
    return found


def best_us(fn: Callable[[bytes], Any], body: bytes) -> float:
    number = max(1, 20_000 // max(1, len(body) // 1000))
    return min(timeit.repeat(lambda: fn(body), number=number, repeat=7)) / number * 1e6


def reads(body: bytes) -> dict[str, float]:
    """What `parse_event` and each of the five reads cost on their own (best of 7, µs): Python objects are made only
    when an attribute is read, so the reads are where that cost shows."""
    e = meetergo.parse_event(body)
    assert isinstance(e, meetergo.BookingCreated)
    mt = e.meeting_type
    steps: dict[str, Callable[[], Any]] = {
        "parse_event": lambda: meetergo.parse_event(body),
        ".id": lambda: e.id,
        ".start (a datetime)": lambda: e.start,
        ".attendees[0].email": lambda: e.attendees[0].email,
        ".hosts[0].given_name": lambda: e.hosts[0].given_name,
        ".meeting_type.meeting_info.name": lambda: mt.meeting_info.name if mt and mt.meeting_info else None,
    }
    return {
        label: min(timeit.repeat(fn, number=20_000, repeat=7)) / 20_000 * 1e6 for label, fn in steps.items()
    }


def main() -> None:
    found = contenders()
    for name, body in PAYLOADS.items():
        results = {label: best_us(fn, body) for label, fn in found.items()}
        ours = results["meetergo.parse_event"]
        print(f"\n{name} ({len(body)} bytes): µs per parse + 5 attribute reads (best of 7)")
        for label, us in results.items():
            print(f"  {label:<34} {us:9.1f} µs   meetergo is {us / ours:5.2f}x as fast")
        print("  meetergo, step by step:")
        for label, us in reads(body).items():
            print(f"    {label:<32} {us:9.3f} µs")
    for module in ["json", "meetergo", "orjson", "msgspec", "pydantic"]:
        code = (
            f"import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
        )
        out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
        if out.returncode == 0:
            print(f"import {module:<10} {float(out.stdout):6.1f} ms")


if __name__ == "__main__":
    main()
