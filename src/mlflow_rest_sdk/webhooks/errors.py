"""Why a delivery was refused: one exception type, with a machine-readable reason.

A receiver needs to tell "answer 401 and log it" (a forged or replayed request) from "answer 200
and skip it" (a duplicate of a delivery already handled). One class with a :class:`Reason` lets
a framework handler branch on ``error.reason`` without importing a family of subclasses, and the
duplicate case has its own subclass for an ``except`` clause of its own.

The messages name the header, the reason and the non-secret values involved (the timestamp, the
delivery id); they never contain the secret or the expected signature, so they are safe to log
and to send back in a response.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DuplicateDeliveryError", "Reason", "WebhookVerificationError"]


class Reason(StrEnum):
    """What was wrong with a delivery (the values are stable, for logs and metrics)."""

    MISSING_HEADER = "missing_header"
    """A required ``X-MLflow-*`` header is absent (a webhook created without a secret is never
    signed, so its deliveries always fail this way)."""
    MALFORMED_HEADER = "malformed_header"
    """A header is present but unreadable: not an integer timestamp, not base64, repeated with
    different values, or a delivery id with characters MLflow never uses."""
    UNSUPPORTED_SIGNATURE_VERSION = "unsupported_signature_version"
    """The signature header carries no ``v1`` signature (a scheme this SDK does not know)."""
    SIGNATURE_MISMATCH = "signature_mismatch"
    """No signature matches: wrong secret, or the body, delivery id or timestamp was changed."""
    TIMESTAMP_TOO_OLD = "timestamp_too_old"
    """Signed longer ago than the tolerance allows: a replay, or a clock far behind."""
    TIMESTAMP_IN_FUTURE = "timestamp_in_future"
    """Signed further ahead than the tolerance allows: a clock far ahead, or a forged time."""
    DUPLICATE_DELIVERY = "duplicate_delivery"
    """The delivery id was already accepted within its replay window."""
    MALFORMED_PAYLOAD = "malformed_payload"
    """Authentic, but the body is not the JSON object MLflow documents for its event type."""


class WebhookVerificationError(Exception):
    """A delivery that must not be acted on; ``reason`` says why.

    ``str(error)`` is a sentence for logs; ``reason`` is for code (for example, answer 400 for
    :attr:`Reason.MALFORMED_PAYLOAD` and 401 for the rest).
    """

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason
        self.detail = message


class DuplicateDeliveryError(WebhookVerificationError):
    """The delivery was authentic but was already accepted once (a retry or a replay).

    A receiver usually answers 2xx to it: MLflow retries only on failures, so answering an error
    here would make it send the same delivery again.
    """

    def __init__(self, delivery_id: str) -> None:
        super().__init__(Reason.DUPLICATE_DELIVERY, f"delivery {delivery_id!r} was already seen")
        self.delivery_id = delivery_id
