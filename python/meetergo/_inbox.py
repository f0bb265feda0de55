"""The durable inbox's workers: threads or asyncio, sync or async handlers.

``Inbox`` itself (accept, claim, complete, fail, list, counts, replay, purge) is the Rust core's; this module only
drives it: a worker claims a delivery, runs the handler, and completes the delivery, or records the failure (retried
with backoff, dead-lettered after ``max_attempts``).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import socket
import threading
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Callable, Union

from meetergo._errors import InboxError
from meetergo._native import Claim
from meetergo._native import Inbox as _NativeInbox

if TYPE_CHECKING:
    from typing_extensions import Self

_log = logging.getLogger("meetergo.inbox")

#: A handler: called with the claimed delivery; returning means handled, raising means failed (retried later).
Handler = Callable[[Claim], Union[None, Awaitable[None]]]


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _failure(error: BaseException) -> str:
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - a user exception whose __str__ fails
        text = ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class Inbox(_NativeInbox):
    """A durable delivery inbox: ``Inbox("sqlite:inbox.db")``, or ``Inbox("redis://host:6379/0?prefix=NAME")`` for
    receivers on many machines.

    In the HTTP handler, ``status, body = inbox.receive(raw_body, headers)`` stores the delivery before you answer
    (200 only once it is stored; 413 or 503 otherwise). Workers (``inbox.worker(handler)``, ``await
    inbox.run_async(handler)``) run ``handler(claim)`` for each stored delivery, exactly once unless it fails or its
    lease expires (key your side effects by ``claim.key``).
    """

    def _settle(self, claim: Claim, error: BaseException | None) -> None:
        try:
            if error is None:
                self.complete(claim)
            else:
                retry = self.fail(claim, _failure(error))
                if retry is None:
                    _log.warning("delivery %s (%s) dead-lettered: %s", claim.id, claim.key, _failure(error))
                else:
                    _log.info(
                        "delivery %s failed (attempt %s), retried in %.1fs", claim.id, claim.attempt, retry
                    )
        except InboxError as e:
            if e.kind != "LeaseLost":
                raise
            # Its lease expired while the handler ran: another worker has it now.
            _log.warning("delivery %s: %s", claim.id, e)

    def work_once(self, handler: Handler, *, worker: str | None = None) -> bool:
        """Claims one due delivery and runs ``handler(claim)`` on it (an async handler runs to completion in a new
        event loop); ``False`` when nothing was due. A handler that raises records a failed attempt."""
        claim = self.claim(worker or _worker_name())
        if claim is None:
            return False
        try:
            result = handler(claim)
            if inspect.isawaitable(result):
                asyncio.run(_awaited(result))
        except Exception as e:  # noqa: BLE001 - any failure of the user's handler is a failed attempt
            self._settle(claim, e)
        except BaseException as e:
            # KeyboardInterrupt, SystemExit: recorded, then let through.
            self._settle(claim, e)
            raise
        else:
            self._settle(claim, None)
        return True

    async def work_once_async(self, handler: Handler, *, worker: str | None = None) -> bool:
        """``work_once`` for asyncio: the store is used from a thread, an async handler is awaited in this loop, a
        sync one runs in a thread."""
        claim = await asyncio.to_thread(self.claim, worker or _worker_name())
        if claim is None:
            return False
        try:
            if inspect.iscoroutinefunction(handler):
                await handler(claim)
            else:
                result = await asyncio.to_thread(handler, claim)
                if inspect.isawaitable(result):
                    await result
        except Exception as e:  # noqa: BLE001 - any failure of the user's handler is a failed attempt
            await asyncio.to_thread(self._settle, claim, e)
        except BaseException as e:
            await asyncio.to_thread(self._settle, claim, e)
            raise
        else:
            await asyncio.to_thread(self._settle, claim, None)
        return True

    def worker(
        self, handler: Handler, *, threads: int = 1, poll_interval: float = 0.5, name: str | None = None
    ) -> InboxWorker:
        """Starts ``threads`` worker threads running ``handler`` on every due delivery; stop them with
        ``.stop()`` (or use the worker as a context manager)."""
        return InboxWorker(self, handler, threads=threads, poll_interval=poll_interval, name=name)

    async def run_async(
        self,
        handler: Handler,
        *,
        concurrency: int = 1,
        poll_interval: float = 0.5,
        stop: asyncio.Event | None = None,
    ) -> None:
        """Runs ``concurrency`` asyncio workers until ``stop`` is set (or the task is cancelled)."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        stop = stop or asyncio.Event()
        name = _worker_name()

        async def loop(n: int) -> None:
            while not stop.is_set():
                try:
                    worked = await self.work_once_async(handler, worker=f"{name}:{n}")
                except Exception:  # noqa: BLE001 - the store away (Redis, disk full) or anything else: wait, go on
                    _log.exception("inbox worker %s:%s", name, n)
                    worked = False
                if not worked:
                    try:
                        await asyncio.wait_for(stop.wait(), poll_interval)
                    except asyncio.TimeoutError:
                        pass

        await asyncio.gather(*(loop(n) for n in range(concurrency)))


async def _awaited(result: Awaitable[None]) -> None:
    await result


class InboxWorker:
    """Worker threads of an ``Inbox`` (``inbox.worker(handler)``)."""

    def __init__(
        self, inbox: Inbox, handler: Handler, *, threads: int, poll_interval: float, name: str | None
    ) -> None:
        """Made by ``inbox.worker(handler)``, which gives the arguments; starts the threads at once."""
        if threads < 1:
            raise ValueError("threads must be at least 1")
        self._inbox = inbox
        self._handler = handler
        self._poll = poll_interval
        self._stop = threading.Event()
        base = name or _worker_name()
        self._threads = [
            threading.Thread(target=self._run, args=(f"{base}:{n}",), name=f"meetergo-inbox-{n}", daemon=True)
            for n in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def _run(self, name: str) -> None:
        while not self._stop.is_set():
            try:
                worked = self._inbox.work_once(self._handler, worker=name)
            except Exception:  # noqa: BLE001 - the store away (Redis, disk full) or anything else: wait, go on
                _log.exception("inbox worker %s", name)
                worked = False
            if not worked:
                self._stop.wait(self._poll)

    def stop(self, timeout: float | None = None) -> None:
        """Stops the threads after the deliveries they are handling, and waits for them."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether any thread still runs."""
        return any(t.is_alive() for t in self._threads)

    def __enter__(self) -> Self:
        """Returns the worker itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stops the threads and waits for them (``stop``)."""
        self.stop()
