"""Client and AsyncClient against the local stand-in (`meetergo mock`)."""

from __future__ import annotations

import _thread
import asyncio
import itertools
import json
import signal
import socket
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

import meetergo
from meetergo import EventType, _native

_counter = itertools.count()


def token() -> str:
    # Each test its own company on the stand-in.
    return f"rgo-test-{uuid.uuid4().hex}"


def client(url: str, **kwargs: object) -> meetergo.Client:
    return meetergo.Client(api_key=token(), base_url=url, allow_insecure_endpoints=True, **kwargs)  # type: ignore[arg-type]


def endpoint() -> str:
    return f"https://example.com/hooks/{next(_counter)}"


def numeric_ids(url: str) -> bool:
    """Whether the stand-in answers webhook ids as JSON integers (its `/_mock/settings`)."""
    with urllib.request.urlopen(f"{url}/_mock/settings") as answer:
        return bool(json.load(answer)["numericIds"])


def test_create_list_update_delete(any_mock_url: str) -> None:
    numeric = numeric_ids(any_mock_url)
    with client(any_mock_url) as c:
        hook = c.webhooks.create(
            endpoint=endpoint(),
            event_types=[EventType.BOOKING_CREATED, "booking_cancelled", "booking_created"],
            description="Production webhook",
        )
        assert hook.event_types == ["booking_created", "booking_cancelled"], "duplicates removed"
        assert hook.description == "Production webhook"
        # Ids are strings, whether meetergo sent a string or an integer (its live API sends `"id": 1492`).
        assert isinstance(hook.id, str) and hook.id.isdigit() == numeric, hook.id
        assert hook.to_dict()["id"] == hook.id and isinstance(hook.company_id, str)
        assert isinstance(hook.created_at, datetime) and hook.created_at.tzinfo is not None
        assert c.webhooks.list() == [hook]
        # An id kept as an int (as meetergo sent it) is taken too.
        updated = c.webhooks.update(
            int(hook.id) if numeric else hook.id, event_types=[EventType.NEW_EMPLOYEE]
        )
        assert updated.event_types == ["new_employee"] and updated.description == "Production webhook"
        assert updated.id == hook.id
        c.webhooks.delete(hook.id)  # returns None
        assert c.webhooks.list() == []
        with pytest.raises(meetergo.NotFoundError) as gone:
            c.webhooks.delete(hook.id)
        assert gone.value.request_path == f"/webhooks/{hook.id}"
        with pytest.raises(TypeError):
            c.webhooks.delete(1.5)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            c.webhooks.delete(True)  # a bool is not an id
        assert "Webhook(" in repr(hook) and hook.to_dict()["eventTypes"] == [
            "booking_created",
            "booking_cancelled",
        ]


def test_error_classes(mock_url: str) -> None:
    c = client(mock_url)
    with pytest.raises(meetergo.NotFoundError) as not_found:
        c.webhooks.delete("no-such-id")
    assert not_found.value.status_code == 404
    assert not_found.value.server_messages == ["Webhook not found"]
    for _ in range(meetergo.MAX_WEBHOOKS_PER_COMPANY):
        c.webhooks.create(endpoint=endpoint(), event_types=["booking_created"])
    with pytest.raises(meetergo.LimitReachedError) as limit:
        c.webhooks.create(endpoint=endpoint(), event_types=["booking_created"])
    assert limit.value.status_code == 406 and isinstance(limit.value, meetergo.APIError)
    with pytest.raises(meetergo.AuthenticationError):
        meetergo.Client(api_key="nope-not-a-token", base_url=mock_url).webhooks.list()
    with pytest.raises(meetergo.BadRequestError) as bad:
        c.webhooks.update("x", event_types=["not_a_type"])
    assert bad.value.status_code == 400
    # rgo- tokens act as their owner: a user id given with one is not sent, so no 403 from meetergo.
    assert meetergo.Client(api_key=token(), user_id="someone-else", base_url=mock_url).webhooks.list() == []


