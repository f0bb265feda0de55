"""``Client`` (blocking) and ``AsyncClient`` (asyncio) over the SDK's Rust core.

Options not given are read from ``MEETERGO_API_KEY``, ``MEETERGO_USER_ID`` and ``MEETERGO_BASE_URL``.
Blocking calls release the GIL while they wait, so threads run in parallel.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, TypedDict

from meetergo import _native
from meetergo._native import SyncAction, Webhook

if TYPE_CHECKING:
    from typing_extensions import Self


def _types(event_types: Iterable[str] | None) -> list[str] | None:
    # EventType members are str subclasses: plain strings go to the core.
    return None if event_types is None else [str(t) for t in event_types]


@dataclass(frozen=True)
class RateLimit:
    """A client-side rate limit: ``per_minute`` sustained, bursts of ``burst`` (meetergo allows 100 and 200)."""

    per_minute: float | None = None
    burst: float | None = None


class WebhookSpec(TypedDict, total=False):
    """One wanted webhook of ``sync``/``plan_sync``: ``endpoint`` and ``event_types`` are required."""

    endpoint: str
    event_types: Iterable[str]
    description: str | None


def _desired(desired: Iterable[WebhookSpec]) -> list[tuple[str, list[str], str | None]]:
    return [(d["endpoint"], [str(t) for t in d["event_types"]], d.get("description")) for d in desired]


class _Options:
    def __init__(
        self,
        *,
        api_key: str | None = None,
        user_id: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        allow_insecure_endpoints: bool = False,
        send_user_id_with_personal_token: bool = False,
        rate_limit: RateLimit | None = None,
        initial_retry_delay: float | None = None,
        max_retry_delay: float | None = None,
        ignore_env: bool = False,
    ) -> None:
        self._native = _native.Client(
            api_key=api_key,
            user_id=user_id,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            allow_insecure_endpoints=allow_insecure_endpoints,
            send_user_id_with_personal_token=send_user_id_with_personal_token,
            rate_limit=None if rate_limit is None else (rate_limit.per_minute, rate_limit.burst),
            initial_retry_delay=initial_retry_delay,
            max_retry_delay=max_retry_delay,
            ignore_env=ignore_env,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._native!r})"


class Webhooks:
    """``client.webhooks``: the company's webhook endpoints (blocking)."""

    def __init__(self, native: _native.Client) -> None:
        """Made by the client (``client.webhooks``); not constructed directly."""
        self._native = native

    def create(self, *, endpoint: str, event_types: Iterable[str], description: str | None = None) -> Webhook:
        """Registers a webhook; validated first (nothing is sent for a bad endpoint or no event types)."""
        return self._native.create(endpoint, [str(t) for t in event_types], description)

    def list(self) -> builtins.list[Webhook]:
        """The company's webhooks (at most six)."""
        return self._native.list()

    def update(
        self,
        id: str | int,
        *,
        endpoint: str | None = None,
        description: str | None = None,
        event_types: Iterable[str] | None = None,
    ) -> Webhook:
        """Changes a webhook; only the arguments given are sent, ``event_types`` replaces the whole list."""
        return self._native.update(_id(id), endpoint, description, _types(event_types))

    def delete(self, id: str | int) -> None:
        """Deletes a webhook."""
        self._native.delete(_id(id))

    def reconcile(
        self, *, endpoint: str, event_types: Iterable[str], description: str | None = None
    ) -> Webhook | None:
        """After a create whose outcome is unknown (``error.outcome_unknown``): the matching webhook, or ``None``."""
        return self._native.reconcile(endpoint, [str(t) for t in event_types], description)

    def plan_sync(self, desired: Iterable[WebhookSpec]) -> builtins.list[SyncAction]:
        """The steps that would make the company's webhooks match ``desired``; changes nothing."""
        return self._native.plan_sync(_desired(desired))

    def sync(self, desired: Iterable[WebhookSpec]) -> builtins.list[SyncAction]:
        """Makes the company's webhooks match ``desired``; returns the steps carried out (with ``webhook`` after)."""
        return self._native.sync(_desired(desired))


def _id(value: str | int) -> str:
    """A webhook id as the API takes it: ids are strings (``webhook.id``); an ``int`` kept from an answer where
    meetergo sent ``"id": 1492`` is accepted too."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"id must be a str or an int, not {type(value).__name__}")
    return value


class AsyncWebhooks:
    """``client.webhooks`` of an ``AsyncClient``: awaitables on the running asyncio loop."""

    def __init__(self, native: _native.Client) -> None:
        """Made by the client (``client.webhooks``); not constructed directly."""
        self._native = native

    async def create(
        self, *, endpoint: str, event_types: Iterable[str], description: str | None = None
    ) -> Webhook:
        """Registers a webhook."""
        return await self._native.create_async(endpoint, [str(t) for t in event_types], description)

    async def list(self) -> builtins.list[Webhook]:
        """The company's webhooks."""
        return await self._native.list_async()

    async def update(
        self,
        id: str | int,
        *,
        endpoint: str | None = None,
        description: str | None = None,
        event_types: Iterable[str] | None = None,
    ) -> Webhook:
        """Changes a webhook."""
        return await self._native.update_async(_id(id), endpoint, description, _types(event_types))

    async def delete(self, id: str | int) -> None:
        """Deletes a webhook."""
        await self._native.delete_async(_id(id))

    async def reconcile(
        self, *, endpoint: str, event_types: Iterable[str], description: str | None = None
    ) -> Webhook | None:
        """After a create whose outcome is unknown: the matching webhook, or ``None``."""
        return await self._native.reconcile_async(endpoint, [str(t) for t in event_types], description)

    async def plan_sync(self, desired: Iterable[WebhookSpec]) -> builtins.list[SyncAction]:
        """The steps that would make the company's webhooks match ``desired``; changes nothing."""
        return await self._native.plan_sync_async(_desired(desired))

    async def sync(self, desired: Iterable[WebhookSpec]) -> builtins.list[SyncAction]:
        """Makes the company's webhooks match ``desired``; returns the steps carried out."""
        return await self._native.sync_async(_desired(desired))


class Client(_Options):
    """The blocking client. ``with Client(...) as client:`` closes it at the end."""

    @property
    def webhooks(self) -> Webhooks:
        """The webhook operations: ``list``, ``get``, ``create``, ``update``, ``delete``, ``sync``."""
        return Webhooks(self._native)

    def close(self) -> None:
        """Releases the client (its connections close when the last reference goes)."""

    def __enter__(self) -> Self:
        """Returns the client itself."""
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Closes the client (``close``)."""
        self.close()


class AsyncClient(_Options):
    """The asyncio client. ``async with AsyncClient(...) as client:``."""

    @property
    def webhooks(self) -> AsyncWebhooks:
        """The webhook operations, as coroutines: ``list``, ``get``, ``create``, ``update``, ``delete``, ``sync``."""
        return AsyncWebhooks(self._native)

    async def aclose(self) -> None:
        """Releases the client."""

    async def __aenter__(self) -> Self:
        """Returns the client itself."""
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Closes the client (``aclose``)."""
        await self.aclose()
