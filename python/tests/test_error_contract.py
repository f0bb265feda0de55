"""One error contract in every runtime: the scenarios of ``tests/fixtures/errors.json`` (every error the core can
produce, with the core's own report for it), run through the Python package, sync and async. Every attribute of
every exception must say what the core's report says, under its Python name."""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import socket
import uuid
from collections.abc import Callable
from typing import Any

import pytest

import meetergo

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures"
SCENARIOS: list[dict[str, Any]] = json.loads((FIXTURES / "errors.json").read_text())

# The report's fields (camelCase JSON) and their Python attributes, with the unit conversion: the contract, stated
# here independently of the package's own table.
PYTHON_NAMES: dict[str, str] = {
    "status": "status_code",
    "serverMessage": "server_message",
    "serverError": "server_error",
    "fieldErrors": "field_errors",
    "serverCode": "server_code",
    "feature": "feature",
    "method": "method",
    "requestPath": "request_path",
    "timeoutMs": "timeout",
    "attempts": "attempts",
    "body": "body",
    "retryAfterMs": "retry_after",
    "outcomeUnknown": "outcome_unknown",
    "field": "field",
    "reason": "reason",
    "kind": "kind",
    "path": "path",
    "line": "line",
    "column": "column",
    "size": "size",
    "limit": "limit",
    "offset": "offset",
    "cause": "cause",
}
IN_SECONDS = {"timeoutMs", "retryAfterMs"}


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def client_kwargs(call: dict[str, Any], mock_url: str) -> dict[str, Any]:
    spec = call.get("client", {})
    base = spec.get("baseUrl")
    kwargs: dict[str, Any] = {
        "api_key": spec.get("apiKey", f"rgo-contract-{uuid.uuid4().hex}"),
        "base_url": closed_port_url() if base == "closed" else mock_url,
    }
    if "maxRetries" in spec:
        kwargs["max_retries"] = spec["maxRetries"]
    if "timeoutMs" in spec:
        kwargs["timeout"] = spec["timeoutMs"] / 1000
    return kwargs


def call_sync(call: dict[str, Any], mock_url: str) -> None:
    if call["op"] == "inbox":
        body = (FIXTURES / "deliveries" / call["file"]).read_bytes()
        limit = call.get("maxBodyBytes")
        options = {"max_body_bytes": limit} if limit else {}
        meetergo.Inbox(call.get("store", "sqlite::memory:"), **options).accept(body)
        return
    if call["op"] == "parse":
        body = (FIXTURES / "deliveries" / call["file"]).read_bytes()
        limit = call.get("maxBodyBytes")
        meetergo.parse_event(body, max_body_bytes=limit) if limit else meetergo.parse_event(body)
        return
    with meetergo.Client(**client_kwargs(call, mock_url)) as client:
        run_op(client.webhooks, call)


def run_op(webhooks: Any, call: dict[str, Any]) -> Any:
    op = call["op"]
    if op == "create":
        return webhooks.create(endpoint=call["endpoint"], event_types=call["eventTypes"])
    if op == "list":
        return webhooks.list()
    if op == "update":
        return webhooks.update(call["id"], description=call["description"])
    if op == "delete":
        return webhooks.delete(call["id"])
    raise AssertionError(f"the client was built for {call}")


def call_async(call: dict[str, Any], mock_url: str) -> None:
    async def main() -> None:
        async with meetergo.AsyncClient(**client_kwargs(call, mock_url)) as client:
            await run_op(client.webhooks, call)

    asyncio.run(main())


def check(error: meetergo.MeetergoError, expect: dict[str, Any]) -> None:
    contains = expect.get("~contains", {})
    # Every field the scenario names is one this test knows, and the error has no attribute beyond them.
    assert set(expect) | set(contains) <= {*PYTHON_NAMES, "name", "code", "message", "~contains"}, expect
    assert set(vars(error)) <= {*PYTHON_NAMES.values(), "message", "server_messages"}, vars(error)
    assert type(error).__name__ == expect["name"]
    assert isinstance(error, meetergo.MeetergoError)
    assert error.code == expect["code"]
    if "message" in expect:
        assert str(error) == expect["message"]
    else:
        assert contains["message"] in str(error)
    for key, attribute in PYTHON_NAMES.items():
        actual = getattr(error, attribute)
        if key in contains:
            assert isinstance(actual, str) and contains[key] in actual, (key, actual)
        elif key in expect:
            wanted = expect[key] / 1000 if key in IN_SECONDS else expect[key]
            assert actual == wanted and type(actual) is type(wanted), (key, actual, wanted)
        elif key == "outcomeUnknown":
            assert actual is False
        else:
            assert actual is None, (key, actual)
    # The list form of meetergo's message, for answers.
    if "status" in expect:
        message = expect.get("serverMessage")
        assert error.server_messages == ([message] if isinstance(message, str) else (message or []))
    else:
        assert error.server_messages is None
    # Pickled (task queues, multiprocessing) with every attribute.
    import pickle

    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and again.__dict__ == error.__dict__


@pytest.fixture(autouse=True)
def no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MEETERGO_API_KEY", "MEETERGO_USER_ID", "MEETERGO_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_every_error_carries_the_cores_report(
    scenario: dict[str, Any], mode: str, mock_url: str, inject: Callable[[str, dict[str, Any]], None]
) -> None:
    call = scenario["call"]
    if mode == "async" and call["op"] in ("parse", "inbox"):
        pytest.skip("parsing and the inbox have no async form")
    if "fault" in scenario:
        inject(mock_url, scenario["fault"])
    with pytest.raises(meetergo.MeetergoError) as info:
        (call_sync if mode == "sync" else call_async)(call, mock_url)
    check(info.value, scenario["expect"])


def test_the_scenarios_cover_every_error_class() -> None:
    names = {s["expect"]["name"] for s in SCENARIOS}
    classes = {
        cls.__name__
        for cls in vars(meetergo).values()
        if isinstance(cls, type)
        and issubclass(cls, meetergo.MeetergoError)
        and cls is not meetergo.MeetergoError
    }
    assert classes <= names, classes - names
    assert not os.environ.get("MEETERGO_API_KEY")