def test_validation_before_sending(mock_url: str) -> None:
    c = meetergo.Client(api_key=token(), base_url=mock_url)
    with pytest.raises(meetergo.ValidationError) as info:
        c.webhooks.create(endpoint="http://example.com/hook", event_types=["booking_created"])
    assert info.value.field == "endpoint" and isinstance(info.value, ValueError)
    with pytest.raises(meetergo.ValidationError):
        c.webhooks.create(endpoint="https://example.com/hook", event_types=[])
    with pytest.raises(meetergo.ValidationError) as key:
        meetergo.Client(api_key="ak_live:00000000-0000-4000-8000-000000000000:s3cr3t", base_url=mock_url)
    assert key.value.field == "userId" and "s3cr3t" not in str(key.value)
    for bad in (-1, 1.5, 1000):
        with pytest.raises(meetergo.ValidationError) as retries:
            meetergo.Client(api_key=token(), base_url=mock_url, max_retries=bad)  # type: ignore[arg-type]
        assert retries.value.field == "max_retries"
    with pytest.raises(meetergo.ValidationError):
        meetergo.Client(api_key=token(), base_url=mock_url, timeout=0)


def test_connection_refused_and_timeout() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(meetergo.ConnectionError) as refused:
        meetergo.Client(api_key=token(), base_url=f"http://127.0.0.1:{port}", max_retries=0).webhooks.list()
    assert isinstance(refused.value, ConnectionError)
    # A server that accepts and never answers.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    try:
        slow = meetergo.Client(
            api_key=token(),
            base_url=f"http://127.0.0.1:{server.getsockname()[1]}",
            timeout=0.3,
            max_retries=0,
        )
        started = time.monotonic()
        with pytest.raises(meetergo.TimeoutError) as timeout:
            slow.webhooks.list()
        assert time.monotonic() - started < 5
        assert isinstance(timeout.value, TimeoutError)
    finally:
        server.close()


def test_threads_run_in_parallel(mock_url: str) -> None:
    c = client(mock_url)
    c.webhooks.create(endpoint=endpoint(), event_types=["booking_created"])
    results: list[int] = []

    def work() -> None:
        for _ in range(20):
            results.append(len(c.webhooks.list()))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [1] * 160


def test_async_client(mock_url: str) -> None:
    async def main() -> None:
        async with meetergo.AsyncClient(api_key=token(), base_url=mock_url) as c:
            hook = await c.webhooks.create(endpoint=endpoint(), event_types=["form_submission"])
            lists = await asyncio.gather(*(c.webhooks.list() for _ in range(50)))
            assert all(found == [hook] for found in lists)
            updated = await c.webhooks.update(hook.id, description="d")
            assert updated.description == "d"
            await c.webhooks.delete(hook.id)
            with pytest.raises(meetergo.NotFoundError):
                await c.webhooks.delete(hook.id)

    asyncio.run(main())


def test_async_cancellation() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    async def main() -> None:
        c = meetergo.AsyncClient(
            api_key=token(), base_url=f"http://127.0.0.1:{server.getsockname()[1]}", timeout=30
        )
        task = asyncio.ensure_future(c.webhooks.list())
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        asyncio.run(asyncio.wait_for(main(), timeout=10))
    finally:
        server.close()


def test_repr_never_shows_the_token(mock_url: str) -> None:
    secret = "rgo-" + uuid.uuid4().hex
    c = meetergo.Client(api_key=secret, base_url=mock_url)
    assert secret not in repr(c) and "rgo-[redacted]" in repr(c)
    with pytest.raises(meetergo.MeetergoError) as info:
        meetergo.Client(api_key="bad " + secret, base_url=mock_url)
    assert secret not in str(info.value) and secret not in repr(info.value)


