"""The exceptions of the meetergo SDK. Every failure is a ``MeetergoError``."""

from __future__ import annotations

import builtins
from typing import Any


class MeetergoError(Exception):
    """Base class of every error the SDK raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the attributes the native module sets when pickling (multiprocessing, task queues).
        return (type(self), (self.message,), self.__dict__)

    def __str__(self) -> str:
        return self.message


class ValidationError(MeetergoError, ValueError):
    """Rejected before anything was sent. ``field`` names the offending field, ``reason`` says why."""

    field: str | None = None
    reason: str | None = None
    kind: str | None = None


class PayloadError(MeetergoError, ValueError):
    """A delivery body could not be read. ``kind`` says why; ``path``, ``line``, ``column`` where."""

    kind: str | None = None
    path: str | None = None
    line: int | None = None
    column: int | None = None


class APIError(MeetergoError):
    """meetergo answered with an error status."""

    status_code: int | None = None
    body: str | None = None
    #: meetergo's message(s), as a list.
    server_messages: list[str] | None = None
    #: Seconds meetergo asked to wait (`Retry-After`), when it said.
    retry_after: float | None = None
    #: True when the request may have been processed although the call failed (a create: reconcile first).
    outcome_unknown: bool = False


class BadRequestError(APIError):
    """400."""


class AuthenticationError(APIError):
    """401."""


class PermissionDeniedError(APIError):
    """403."""


class NotFoundError(APIError):
    """404."""


class LimitReachedError(APIError):
    """406: the company already has six webhooks."""


class RateLimitError(APIError):
    """429 after the retries; ``retry_after`` in seconds when meetergo said."""


class ServerError(APIError):
    """5xx after the retries."""


class TimeoutError(MeetergoError, builtins.TimeoutError):
    """No answer within the timeout."""


class ConnectionError(MeetergoError, builtins.ConnectionError):
    """The connection failed."""
