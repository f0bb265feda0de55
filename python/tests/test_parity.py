"""One model in every runtime: ``tests/fixtures/parity.json`` records, for every delivery of the shared corpus and
for cases of its own (lenient fields, absent against ``null``, ids as numbers, escapes, every payload error kind), the
core's normalized JSON of the event or its error report. ``to_dict()`` must be that JSON value for value (a float is
not an int), and every error must carry that report; Rust and Node are held to the same file."""

from __future__ import annotations

import json
import pathlib
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


def test_a_difference_is_caught() -> None:
    """The comparison is not vacuous: a changed value, a missing key and an int for a float all differ."""
    event = next(c["event"] for c in CASES if c["name"] == "numbers_spelled_variously")
    assert same(event, json.loads(json.dumps(event)))
    assert not same(event, {**event, "id": "other"})
    assert not same(event, {k: v for k, v in event.items() if k != "secret"})
    assert not same(event, {**event, "extra": {**event["extra"], "score": 1}})