def test_core_logs_reach_python_logging(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    secret = "rgo-" + uuid.uuid4().hex
    caplog.set_level("DEBUG", logger="meetergo")
    with pytest.raises(meetergo.ConnectionError):
        meetergo.Client(api_key=secret, base_url=f"http://127.0.0.1:{port}", max_retries=1).webhooks.list()
    records = [r for r in caplog.records if r.name.startswith("meetergo")]
    assert any("failed (attempt 1)" in r.getMessage() for r in records), [r.getMessage() for r in records]
    assert all(secret not in r.getMessage() for r in records)


def test_a_panic_in_the_core_is_a_meetergo_error() -> None:
    # A bug in the Rust core must not reach Python as pyo3's PanicException (a BaseException).
    with pytest.raises(meetergo.MeetergoError, match="internal error"):
        _native._panicking_call(False)

    async def main() -> None:
        with pytest.raises(meetergo.MeetergoError, match="internal error"):
            await _native._panicking_call(True)

    asyncio.run(main())


def test_ctrl_c_interrupts_a_blocking_call() -> None:
    # A server that accepts and never answers: without signal checks the call would wait for its 30 s timeout.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    c = meetergo.Client(
        api_key=token(), base_url=f"http://127.0.0.1:{server.getsockname()[1]}", timeout=30, max_retries=0
    )
    timer = threading.Timer(0.3, _thread.interrupt_main)
    # A process started in the background by a shell without job control inherits SIGINT ignored, and then
    # `interrupt_main` does nothing: give Python its own handler for the test.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            c.webhooks.list()
        assert time.monotonic() - started < 5
    finally:
        timer.cancel()
        server.close()
        signal.signal(signal.SIGINT, previous)


