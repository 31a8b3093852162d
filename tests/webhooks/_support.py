"""Signed deliveries built the way MLflow 3.17.2's server builds them, for the unit tests.

The signature is computed here with ``hmac`` directly, not with the SDK's ``sign``, so the unit
tests check ``verify`` against an independent statement of MLflow's construction:
``v1,`` + base64(HMAC-SHA256(secret, f"{delivery_id}.{timestamp}.{body}")).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

SECRET = "whsec-station-champions"
NOW = 1_796_389_594.0


def mlflow_signature(secret: str, delivery_id: str, timestamp: str, body: bytes) -> str:
    content = f"{delivery_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def mlflow_body(entity: str, action: str, data: dict[str, Any], **extra: Any) -> bytes:
    """A body as MLflow posts it: ``json.dumps`` of the envelope, UTF-8."""
    envelope = {
        "entity": entity,
        "action": action,
        "timestamp": "2026-12-04T13:06:34.666446+00:00",
        "data": data,
        **extra,
    }
    return json.dumps(envelope).encode()


ALIAS_CREATED = mlflow_body(
    "model_version_alias",
    "created",
    {"name": "station-42-xgb", "alias": "champion", "version": "7"},
)


@dataclass(frozen=True)
class Delivery:
    """One POST as MLflow sends it; ``signed()`` fills in the signature header."""

    body: bytes = ALIAS_CREATED
    secret: str = SECRET
    delivery_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    timestamp: str = str(int(NOW))

    def headers(self) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "X-MLflow-Delivery-Id": self.delivery_id,
            "X-MLflow-Timestamp": self.timestamp,
            "X-MLflow-Signature": mlflow_signature(
                self.secret, self.delivery_id, self.timestamp, self.body
            ),
        }

    def but(self, **changes: Any) -> Delivery:
        return replace(self, **changes)
