"""meetergo.parse_event over the shared fixture corpus (tests/fixtures), with the same expectations as Rust."""

from __future__ import annotations

import json
import pathlib
import pickle
import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import meetergo

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures"
CASES: list[dict[str, Any]] = json.loads((FIXTURES / "deliveries.json").read_text())
OK = [c for c in CASES if c["expect"]["ok"]]
BAD = [c for c in CASES if not c["expect"]["ok"]]
CLASSES = {
    "BookingCreated": meetergo.BookingCreated,
    "BookingCancelled": meetergo.BookingCancelled,
    "BookingRescheduled": meetergo.BookingRescheduled,
    "NewEmployee": meetergo.NewEmployee,
    "FormSubmission": meetergo.FormSubmission,
    "UnknownEvent": meetergo.UnknownEvent,
}


def body(case: dict[str, Any]) -> bytes:
    name: str = case["file"]
    return (FIXTURES / "deliveries" / name).read_bytes()


def parse(case: dict[str, Any]) -> Any:
    limit = case.get("maxBodyBytes")
    if limit is None:
        return meetergo.parse_event(body(case))
    return meetergo.parse_event(body(case), max_body_bytes=limit)


def resolve(value: Any, path: str) -> Any:
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(value, list) or index >= len(value):
                return None
            value = value[index]
        else:
            if not isinstance(value, dict):
                return None
            # The normalized event: unknown fields (and mistyped undocumented ones) are under `extra`.
            extra = value.get("extra")
            if value.get(part) is None and isinstance(extra, dict) and part in extra:
                value = extra[part]
            elif part in value:
                value = value[part]
            else:
                return None
    return value


def as_time(v: Any) -> datetime | None:
    if not isinstance(v, str):
        return None
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return actual is None
    if expected == []:
        return actual in (None, [])
    ta, te = as_time(actual), as_time(expected)
    if ta is not None and te is not None:
        return ta == te and ta.utcoffset() == te.utcoffset()
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(actual) == len(expected) and all(same(a, e) for a, e in zip(actual, expected))
    return bool(actual == expected) and type(actual) is type(expected)


@pytest.mark.parametrize("case", OK, ids=[c["name"] for c in OK])
def test_ok_fixture(case: dict[str, Any]) -> None:
    expect = case["expect"]
    event = parse(case)
    assert type(event) is CLASSES[expect["class"]]
    assert event.webhook_type == expect["webhookType"]
    assert event.is_envelope == expect.get("envelope", False)
    flat = event.to_dict()
    for path, wanted in expect.get("fields", {}).items():
        assert same(resolve(flat, path), wanted), (path, resolve(flat, path), wanted)
    if "idsAsStrings" in expect:
        # Integer ids read as strings, as in Rust and Node: the event is that of the file's body, nothing else changed.
        wanted = meetergo.parse_event(
            (FIXTURES / "deliveries" / expect["idsAsStrings"]).read_bytes()
        ).to_dict()
        assert flat == wanted, (flat, wanted)
    if "idempotencyKey" in expect:
        assert event.idempotency_key == expect["idempotencyKey"]
    assert event.idempotency_key and "undefined" not in event.idempotency_key
    # Parsing text gives the same event as parsing bytes.
    if case.get("maxBodyBytes") is None:
        text = body(case).decode("utf-8")
        assert meetergo.parse_event(text) == event
        assert meetergo.parse_event(bytearray(body(case))) == event


def test_idempotency_groups() -> None:
    groups: dict[str, set[str]] = {}
    for case in OK:
        group = case["expect"].get("idempotencyKeyGroup")
        if group:
            groups.setdefault(group, set()).add(parse(case).idempotency_key)
    assert groups, "the corpus has key groups"
    for name, keys in groups.items():
        assert len(keys) == 1, (name, keys)
    all_keys = [next(iter(k)) for k in groups.values()]
    assert len(all_keys) == len(set(all_keys)), "two groups share a key"


@pytest.mark.parametrize("case", BAD, ids=[c["name"] for c in BAD])
def test_bad_fixture(case: dict[str, Any]) -> None:
    expect = case["expect"]
    with pytest.raises(meetergo.PayloadError) as info:
        parse(case)
    error = info.value
    assert isinstance(error, ValueError) and isinstance(error, meetergo.MeetergoError)
    assert error.kind == expect["errorKind"]
    if "path" in expect:
        assert error.path == expect["path"]
    shown = f"{error} {error!r}"
    for fragment in expect.get("messageContains", []):
        assert fragment in str(error), (fragment, str(error))
    for fragment in expect.get("messageExcludes", []):
        assert fragment not in shown, (fragment, shown)


