"""One model in every runtime: ``tests/fixtures/parity.json`` records, for every delivery of the shared corpus and
for cases of its own (lenient fields, absent against ``null``, ids as numbers, escapes, every payload error kind), the
core's normalized JSON of the event or its error report. ``to_dict()`` must be that JSON value for value (a float is
not an int), and every error must carry that report; Rust and Node are held to the same file."""

from __future__ import annotations

import json
import pathlib
import re
from datetime import datetime
from typing import Any

import pytest
from test_error_contract import check

import meetergo

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures"
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "parity.json").read_text())


def inputs(case: dict[str, Any]) -> list[bytes | str]:
    """The body as bytes; an inline body also as text (``parse_event`` takes both)."""
    if "file" in case:
        return [(FIXTURES / "deliveries" / case["file"]).read_bytes()]
    text: str = case["body"]
    return [text.encode(), text]


def same(actual: Any, expected: Any) -> bool:
    """JSON equality that also tells ``1`` from ``1.0`` and ``True``."""
    if type(actual) is not type(expected):
        return False
    if isinstance(actual, dict):
        return actual.keys() == expected.keys() and all(same(actual[k], expected[k]) for k in actual)
    if isinstance(actual, list):
        return len(actual) == len(expected) and all(same(a, e) for a, e in zip(actual, expected, strict=True))
    return bool(actual == expected)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_every_runtime_gives_the_same_event_or_error(case: dict[str, Any]) -> None:
    for body in inputs(case):
        limit = case.get("maxBodyBytes")
        try:
            event = meetergo.parse_event(body, max_body_bytes=limit) if limit else meetergo.parse_event(body)
        except meetergo.PayloadError as error:
            assert "error" in case, f"refused: {error}"
            check(error, case["error"])
            continue
        assert "event" in case, f"parsed, but the core refuses it with {case.get('error')}"
        normalized = event.to_dict()
        assert normalized == case["event"]
        assert same(normalized, case["event"])
        assert event.idempotency_key == case["event"]["idempotencyKey"]
        assert event.webhook_type == case["event"]["webhookType"]
        if not isinstance(event, meetergo.UnknownEvent):
            attributes_agree(event, normalized, case["name"])


def snake(wire: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", wire).lower()


def attributes_agree(obj: Any, normalized: dict[str, Any], where: str) -> None:
    """Every attribute, decoded from the body when read, is the value ``to_dict()`` (the whole event, built at once)
    holds: the same reading by two paths through the core."""
    for wire, expected in normalized.items():
        if wire in ("webhookType", "idempotencyKey"):
            continue
        name = snake(wire)
        actual = getattr(obj, name)
        at = f"{where}: {name}"
        if hasattr(actual, "to_dict") and isinstance(expected, dict):
            attributes_agree(actual, expected, at)
        elif isinstance(expected, list) and expected and isinstance(expected[0], dict):
            assert len(actual) == len(expected), at
            for item, value in zip(actual, expected, strict=True):
                attributes_agree(item, value, at)
        elif isinstance(actual, datetime):
            assert actual == datetime.fromisoformat(expected), at
            assert actual.utcoffset() == datetime.fromisoformat(expected).utcoffset(), at
        elif isinstance(expected, list):
            assert list(actual) == expected, at
        else:
            assert same(actual, expected), f"{at}: {actual!r} != {expected!r}"


def test_a_difference_is_caught() -> None:
    """The comparison is not vacuous: a changed value, a missing key and an int for a float all differ."""
    event = next(c["event"] for c in CASES if c["name"] == "numbers_spelled_variously")
    assert same(event, json.loads(json.dumps(event)))
    assert not same(event, {**event, "id": "other"})
    assert not same(event, {k: v for k, v in event.items() if k != "secret"})
    assert not same(event, {**event, "extra": {**event["extra"], "score": 1}})
    # Nor is the attribute walk: a nested value and a time that differ are caught.
    booking = meetergo.parse_event((FIXTURES / "deliveries" / "booking_created_full.json").read_bytes())
    normalized = booking.to_dict()
    attributes_agree(booking, normalized, "documented booking")
    first = {**normalized["attendees"][0], "email": "other@example.com"}
    for changed in (
        {**normalized, "attendees": [first, *normalized["attendees"][1:]]},
        {**normalized, "start": "2020-01-01T00:00:00Z"},
        {**normalized, "meetingType": {**normalized["meetingType"], "slug": "x"}},
    ):
        with pytest.raises(AssertionError):
            attributes_agree(booking, changed, "changed")
