"""MLflow's webhook signature: computing it, and checking a received one in constant time.

MLflow (3.3 to at least 3.17.2) signs ``f"{delivery_id}.{timestamp}.{payload}"`` with
HMAC-SHA256, the secret and the content both UTF-8 encoded, and sends
``X-MLflow-Signature: v1,<standard base64 of the digest>``. ``payload`` is the exact JSON text
it posts as the body, so the receiver must sign the raw body bytes it read, never a re-encoding
of parsed JSON (key order, spacing and escapes would differ).

The header grammar follows Standard Webhooks, whose layout MLflow adopted: one or more
space-separated ``version,signature`` entries. MLflow sends one; accepting several, and several
secrets on our side, lets a secret be rotated without refusing deliveries in between.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from typing import Final

from mlflow_rest_sdk.webhooks.errors import Reason, WebhookVerificationError

__all__ = ["SIGNATURE_VERSION", "sign", "signature_matches"]

#: The only signature scheme MLflow uses.
SIGNATURE_VERSION: Final = "v1"
_DIGEST_SIZE: Final = hashlib.sha256().digest_size


def _digest(secret: str, delivery_id: str, timestamp: str, body: bytes) -> bytes:
    signed = f"{delivery_id}.{timestamp}.".encode() + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).digest()


def sign(secret: str, delivery_id: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-MLflow-Signature`` value MLflow sends for this delivery.

    For tests and for tools that replay or simulate deliveries; a receiver calls ``verify``.
    """
    if not secret:
        raise ValueError("a webhook secret must not be empty")
    digest = _digest(secret, delivery_id, str(timestamp), bytes(body))
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


def _v1_signatures(header: str) -> list[bytes]:
    """The decoded ``v1`` digests of a signature header; raises when there is none."""
    digests: list[bytes] = []
    versions: set[str] = set()
    for entry in header.split():
        version, comma, encoded = entry.partition(",")
        if not comma:
            continue
        versions.add(version)
        if version != SIGNATURE_VERSION:
            continue
        try:
            digest = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            continue
        if len(digest) == _DIGEST_SIZE:
            digests.append(digest)
    if digests:
        return digests
    if versions and SIGNATURE_VERSION not in versions:
        raise WebhookVerificationError(
            Reason.UNSUPPORTED_SIGNATURE_VERSION,
            f"the signature header has versions {sorted(versions)}, not {SIGNATURE_VERSION!r}",
        )
    raise WebhookVerificationError(
        Reason.MALFORMED_HEADER,
        "the signature header holds no 'v1,<base64 HMAC-SHA256>' entry",
    )


def signature_matches(
    secrets: Sequence[str], delivery_id: str, timestamp: str, body: bytes, header: str
) -> bool:
    """Whether any ``v1`` signature of ``header`` was made with any of ``secrets``.

    Every comparison is made (``hmac.compare_digest``, no early return), so the time taken
    tells an attacker nothing about how close a guess was. Raises
    :class:`WebhookVerificationError` when the header holds no readable ``v1`` signature.
    """
    received = _v1_signatures(header)
    matched = False
    for secret in secrets:
        expected = _digest(secret, delivery_id, timestamp, body)
        for candidate in received:
            matched |= hmac.compare_digest(expected, candidate)
    return matched
