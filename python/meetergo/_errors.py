"""The exceptions of the meetergo SDK. Every failure is a ``MeetergoError``.

Each exception is built from the Rust core's error report, so every attribute means what it means in Node and
Rust. Every attribute exists on every class; those that do not apply to an error are ``None`` (``outcome_unknown``
is ``False``).
"""

from __future__ import annotations

import builtins
from typing import Any


class MeetergoError(Exception):
    """Base class of every error the SDK raises."""

    #: Stable code, the same as Node's ``error.code`` (``"MEETERGO_NOT_FOUND"``, ...).
    code: str = "MEETERGO_ERROR"
    #: The HTTP status of meetergo's answer.
    status_code: int | None = None
    #: meetergo's ``message`` as sent: a sentence, or a list of them (NestJS validation errors).
    server_message: str | list[str] | None = None
    #: meetergo's message(s) as a list (``[]`` for an answer without one); ``None`` without an answer.
    server_messages: list[str] | None = None
    #: meetergo's ``error``: the status text it sent (``"Not Acceptable"``).
    server_error: str | None = None
    #: meetergo's per-field ``errors``: ``[{"field": ..., "message": ...}]``.
    field_errors: list[dict[str, str | None]] | None = None
    #: meetergo's ``code`` (``"PLAN_LIMIT_REACHED"``), not to be confused with ``code``.
    server_code: str | None = None
    #: meetergo's ``feature`` (with plan limits).
    feature: str | None = None
    #: The HTTP method of the request that failed.
    method: str | None = None
    #: The path of the request that failed (``/webhooks/1492``).
    request_path: str | None = None
    #: Timeouts: the per-attempt timeout that fired, in seconds.
    timeout: float | None = None
    #: Timeouts: how many attempts were made.
    attempts: int | None = None
    #: meetergo's answer as received (truncated; never holds the API token).
    body: str | None = None
    #: Seconds meetergo asked to wait (``Retry-After``), when it said.
    retry_after: float | None = None
    #: True when the request may have been processed although the call failed (a create: reconcile first).
    outcome_unknown: bool = False
    #: Validation: the offending field, in the wire's spelling (``endpoint``, ``eventTypes[2]``, ``userId``).
    field: str | None = None
    #: Validation: why it was rejected.
    reason: str | None = None
    #: Validation and payload errors: the kind (``"InsecureScheme"``, ``"InvalidJson"``, ...).
    kind: str | None = None
    #: Payload errors: the wire path of the offending field (``attendees[1].email``).
    path: str | None = None
    #: Payload errors: 1-based line of a JSON syntax error.
    line: int | None = None
    #: Payload errors: 1-based column of a JSON syntax error.
    column: int | None = None
    #: Payload errors: the size of a body over the limit, in bytes.
    size: int | None = None
    #: Payload errors: the limit a body was over, in bytes.
    limit: int | None = None
    #: Payload errors: the offset of the first byte that is not UTF-8.
    offset: int | None = None
    #: The underlying cause (a connection error's source), as text.
    cause: str | None = None

    def __init__(self, message: str) -> None:
        """An error with ``message``; the SDK sets the other attributes where they apply."""
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the attributes the native module sets when pickling (multiprocessing, task queues).
        return (type(self), (self.message,), self.__dict__)

    def __str__(self) -> str:
        return self.message


# <generated:classes> Written by `make generate` from meetergo-bind's table of error classes; do not edit.


class ValidationError(MeetergoError, builtins.ValueError):
    """Rejected before anything was sent: ``field`` names the offending field, ``reason`` says why, ``kind`` classifies it."""

    code = "MEETERGO_VALIDATION"


class PayloadError(MeetergoError, builtins.ValueError):
    """A delivery body could not be read: ``kind`` says why; ``path``, or ``line`` and ``column``, say where."""

    code = "MEETERGO_PAYLOAD"


class APIError(MeetergoError):
    """meetergo answered with an error status, or with a success that could not be read."""

    code = "MEETERGO_API"


class BadRequestError(APIError):
    """400: meetergo refused the request."""

    code = "MEETERGO_BAD_REQUEST"


class AuthenticationError(APIError):
    """401: the API token is missing, wrong or revoked."""

    code = "MEETERGO_AUTHENTICATION"


class PermissionDeniedError(APIError):
    """403: the token may not do this."""

    code = "MEETERGO_PERMISSION_DENIED"


class NotFoundError(APIError):
    """404: no such webhook."""

    code = "MEETERGO_NOT_FOUND"


class LimitReachedError(APIError):
    """406: the company already has six webhooks."""

    code = "MEETERGO_LIMIT_REACHED"


class RateLimitError(APIError):
    """429 after the retries; ``retryAfter`` says how long meetergo asked to wait, when it said."""

    code = "MEETERGO_RATE_LIMITED"


class ServerError(APIError):
    """5xx after the retries."""

    code = "MEETERGO_SERVER"


class TimeoutError(MeetergoError, builtins.TimeoutError):
    """No answer within the timeout, on the last attempt."""

    code = "MEETERGO_TIMEOUT"


class ConnectionError(MeetergoError, builtins.ConnectionError):
    """The connection failed (refused, reset, TLS, DNS) on the last attempt."""

    code = "MEETERGO_CONNECTION"


class InboxError(MeetergoError):
    """The durable inbox failed: ``kind`` is ``TooLarge`` (answer 413; ``size``, ``limit``), ``Storage`` (the store failed or is full: answer 503, nothing was stored), ``UnsupportedStore``, ``LeaseLost`` or ``NotFound``."""

    code = "MEETERGO_INBOX"


_CLASSES: dict[str, type[MeetergoError]] = {
    cls.__name__: cls
    for cls in (
        MeetergoError,
        ValidationError,
        PayloadError,
        APIError,
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        LimitReachedError,
        RateLimitError,
        ServerError,
        TimeoutError,
        ConnectionError,
        InboxError,
    )
}
# </generated:classes>


def _attribute(field: str) -> str:
    """A report field's attribute: snake_case (``requestPath`` → ``request_path``), ``status`` → ``status_code``,
    a ``...Ms`` duration in seconds without the suffix (``timeoutMs`` → ``timeout``)."""
    if field == "status":
        return "status_code"
    field = field.removesuffix("Ms")
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in field)


def _from_report(report: dict[str, Any]) -> MeetergoError:
    """The exception for one of the core's error reports (called by the native module)."""
    cls = _CLASSES.get(str(report.get("name")), MeetergoError)
    error = cls(str(report.get("message", "")))
    for field, value in report.items():
        if field in ("name", "code", "message") or value is None:
            continue
        setattr(error, _attribute(field), value / 1000 if field.endswith("Ms") else value)
    if report.get("status") is not None:
        message: str | list[str] | None = report.get("serverMessage")
        error.server_messages = [message] if isinstance(message, str) else list(message or [])
    return error
