"""The durable inbox from Python, on both stores: SQLite and a real redis-server the tests start."""

from __future__ import annotations

import asyncio
import itertools
import pathlib
import threading
import time
from collections import Counter

import pytest
from conftest import RedisServer

import meetergo

_prefixes = itertools.count()


def booking(n: int | str) -> bytes:
    return (
        f'{{"webhookType":"booking_created","id":"py-{n}","start":"2024-01-15T09:00:00Z",'
        f'"end":"2024-01-15T09:30:00Z","updatedAt":"2024-01-10T12:00:00Z","secret":"sec_py_{n}"}}'
    ).encode()


def key(n: int | str) -> str:
    return f"booking_created:py-{n}:2024-01-10T12:00:00Z"


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: pathlib.Path) -> str:
    """A store URL of the test's own, on each store in turn."""
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'inbox.db'}"
    redis_url: str = request.getfixturevalue("redis_url")
    return f"{redis_url}/0?prefix=py:{time.time_ns()}:{next(_prefixes)}"


FAST = {"max_attempts": 3, "lease": 0.3, "initial_retry_delay": 0.02, "max_retry_delay": 0.05}


def test_accept_stores_once_and_quarantines_what_does_not_parse(store: str) -> None:
    inbox = meetergo.Inbox(store, **FAST)
    first = inbox.accept(booking(1), {"Content-Type": "application/json", "Authorization": "Bearer rgo-x"})
    assert (first.status, first.key, first.error) == ("stored", key(1), None)
    assert inbox.accept(booking(1)).status == "duplicate"
    bad = inbox.accept(b"{not json", [("Content-Type", "application/json")])
    assert bad.status == "quarantined" and bad.key.startswith("quarantine#sha256:")
    assert bad.error is not None and "not valid JSON" in bad.error
    assert inbox.counts() == {
        "pending": 1,
        "running": 0,
        "done": 0,
        "dead": 0,
        "quarantined": 1,
        "duplicates": 1,
    }
    [pending] = inbox.list("pending")
    assert (pending["key"], pending["webhook_type"], pending["duplicates"]) == (key(1), "booking_created", 1)
    # A str body and a bytearray body are the same bytes.
    assert inbox.accept(booking(1).decode()).status == "duplicate"
    assert inbox.accept(bytearray(booking(1))).status == "duplicate"
    with pytest.raises(TypeError, match="accept\\(\\) takes bytes, bytearray or str, not int"):
        inbox.accept(42)  # type: ignore[arg-type]
    # Nothing listed shows the booking secret.
    assert "sec_py" not in repr(inbox.list("pending")) + repr(inbox.list("quarantined"))


def test_receive_answers_what_to_tell_meetergo(store: str) -> None:
    inbox = meetergo.Inbox(store, max_body_bytes=4096)
    assert inbox.receive(booking(2)) == (200, {"status": "stored", "key": key(2)})
    assert inbox.receive(booking(2)) == (200, {"status": "duplicate", "key": key(2)})
    status, answer = inbox.receive(b"x" * 5000)
    assert status == 413 and "5000 bytes" in answer["error"]
    assert inbox.counts()["pending"] == 1

    # The same as an awaitable, for asyncio (the store's work off the event loop).
    async def main() -> list[tuple[int, object]]:
        return list(
            await asyncio.gather(
                inbox.areceive(booking(2)), inbox.areceive(booking("async")), inbox.areceive(b"x" * 5000)
            )
        )

    answers = asyncio.run(main())
    assert answers[0] == (200, {"status": "duplicate", "key": key(2)})
    assert answers[1] == (200, {"status": "stored", "key": key("async")})
    assert answers[2][0] == 413


def test_claims_fail_back_off_dead_letter_and_replay(store: str) -> None:
    inbox = meetergo.Inbox(store, **FAST)
    inbox.accept(booking(3))
    for attempt in (1, 2, 3):
        claim = None
        deadline = time.monotonic() + 5
        while claim is None and time.monotonic() < deadline:
            claim = inbox.claim("w")
        assert claim is not None
        assert (claim.key, claim.attempt, claim.body) == (key(3), attempt, booking(3))
        assert claim.event().event_id == "py-3"
        retry = inbox.fail(claim, f"boom {attempt}")
        assert (retry is None) == (attempt == 3)
    [dead] = inbox.list("dead")
    assert (dead["attempts"], dead["last_error"]) == (3, "boom 3")
    assert inbox.replay(dead["id"]) == "pending"
    claim = inbox.claim()
    assert claim is not None and claim.attempt == 1
    inbox.complete(claim)
    with pytest.raises(meetergo.InboxError) as lost:
        inbox.complete(claim)
    assert lost.value.kind == "LeaseLost" and lost.value.code == "MEETERGO_INBOX"
    with pytest.raises(meetergo.InboxError) as missing:
        inbox.replay(dead["id"])
    assert missing.value.kind == "NotFound"
    time.sleep(0.01)
    assert inbox.purge_done(0) == 1
    assert inbox.counts()["done"] == 0


def test_an_expired_lease_is_taken_over(store: str) -> None:
    inbox = meetergo.Inbox(store, **FAST)
    inbox.accept(booking(4))
    stale = inbox.claim("crashed")
    assert stale is not None and inbox.claim("other") is None
    time.sleep(0.35)
    taken = inbox.claim("other")
    assert taken is not None and taken.attempt == 2
    with pytest.raises(meetergo.InboxError, match="no longer claimed"):
        inbox.fail(stale, "late")
    inbox.complete(taken)