def test_typed_attributes_of_the_documented_booking() -> None:
    event = meetergo.parse_event((FIXTURES / "deliveries" / "booking_created_full.json").read_bytes())
    assert isinstance(event, meetergo.BookingCreated)
    assert event.id == "appt-7f3c2a10"
    assert event.start == datetime(2024, 1, 15, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    assert event.start.utcoffset() == timedelta(hours=1), "the offset meetergo sent is kept"
    assert event.end - event.start == timedelta(minutes=30)
    assert event.attendees[1].firstname == "Jürgen"
    assert event.attendees[0].email == "ada@example.com"
    assert event.hosts[0].given_name == "Hedy"
    assert event.meeting_type is not None and event.meeting_type.meeting_info is not None
    assert event.meeting_type.meeting_info.name == "Intro Call"
    assert event.meeting_type.meeting_info.duration == 30
    assert event.meeting_type.metadata == {"source": "website", "campaign": "winter-2024"}
    assert event.meeting_type.to_dict() == event.raw["meetingType"]
    again = meetergo.parse_event(event.raw_json)
    assert isinstance(again, meetergo.BookingCreated) and again.meeting_type == event.meeting_type
    assert event.meeting_info is not None and event.meeting_info.channel == "google_meet"
    assert event.location is None and event.is_cancelled is False
    assert event.host_ids == ["user-42"]
    assert event.updated_at is not None and event.updated_at.microsecond == 789000
    assert event.secret == "sec_live_Zq8XbT4mW2pR9vK1nY6s"
    assert event.raw["secret"] == event.secret
    assert event.event_id == "appt-7f3c2a10"


def test_secrets_never_show_in_repr() -> None:
    for case in OK:
        event = parse(case)
        secret = event.raw.get("secret") if isinstance(event.raw, dict) else None
        if isinstance(secret, str):
            assert secret not in repr(event), case["name"]
            for attendee in getattr(event, "attendees", []):
                assert secret not in repr(attendee)


def test_deduplicator() -> None:
    seen = meetergo.Deduplicator(ttl_seconds=3600, max_entries=2)
    assert seen.first_seen("a") and not seen.first_seen("a")
    assert seen.first_seen("b") and seen.first_seen("c")
    assert len(seen) == 2, "bounded: the oldest key was forgotten"
    assert seen.first_seen("a")
    assert seen.forget("a") and seen.first_seen("a")
    assert "Deduplicator(" in repr(seen)
    with pytest.raises(meetergo.ValidationError):
        meetergo.Deduplicator(ttl_seconds=-1)
    with pytest.raises(meetergo.ValidationError):
        meetergo.Deduplicator(ttl_seconds=float("nan"))
    # Remembering nothing would pass every duplicate: refused, not taken as 1.
    with pytest.raises(meetergo.ValidationError) as zero:
        meetergo.Deduplicator(max_entries=0)
    assert zero.value.field == "max_entries"
    with pytest.raises(meetergo.ValidationError) as count:
        meetergo.Deduplicator(max_entries=-1)
    assert count.value.field == "max_entries"


def test_validate_webhook() -> None:
    ok = meetergo.validate_webhook(
        endpoint="https://example.com/hooks",
        event_types=[meetergo.EventType.BOOKING_CREATED, "booking_created", "brand_new"],
    )
    assert ok == {
        "endpoint": "https://example.com/hooks",
        "event_types": ["booking_created", "brand_new"],
        "description": None,
    }
    with pytest.raises(meetergo.ValidationError) as info:
        meetergo.validate_webhook(endpoint="http://example.com/hooks", event_types=["booking_created"])
    assert info.value.field == "endpoint" and info.value.kind == "InsecureScheme"
    assert isinstance(info.value, ValueError)
    assert (
        meetergo.validate_webhook(
            endpoint="http://127.0.0.1:3000/h", event_types=["new_employee"], allow_insecure_endpoints=True
        )["endpoint"]
        == "http://127.0.0.1:3000/h"
    )
    with pytest.raises(meetergo.ValidationError) as info:
        meetergo.validate_webhook(endpoint="https://example.com/h?token=x", event_types=["new_employee"])
    assert info.value.kind == "SecretInUrl" and "x" not in (info.value.reason or "").split("`")[1:2]
    with pytest.raises(meetergo.ValidationError) as info:
        meetergo.validate_webhook(endpoint="https://example.com/h", event_types=[])
    assert info.value.field == "eventTypes"


ENDPOINTS: list[dict[str, Any]] = json.loads((FIXTURES / "endpoints.json").read_text())


@pytest.mark.parametrize("case", ENDPOINTS, ids=[c["why"] for c in ENDPOINTS])
def test_the_shared_endpoint_cases(case: dict[str, Any]) -> None:
    """tests/fixtures/endpoints.json: the same verdict as in Rust, Node and the browser build."""
    try:
        meetergo.validate_webhook(
            endpoint=case["endpoint"],
            event_types=["booking_created"],
            allow_insecure_endpoints=case["allowInsecure"],
        )
        kind = None
    except meetergo.ValidationError as e:
        assert e.field == "endpoint"
        kind = e.kind
    assert kind == case["kind"]


def test_errors_pickle_with_their_attributes() -> None:
    with pytest.raises(meetergo.PayloadError) as info:
        meetergo.parse_event(b'{"webhookType": "booking_created", "id": ')
    error = info.value
    assert error.kind == "InvalidJson" and error.line == 1 and isinstance(error.column, int)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is meetergo.PayloadError
    assert (again.kind, again.line, str(again)) == (error.kind, error.line, str(error))


def test_wrong_argument_types_are_type_errors() -> None:
    with pytest.raises(TypeError):
        meetergo.parse_event(42)  # type: ignore[arg-type]


def test_a_bad_body_limit_is_a_validation_error() -> None:
    for bad in (-1, 0.5, 2**40, 2**28 + 1):
        with pytest.raises(meetergo.ValidationError) as info:
            meetergo.parse_event(b"{}", max_body_bytes=bad)
        assert info.value.field == "max_body_bytes"
    # 256 MiB, the largest limit every runtime takes, is taken.
    assert meetergo.parse_event(b'{"webhookType": "x"}', max_body_bytes=2**28).webhook_type == "x"
    with pytest.raises(meetergo.PayloadError) as small:
        meetergo.parse_event(b'{"webhookType": "new_employee"}', max_body_bytes=10)
    assert small.value.kind == "TooLarge"


def test_package_surface() -> None:
    assert meetergo.MAX_WEBHOOKS_PER_COMPANY == 6
    assert [e.value for e in meetergo.EventType][:5] == [
        "booking_created",
        "booking_cancelled",
        "booking_rescheduled",
        "new_employee",
        "form_submission",
    ]
    assert len(list(meetergo.EventType)) == 9
    assert meetergo.__version__ == "0.1.0"
    for name in meetergo.__all__:
        assert hasattr(meetergo, name), name
    assert issubclass(meetergo.TimeoutError, TimeoutError)
    assert issubclass(meetergo.LimitReachedError, meetergo.APIError)


def test_readme_example_runs() -> None:
    """The README's Python example, executed, so it cannot rot."""
    readme = (pathlib.Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    assert blocks, "the README has a Python example"
    namespace: dict[str, Any] = {}
    exec(blocks[0], namespace)  # noqa: S102 - our own README
    booking = (FIXTURES / "deliveries" / "booking_created_full.json").read_bytes()
    namespace["handle"](booking)
    namespace["handle"](booking)  # the duplicate is skipped
    assert len(namespace["seen"]) == 1


def test_lone_surrogates_are_payload_errors_without_the_body() -> None:
    text = '{"webhookType":"booking_created","id":"a","secret":"sec_hunter2","x":"\ud800"}'
    with pytest.raises(meetergo.PayloadError) as info:
        meetergo.parse_event(text)
    assert info.value.kind == "InvalidUtf8"
    assert "hunter2" not in repr(info.value.args) and "hunter2" not in str(info.value)


def test_value_objects_are_unhashable() -> None:
    event = meetergo.parse_event((FIXTURES / "deliveries" / "booking_created_full.json").read_bytes())
    assert isinstance(event, meetergo.BookingCreated)
    for value in (event, event.attendees[0]):
        with pytest.raises(TypeError):
            hash(value)


def test_attendees_and_hosts_are_lazy_read_only_sequences() -> None:
    body = (FIXTURES / "deliveries" / "booking_large.json").read_bytes()
    event = meetergo.parse_event(body)
    assert isinstance(event, meetergo.BookingCreated)
    attendees = event.attendees
    raw = event.raw["attendees"]
    assert isinstance(attendees, Sequence) and isinstance(attendees, meetergo.AttendeeList)
    assert len(attendees) == len(raw) == 400
    assert attendees[0].email == raw[0]["email"] and attendees[-1].email == raw[-1]["email"]
    assert [a.email for a in attendees[10:13]] == [a["email"] for a in raw[10:13]]
    assert [a.email for a in attendees] == [a["email"] for a in raw]
    assert [a.email for a in reversed(attendees)][:2] == [raw[-1]["email"], raw[-2]["email"]]
    with pytest.raises(IndexError):
        attendees[400]
    with pytest.raises(IndexError):
        attendees[-401]
    with pytest.raises(TypeError):
        attendees["0"]  # type: ignore[call-overload]
    assert attendees == list(attendees) and attendees == event.attendees and attendees != tuple(attendees)
    assert (
        attendees[3] in attendees
        and attendees.index(attendees[3]) == 3
        and attendees.count(attendees[3]) == 1
    )
    assert attendees[0].to_dict() == raw[0]
    assert event.hosts[0].to_dict() == event.raw["hosts"][0] and len(event.hosts) == len(event.raw["hosts"])
    with pytest.raises(TypeError):
        hash(attendees)
    other = meetergo.parse_event((FIXTURES / "deliveries" / "booking_created_full.json").read_bytes())
    assert isinstance(other, meetergo.BookingCreated) and other.attendees != attendees
    assert repr(other.attendees).startswith("[Attendee(") and "ada@example.com" in repr(other.attendees)
    # Items stay valid after the event object is gone: they share the parsed event.
    first = event.attendees[0]
    del event, attendees
    assert first.email == raw[0]["email"]
