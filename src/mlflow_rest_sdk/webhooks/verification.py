"""``verify``: from an HTTP request's headers and raw body to a typed, authentic, fresh event.

Framework-free on purpose: every web framework can hand over its header container and the body
bytes, and the checks are the same everywhere. The order is chosen so that nothing about an
unauthenticated request is trusted: headers are read, the signature is checked (so a forged or
altered timestamp reads as a signature mismatch, not as "too old"), then the time window, then
the body is parsed, and only an authentic, fresh, well-formed delivery is claimed in the
duplicate filter; a forged request can therefore neither fill the filter nor block the real
delivery whose id it copied.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Final

from mlflow_rest_sdk.webhooks.dedup import DeliveryFilter
from mlflow_rest_sdk.webhooks.errors import DuplicateDeliveryError, Reason, WebhookVerificationError
from mlflow_rest_sdk.webhooks.events import Event, parse_event
from mlflow_rest_sdk.webhooks.headers import (
    DELIVERY_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    HeaderSource,
    read_header,
)
from mlflow_rest_sdk.webhooks.signing import signature_matches

__all__ = ["DEFAULT_TOLERANCE", "verify"]

#: Seconds a delivery's timestamp may be behind (or ahead of) the receiver's clock. Five
#: minutes, as Standard Webhooks recommends: MLflow's own retries of one delivery (up to 3, with
#: 1-4 s back-off and a 30 s timeout each) arrive well within it, clock skew of a few seconds
#: is absorbed, and a captured delivery cannot be replayed later.
DEFAULT_TOLERANCE: Final = 300.0

# MLflow sends a UUID. Refusing '.' keeps "{delivery_id}.{timestamp}." unambiguous; the length
# bound keeps a hostile header out of logs and out of the duplicate filter's memory.
_DELIVERY_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,128}")
_TIMESTAMP: Final = re.compile(r"[0-9]{1,12}")


def _secrets(secret: str | Sequence[str]) -> tuple[str, ...]:
    secrets = (secret,) if isinstance(secret, str) else tuple(secret)
    if not secrets or not all(isinstance(s, str) and s for s in secrets):
        # A webhook without a secret is not signed: there is nothing to verify against.
        raise ValueError("verify needs at least one non-empty webhook secret")
    return secrets


def verify(
    secret: str | Sequence[str],
    headers: HeaderSource,
    body: bytes | bytearray | memoryview,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
    deliveries: DeliveryFilter | None = None,
) -> Event:
    """Check a webhook delivery from MLflow and return its typed event.

    ``secret`` is the webhook's secret (or several, while rotating one); ``headers`` any header
    container (``dict``, starlette/werkzeug ``Headers``, ``http.client.HTTPMessage``, or ASGI
    byte pairs; names are matched case-insensitively); ``body`` the request body exactly as
    received. ``tolerance`` is how many seconds the ``X-MLflow-Timestamp`` may differ from
    ``now`` (unix seconds, default the current time) in either direction. With ``deliveries``,
    an id accepted before is refused with :class:`DuplicateDeliveryError` until its timestamp
    leaves the tolerance.

    Raises :class:`WebhookVerificationError` (``error.reason`` says why) for a missing or
    malformed header, a signature made with another secret or over other content, a timestamp
    outside the tolerance, a duplicate, or a body that is not the documented JSON; ``ValueError``
    for an empty secret or a tolerance that is not positive. The messages never contain the
    secret.
    """
    secrets = _secrets(secret)
    if isinstance(body, str):
        raise TypeError("verify needs the raw body bytes, not decoded text")
    if not tolerance > 0:
        raise ValueError(f"tolerance must be positive, got {tolerance}")
    raw = bytes(body)

    delivery_id = read_header(headers, DELIVERY_ID_HEADER)
    if not _DELIVERY_ID.fullmatch(delivery_id):
        raise WebhookVerificationError(
            Reason.MALFORMED_HEADER, f"header {DELIVERY_ID_HEADER} is not a delivery id"
        )
    timestamp_text = read_header(headers, TIMESTAMP_HEADER)
    if not _TIMESTAMP.fullmatch(timestamp_text):
        raise WebhookVerificationError(
            Reason.MALFORMED_HEADER, f"header {TIMESTAMP_HEADER} is not unix seconds"
        )
    signature = read_header(headers, SIGNATURE_HEADER)

    if not signature_matches(secrets, delivery_id, timestamp_text, raw, signature):
        raise WebhookVerificationError(
            Reason.SIGNATURE_MISMATCH,
            f"delivery {delivery_id!r}: the signature was not made with this secret over this "
            "delivery id, timestamp and body",
        )

    signed_at = int(timestamp_text)
    current = time.time() if now is None else now
    age = current - signed_at
    if age > tolerance:
        raise WebhookVerificationError(
            Reason.TIMESTAMP_TOO_OLD,
            f"delivery {delivery_id!r} was signed {age:.0f} s ago (tolerance {tolerance:g} s)",
        )
    if -age > tolerance:
        raise WebhookVerificationError(
            Reason.TIMESTAMP_IN_FUTURE,
            f"delivery {delivery_id!r} is dated {-age:.0f} s ahead (tolerance {tolerance:g} s)",
        )

    event = parse_event(raw, delivery_id=delivery_id, signed_at=signed_at)
    # Remembered until this timestamp would be refused anyway: no replay window is left open.
    if deliveries is not None and not deliveries.claim(
        delivery_id, until=signed_at + tolerance, now=current
    ):
        raise DuplicateDeliveryError(delivery_id)
    return event
