"""The three headers MLflow signs a delivery with, read from whatever a framework hands us.

Frameworks disagree on header containers: a plain ``dict`` keeps the sender's spelling,
starlette's ``Headers`` lower-cases names, ``http.client.HTTPMessage`` (``http.server``) and
werkzeug's ``Headers`` compare case-insensitively, and ASGI's raw ``scope["headers"]`` is a list
of byte pairs. Looking a header up through ``.get()`` would be case-sensitive on a ``dict`` and
would hide repeated headers elsewhere, so we scan every pair once, compare names
case-insensitively, and refuse a header repeated with different values (which one the signature
covers would otherwise depend on the container).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Protocol, TypeAlias

from mlflow_rest_sdk.webhooks.errors import Reason, WebhookVerificationError

__all__ = [
    "DELIVERY_ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "HeaderSource",
    "SupportsHeaderItems",
    "read_header",
]

#: ``v1,<base64 HMAC-SHA256>``; absent when the webhook has no secret.
SIGNATURE_HEADER: Final = "X-MLflow-Signature"
#: Unix seconds, as an integer string, when MLflow signed the delivery.
TIMESTAMP_HEADER: Final = "X-MLflow-Timestamp"
#: A UUID, the same on every retry of one delivery.
DELIVERY_ID_HEADER: Final = "X-MLflow-Delivery-Id"


class SupportsHeaderItems(Protocol):
    """Any header container with ``items()``: ``dict``, starlette and werkzeug ``Headers``,
    ``http.client.HTTPMessage``, aiohttp's ``CIMultiDictProxy``."""

    def items(self) -> Iterable[tuple[str, str]]: ...


#: What :func:`read_header` (and ``verify``) accept: a container with ``items()``, or pairs of
#: ``str`` or ``bytes`` such as ASGI's ``scope["headers"]``.
HeaderSource: TypeAlias = SupportsHeaderItems | Iterable[tuple[str | bytes, str | bytes]]


def _pairs(headers: HeaderSource) -> Iterable[tuple[str | bytes, str | bytes]]:
    items = getattr(headers, "items", None)
    if callable(items):
        pairs: Iterable[tuple[str | bytes, str | bytes]] = items()
        return pairs
    return headers  # type: ignore[return-value]  # the iterable-of-pairs arm of the union


def _text(value: str | bytes) -> str:
    # HTTP header bytes are ISO-8859-1 (RFC 9110); MLflow's own values are plain ASCII.
    return value.decode("latin-1") if isinstance(value, bytes) else value


def read_header(headers: HeaderSource, name: str) -> str:
    """The value of header ``name``, found case-insensitively, stripped of surrounding spaces.

    Raises :class:`WebhookVerificationError` with :attr:`Reason.MISSING_HEADER` when it is absent
    or empty, and :attr:`Reason.MALFORMED_HEADER` when it appears twice with different values.
    """
    wanted = name.lower()
    found: set[str] = set()
    for key, value in _pairs(headers):
        if _text(key).lower() == wanted:
            found.add(_text(value).strip())
    found.discard("")
    if not found:
        raise WebhookVerificationError(Reason.MISSING_HEADER, f"header {name} is missing")
    if len(found) > 1:
        raise WebhookVerificationError(
            Reason.MALFORMED_HEADER, f"header {name} appears more than once with different values"
        )
    return found.pop()
