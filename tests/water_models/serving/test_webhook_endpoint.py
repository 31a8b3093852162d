"""``POST /webhooks/mlflow`` in process: what each kind of delivery is answered, before any reload.

The application runs over httpx's ASGI transport with a cache that is never started and an MLflow
address where nothing listens: these answers must come from verification alone. Accepted alias
deliveries, and the reloads they cause, are tested against a real server in
``test_serving_push_live.py``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mlflow_rest_sdk import MlflowClient, RetryPolicy
from mlflow_rest_sdk.webhooks import sign
from water_models import naming
from water_models.artifact_io import ArtifactReader
from water_models.cache import DiskCache
from water_models.fleet_cache import FleetCache
from water_models.local_store import LocalModelStore
from water_models.model_cache import ModelCache
from water_models.serving.app import create_app
from water_models.serving.push import Push

SECRET = "endpoint-test-secret"
PREFIX = "ut-"
PATH = "/webhooks/mlflow"


def _fleet(root: Path) -> FleetCache:
    client = MlflowClient("http://127.0.0.1:9", retry=RetryPolicy(max_attempts=1))
    return FleetCache(
        client,
        ModelCache(DiskCache(root / "cache"), ArtifactReader(client), ttl=0, allow_pickle=False),
        LocalModelStore(root / "models"),
        station_prefix=PREFIX,
        owns_client=True,
    )


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Push]]:
    cache = _fleet(tmp_path)
    push = Push(cache, public_url="http://127.0.0.1:9", secret=SECRET)
    app = create_app(cache, push=push, manage_cache=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
        yield http, push
    push.close()
    cache.close()


def _signed(
    payload: dict[str, Any], secret: str = SECRET, delivery_id: str | None = None
) -> dict[str, Any]:
    body = json.dumps(payload).encode()
    delivery = delivery_id or str(uuid.uuid4())
    timestamp = str(int(time.time()))
    headers = {
        "X-MLflow-Delivery-Id": delivery,
        "X-MLflow-Timestamp": timestamp,
        "X-MLflow-Signature": sign(secret, delivery, timestamp, body),
    }
    return {"headers": headers, "content": body}


def _alias(station: str, alias: str = naming.CHAMPION) -> dict[str, Any]:
    return {
        "entity": "model_version_alias",
        "action": "created",
        "timestamp": "2026-12-04T13:06:34.666446+00:00",
        "data": {
            "name": naming.registered_model_name(station, "xgboost"),
            "alias": alias,
            "version": "2",
        },
    }


async def test_a_delivery_signed_with_another_secret_is_refused_with_401(
    service: tuple[httpx.AsyncClient, Push],
) -> None:
    http, push = service

    answer = await http.post(PATH, **_signed(_alias(f"{PREFIX}1"), secret="another"))

    assert answer.status_code == 401 and answer.json()["error"] == "signature_mismatch"
    assert push.health().refused == 1 and push.health().accepted == 0


async def test_a_delivery_without_signature_headers_is_refused_with_401(
    service: tuple[httpx.AsyncClient, Push],
) -> None:
    http, _ = service

    answer = await http.post(PATH, content=json.dumps(_alias(f"{PREFIX}1")).encode())

    assert answer.status_code == 401 and answer.json()["error"] == "missing_header"


async def test_an_authentic_body_that_is_not_an_event_is_answered_400(
    service: tuple[httpx.AsyncClient, Push],
) -> None:
    http, _ = service

    answer = await http.post(PATH, **_signed({"entity": "model_version_alias"}))

    assert answer.status_code == 400 and answer.json()["error"] == "malformed_payload"


async def test_a_second_copy_of_a_delivery_is_answered_200_as_a_duplicate(
    service: tuple[httpx.AsyncClient, Push],
) -> None:
    http, push = service
    delivery = _signed(_alias("other-1", alias="challenger"))

    first = await http.post(PATH, **delivery)
    again = await http.post(PATH, **delivery)

    assert first.status_code == 200 and again.status_code == 200
    assert again.json() == {"status": "duplicate"} and push.health().duplicates == 1


@pytest.mark.parametrize(
    ("station", "alias"),
    [(f"{PREFIX}1", "challenger"), ("elsewhere-1", naming.CHAMPION)],
    ids=["another alias", "a station outside the prefix"],
)
async def test_an_alias_event_this_service_does_not_serve_is_ignored(
    service: tuple[httpx.AsyncClient, Push], station: str, alias: str
) -> None:
    http, push = service

    answer = await http.post(PATH, **_signed(_alias(station, alias)))

    assert answer.status_code == 200 and answer.json()["status"] == "ignored"
    assert push.health().ignored == 1 and push.health().accepted == 0


async def test_without_a_secret_the_endpoint_answers_404_and_health_says_push_is_off(
    tmp_path: Path,
) -> None:
    cache = _fleet(tmp_path)
    app = create_app(cache, manage_cache=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
        answer = await http.post(PATH, **_signed(_alias(f"{PREFIX}1")))
        push = (await http.get("/health")).json()["push"]
    cache.close()

    assert answer.status_code == 404 and answer.json()["error"] == "push_off"
    assert push["active"] is False and push["status"] == "off"
