"""Constants."""

from __future__ import annotations

from enum import Enum


class EventType(str, Enum):
    """The event types meetergo delivers. Unknown strings are accepted and passed through everywhere."""

    # <generated:event-types> Written by `make generate` from the core; do not edit.
    BOOKING_CREATED = "booking_created"
    BOOKING_CANCELLED = "booking_cancelled"
    BOOKING_RESCHEDULED = "booking_rescheduled"
    NEW_EMPLOYEE = "new_employee"
    FORM_SUBMISSION = "form_submission"
    CREDENTIAL_ERROR = "credential_error"
    REVIEW_SUBMITTED = "review_submitted"
    REVIEW_PUBLISHED = "review_published"
    SIGNATURE_COMPLETED = "signature_completed"
    # </generated:event-types>

    def __str__(self) -> str:
        return self.value
