"""The FastAPI receiver of ``examples/`` (shown in docs/webhooks.md) answers as documented."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import httpx
import pytest
from examples import webhook_receiver_fastapi as example

from mlflow_rest_sdk.webhooks import DeliveryFilter

from ._support import SECRET, Delivery, mlflow_body

PATH = "/mlflow/events"


@pytest.fixture
async def client(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    """The app in process, over httpx's ASGI transport."""
    monkeypatch.setenv("MLFLOW_WEBHOOK_SECRET", SECRET)
    monkeypatch.setattr(example, "deliveries", DeliveryFilter())
    monkeypatch.setattr(example, "handled", [])
    transport = httpx.ASGITransport(app=example.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as made:
        yield made


def _fresh(**changes: object) -> Delivery:
    return Delivery(timestamp=str(int(time.time()))).but(**changes)


async def test_an_authentic_delivery_is_handled_once(client: httpx.AsyncClient) -> None:
    delivery = _fresh()

    first = await client.post(PATH, content=delivery.body, headers=delivery.headers())
    again = await client.post(PATH, content=delivery.body, headers=delivery.headers())

    assert (first.status_code, again.status_code) == (204, 200)
    [event] = example.handled
    assert event.delivery_id == delivery.delivery_id


async def test_a_forged_delivery_gets_401_with_the_reason(client: httpx.AsyncClient) -> None:
    delivery = _fresh(secret="guess")

    response = await client.post(PATH, content=delivery.body, headers=delivery.headers())

    assert (response.status_code, response.text) == (401, "signature_mismatch")
    assert example.handled == []


async def test_an_authentic_malformed_body_gets_400(client: httpx.AsyncClient) -> None:
    delivery = _fresh(body=b'{"entity": "model_version_alias", "action": "created"}')

    response = await client.post(PATH, content=delivery.body, headers=delivery.headers())

    assert (response.status_code, response.text) == (400, "malformed_payload")


async def test_a_failed_handler_answers_503_and_the_retry_goes_through(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    delivery = _fresh()

    async def broken(event: object) -> None:
        raise RuntimeError("model store unavailable")

    with monkeypatch.context() as patch:
        patch.setattr(example, "on_event", broken)
        failed = await client.post(PATH, content=delivery.body, headers=delivery.headers())
    retried = await client.post(PATH, content=delivery.body, headers=delivery.headers())

    assert (failed.status_code, retried.status_code) == (503, 204)
    assert len(example.handled) == 1


async def test_other_event_types_are_accepted_and_ignored(client: httpx.AsyncClient) -> None:
    body = mlflow_body("model_version_tag", "set", {"name": "m", "version": "1", "key": "k"})
    delivery = _fresh(body=body)

    response = await client.post(PATH, content=delivery.body, headers=delivery.headers())

    assert response.status_code == 204 and example.handled == []