def test_threaded_workers_handle_each_delivery_once_and_retry_failures(store: str) -> None:
    inbox = meetergo.Inbox(store, **FAST)
    for n in range(40):
        inbox.accept(booking(n))
        if n % 4 == 0:
            inbox.accept(booking(n))  # a redelivery
    handled: Counter[str] = Counter()
    attempts: Counter[str] = Counter()
    lock = threading.Lock()

    def handle(claim: meetergo.Claim) -> None:
        with lock:
            attempts[claim.key] += 1
        if claim.key == key(7) and claim.attempt == 1:
            raise RuntimeError("the first attempt fails")
        with lock:
            handled[claim.key] += 1

    with inbox.worker(handle, threads=4, poll_interval=0.01):
        deadline = time.monotonic() + 10
        while sum(handled.values()) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert handled == Counter({key(n): 1 for n in range(40)})
    assert attempts[key(7)] == 2
    counts = inbox.counts()
    assert (counts["done"], counts["pending"], counts["duplicates"]) == (40, 0, 10)


def test_an_asyncio_worker_awaits_async_handlers(store: str) -> None:
    inbox = meetergo.Inbox(store, **FAST)
    for n in range(10):
        inbox.accept(booking(f"a{n}"))
    handled: list[str] = []

    async def handle(claim: meetergo.Claim) -> None:
        await asyncio.sleep(0)
        handled.append(claim.key)

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(inbox.run_async(handle, concurrency=3, poll_interval=0.01, stop=stop))
        deadline = time.monotonic() + 10
        while len(handled) < 10 and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        stop.set()
        await task

    asyncio.run(main())
    assert sorted(handled) == sorted(key(f"a{n}") for n in range(10))


def test_work_once_records_a_failing_handler_and_runs_an_async_one(store: str) -> None:
    inbox = meetergo.Inbox(store, max_attempts=1)
    inbox.accept(booking("w1"))
    inbox.accept(booking("w2"))

    def failing(claim: meetergo.Claim) -> None:
        raise ValueError("no such customer")

    assert inbox.work_once(failing) is True
    [dead] = inbox.list("dead")
    assert dead["last_error"] == "ValueError: no such customer"

    seen: list[int] = []

    async def handler(claim: meetergo.Claim) -> None:
        seen.append(claim.attempt)

    assert inbox.work_once(handler) is True
    assert seen == [1] and inbox.work_once(handler) is False


def test_options_are_checked_and_errors_are_typed(tmp_path: pathlib.Path) -> None:
    with pytest.raises(meetergo.ValidationError) as bad:
        meetergo.Inbox(f"sqlite:{tmp_path / 'x.db'}", max_attempts=0)
    assert bad.value.field == "max_attempts"
    with pytest.raises(meetergo.ValidationError) as negative:
        meetergo.Inbox(f"sqlite:{tmp_path / 'x.db'}", lease=-1)
    assert negative.value.field == "lease"
    with pytest.raises(meetergo.InboxError) as unknown:
        meetergo.Inbox("postgres://user:hunter2@db/inbox")
    assert unknown.value.kind == "UnsupportedStore" and "hunter2" not in str(unknown.value)
    with pytest.raises(meetergo.InboxError) as unreachable:
        meetergo.Inbox("redis://user:hunter2@127.0.0.1:1/0")
    assert unreachable.value.kind == "Storage" and "hunter2" not in str(unreachable.value)
    assert isinstance(unreachable.value, meetergo.MeetergoError)
    inbox = meetergo.Inbox(f"sqlite:{tmp_path / 'x.db'}", max_body_bytes=8)
    with pytest.raises(meetergo.InboxError) as large:
        inbox.accept(b"123456789")
    assert (large.value.kind, large.value.size, large.value.limit) == ("TooLarge", 9, 8)
    with pytest.raises(ValueError, match="unknown state"):
        inbox.list("lost")  # type: ignore[arg-type]


def test_a_lost_redis_answers_503_and_the_inbox_recovers(redis_server: RedisServer) -> None:
    inbox = meetergo.Inbox(f"{redis_server.url}/0?prefix=lost")
    assert inbox.durability_warning is None
    assert inbox.location == f"{redis_server.url}/0?prefix=lost"
    assert inbox.receive(booking(5))[0] == 200
    redis_server.stop()
    status, answer = inbox.receive(booking(6))
    assert status == 503 and "redis at 127.0.0.1" in answer["error"]

    async def areceive() -> tuple[int, object]:
        return await inbox.areceive(booking(6))

    status, error = asyncio.run(areceive())
    assert status == 503 and "redis at 127.0.0.1" in str(error)
    with pytest.raises(meetergo.InboxError) as lost:
        inbox.counts()
    assert lost.value.kind == "Storage"
    redis_server.start()
    assert inbox.receive(booking(6)) == (200, {"status": "stored", "key": key(6)})
    assert inbox.receive(booking(5)) == (200, {"status": "duplicate", "key": key(5)})


def test_a_redis_password_never_shows(redis_url: str) -> None:
    inbox = meetergo.Inbox(f"{redis_url}/0?prefix=pw")
    assert "prefix=pw" in repr(inbox)
    url = redis_url.replace("redis://", "redis://:not-the-password@")
    # Redis without requirepass ignores AUTH with a bad password only in old versions; either way, nothing echoes it.
    try:
        shown = repr(meetergo.Inbox(f"{url}/0?prefix=pw"))
    except meetergo.InboxError as e:
        shown = str(e)
    assert "not-the-password" not in shown
