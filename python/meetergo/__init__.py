"""meetergo's Webhooks API from Python.

Parse what meetergo POSTs to your endpoint into typed events, compute idempotency keys and skip duplicate
deliveries; check webhook definitions exactly as the SDK does before sending. The work is done by the SDK's Rust
core (``meetergo._native``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Union

from meetergo._client import AsyncClient, AsyncWebhooks, Client, RateLimit, Webhooks, WebhookSpec

# <generated:errors> Written by `make generate` from meetergo-bind's table of error classes; do not edit.
from meetergo._errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConnectionError,
    InboxError,
    LimitReachedError,
    MeetergoError,
    NotFoundError,
    PayloadError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    TimeoutError,
    ValidationError,
)

# </generated:errors>
from meetergo._inbox import Inbox, InboxWorker
from meetergo._native import (
    MAX_WEBHOOKS_PER_COMPANY,
    Accepted,
    Attendee,
    AttendeeList,
    BookingCancelled,
    BookingCreated,
    BookingRescheduled,
    Cancellation,
    Claim,
    Deduplicator,
    FormSubmission,
    Host,
    HostList,
    MeetingInfo,
    MeetingType,
    MeetingTypeInfo,
    NewEmployee,
    PathSecret,
    SyncAction,
    UnknownEvent,
    Webhook,
    parse_event,
    validate_webhook,
)
from meetergo._types import EventType

# `event.attendees` and `event.hosts` are read-only sequences whose items are made when read.
Sequence.register(AttendeeList)
Sequence.register(HostList)

#: Any parsed delivery: what `parse_event` returns.
Event = Union[BookingCreated, BookingCancelled, BookingRescheduled, NewEmployee, FormSubmission, UnknownEvent]


def __getattr__(name: str) -> str:
    # `__version__` comes from the package metadata, read on first use: importing importlib.metadata costs more
    # than the whole package (tens of milliseconds).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("meetergo")
        except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module 'meetergo' has no attribute {name!r}")


# <generated:all> Written by `make generate` from meetergo-bind's export table; do not edit.
__all__ = [
    "MAX_WEBHOOKS_PER_COMPANY",
    "APIError",
    "Accepted",
    "AsyncClient",
    "AsyncWebhooks",
    "Attendee",
    "AttendeeList",
    "AuthenticationError",
    "BadRequestError",
    "BookingCancelled",
    "BookingCreated",
    "BookingRescheduled",
    "Cancellation",
    "Claim",
    "Client",
    "ConnectionError",
    "Deduplicator",
    "Event",
    "EventType",
    "FormSubmission",
    "Host",
    "HostList",
    "Inbox",
    "InboxError",
    "InboxWorker",
    "LimitReachedError",
    "MeetergoError",
    "MeetingInfo",
    "MeetingType",
    "MeetingTypeInfo",
    "NewEmployee",
    "NotFoundError",
    "PathSecret",
    "PayloadError",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitError",
    "ServerError",
    "SyncAction",
    "TimeoutError",
    "UnknownEvent",
    "ValidationError",
    "Webhook",
    "WebhookSpec",
    "Webhooks",
    "__version__",
    "parse_event",
    "validate_webhook",
]
# </generated:all>