def test_webhook_repr_masks_credentials_in_its_endpoint(mock_url: str) -> None:
    # The SDK refuses such endpoints; one registered by other means still must not print its token.
    key = token()
    request = urllib.request.Request(
        f"{mock_url}/webhooks",
        data=json.dumps(
            {
                "endpoint": "https://example.com/h?team=a&access_token=t0ps3cret",
                "eventTypes": ["booking_created"],
            }
        ).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 201
    [hook] = meetergo.Client(api_key=key, base_url=mock_url).webhooks.list()
    assert hook.endpoint.endswith("access_token=t0ps3cret"), "the attribute is the URL as registered"
    assert "t0ps3cret" not in repr(hook) and "team=a&access_token=[redacted]" in repr(hook)


FAULTS: list[tuple[dict[str, object], type[meetergo.APIError], int]] = [
    # Two answers for two attempts (max_retries=1): the error is what the last attempt got.
    ({"kind": "status", "status": 429, "retryAfter": "0", "count": 2}, meetergo.RateLimitError, 429),
    ({"kind": "status", "status": 503, "count": 2}, meetergo.ServerError, 503),
    ({"kind": "status", "status": 403, "count": 1}, meetergo.PermissionDeniedError, 403),
]


@pytest.mark.parametrize(("fault", "error", "status"), FAULTS)
def test_errors_after_retries_sync_and_async(
    mock_url: str,
    fault: dict[str, object],
    error: type[meetergo.APIError],
    status: int,
    inject: Callable[[str, dict[str, Any]], None],
) -> None:
    key = token()
    inject(mock_url, fault)
    with pytest.raises(error) as sync_info:
        meetergo.Client(api_key=key, base_url=mock_url, max_retries=1).webhooks.list()
    assert sync_info.value.status_code == status and isinstance(sync_info.value, meetergo.MeetergoError)
    if status == 429:
        assert sync_info.value.retry_after == 0.0

    async def main() -> None:
        async with meetergo.AsyncClient(api_key=key, base_url=mock_url, max_retries=1) as c:
            with pytest.raises(error) as async_info:
                await c.webhooks.list()
            assert async_info.value.status_code == status

    inject(mock_url, fault)
    asyncio.run(main())
    # The faults are used up: the stand-in answers normally again.
    assert meetergo.Client(api_key=key, base_url=mock_url).webhooks.list() == []


def test_every_operation_and_error_async(any_mock_url: str) -> None:
    mock_url = any_mock_url

    async def main() -> None:
        async with meetergo.AsyncClient(
            api_key=token(), base_url=mock_url, allow_insecure_endpoints=True
        ) as c:
            with pytest.raises(meetergo.ValidationError):
                await c.webhooks.create(endpoint="ftp://example.com", event_types=["booking_created"])
            with pytest.raises(meetergo.NotFoundError):
                await c.webhooks.update("missing", description="x")
            hooks = [
                await c.webhooks.create(endpoint=endpoint(), event_types=["booking_created"])
                for _ in range(meetergo.MAX_WEBHOOKS_PER_COMPANY)
            ]
            with pytest.raises(meetergo.LimitReachedError):
                await c.webhooks.create(endpoint=endpoint(), event_types=["booking_created"])
            assert sorted(h.id for h in await c.webhooks.list()) == sorted(h.id for h in hooks)
            assert all(isinstance(h.id, str) and h.id.isdigit() == numeric_ids(mock_url) for h in hooks)
            updated = await c.webhooks.update(hooks[0].id, description="changed")
            assert updated.id == hooks[0].id and updated.description == "changed"
            for hook in hooks:
                await c.webhooks.delete(hook.id)
            assert await c.webhooks.list() == []
        async with meetergo.AsyncClient(api_key="nope", base_url=mock_url) as bad:
            with pytest.raises(meetergo.AuthenticationError):
                await bad.webhooks.list()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        async with meetergo.AsyncClient(
            api_key=token(), base_url=f"http://127.0.0.1:{port}", max_retries=0
        ) as refused:
            with pytest.raises(meetergo.ConnectionError):
                await refused.webhooks.list()

    asyncio.run(main())


def test_reconcile_plan_and_sync_reach_python(fresh_mock_url: str) -> None:
    mock_url = fresh_mock_url
    client = meetergo.Client(
        api_key="rgo-test", base_url=mock_url, rate_limit=meetergo.RateLimit(per_minute=600)
    )
    wanted: list[meetergo.WebhookSpec] = [
        {"endpoint": "https://example.com/a", "event_types": ["booking_created"]},
        {
            "endpoint": "https://example.com/b",
            "event_types": [meetergo.EventType.NEW_EMPLOYEE],
            "description": "b",
        },
    ]
    plan = client.webhooks.plan_sync(wanted)
    assert sorted(step.action for step in plan) == ["create", "create"]
    done = client.webhooks.sync(wanted)
    assert [step.action for step in done] == ["create", "create"]
    created = done[1].webhook
    assert created is not None and created.description == "b" and done[1].id == created.id
    assert all(not step.is_change for step in client.webhooks.plan_sync(wanted))
    found = client.webhooks.reconcile(endpoint="https://example.com/a", event_types=["booking_created"])
    assert found is not None and found.endpoint == "https://example.com/a"
    assert (
        client.webhooks.reconcile(endpoint="https://example.com/zzz", event_types=["booking_created"]) is None
    )
    with pytest.raises(meetergo.ValidationError) as bad:
        meetergo.Client(api_key="rgo-test", base_url=mock_url, rate_limit=meetergo.RateLimit(burst=0))
    assert bad.value.field == "rate_limit.burst"


def _pieces(secret: str) -> list[str]:
    """Every run of eight characters of a secret (lower-case): what must never show."""
    lower = secret.lower()
    return [lower[i : i + 8] for i in range(len(lower) - 7)]


def test_echoes_of_the_token_and_path_secret_never_reach_the_exception(
    mock_url: str, inject: Callable[[str, dict[str, Any]], None]
) -> None:
    # A server (or a proxy) echoing the token and the endpoint back, each spelt another way: upper case, cut short,
    # split, JSON escapes kept as text. The exception's text and every attribute must hold none of it.
    secret = f"rgo-{uuid.uuid4().hex}"
    path_secret = meetergo.PathSecret.generate()
    hook = path_secret.endpoint("https://example.com/webhooks/meetergo")
    escaped = "".join(f"\\u{ord(c):04x}" for c in secret)
    hook_escaped = hook.replace("_", "\\u005f").replace("/", "\\/")
    messages = [
        f"upper {secret.upper()}",
        f"cut {secret[:-5]}",
        f"split {secret[:12]}\\/{secret[12:]}",
        f"escaped {escaped}",
        f"endpoint {hook}",
        f"endpoint escaped {hook_escaped}",
    ]
    body = {"statusCode": 400, "message": messages, "error": secret}
    inject(mock_url, {"kind": "status", "status": 400, "body": body})
    c = meetergo.Client(api_key=secret, base_url=mock_url)
    with pytest.raises(meetergo.BadRequestError) as info:
        c.webhooks.create(endpoint=hook, event_types=["booking_created"])
    e = info.value
    shown = " || ".join([str(e), repr(e), *(repr(v) for v in vars(e).values())]).lower()
    for piece in _pieces(secret) + _pieces(path_secret.reveal()[4:]):
        assert piece not in shown, shown
    # Masked by the path-secret scrub itself (only it writes the escaped prefix back with `[redacted]`).
    assert "mps\\u005f[redacted]" in str(e), str(e)
