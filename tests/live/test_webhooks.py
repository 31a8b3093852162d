"""Webhooks: create, list, get, update, delete, and a test delivery to a loopback receiver.

The session server allows plain http to private addresses (see ``tests/conftest.py``), so the
receiver is a stdlib HTTP server on 127.0.0.1. The REST API names events by their proto enum
names (``MODEL_VERSION`` / ``CREATED``); the payload MLflow delivers uses the lower-case values
(``"entity": "model_version", "action": "created"``).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.errors import ResourceDoesNotExist
from mlflow_rest_sdk.models import Webhook, WebhookAction, WebhookEntity, WebhookStatus

MODEL_VERSION_CREATED = {"entity": "MODEL_VERSION", "action": "CREATED"}


@dataclass(frozen=True)
class Delivery:
    path: str
    headers: dict[str, str]
    payload: dict[str, Any]


@dataclass
class WebhookReceiver:
    """A loopback HTTP server that records every POST and answers 200 with a fixed body."""

    url: str
    reply: str
    deliveries: list[Delivery]
    lock: threading.Lock

    def received(self) -> list[Delivery]:
        with self.lock:
            return list(self.deliveries)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    reply = f"received-{uuid.uuid4().hex}"
    deliveries: list[Delivery] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                deliveries.append(Delivery(self.path, dict(self.headers.items()), json.loads(body)))
            answer = reply.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    url = f"http://127.0.0.1:{server.server_port}/hooks"
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll interval
        name="webhook-receiver",
        daemon=True,
    )
    thread.start()
    try:
        yield WebhookReceiver(url=url, reply=reply, deliveries=deliveries, lock=lock)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def webhook(
    api: MlflowClient, receiver: WebhookReceiver, unique_name: Callable[[str], str]
) -> Webhook:
    created = api.create_webhook(
        name=unique_name("hook"), url=receiver.url, events=[MODEL_VERSION_CREATED]
    ).webhook
    assert created is not None and created.webhook_id
    return created


def _all_webhooks(api: MlflowClient) -> list[Webhook]:
    found: list[Webhook] = []
    page_token: str | None = None
    while True:
        page = api.list_webhooks(max_results=50, page_token=page_token)
        found.extend(page.webhooks)
        if not page.next_page_token:
            return found
        page_token = page.next_page_token


def test_created_webhook_can_be_fetched(
    api: MlflowClient, receiver: WebhookReceiver, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("hook")

    created = api.create_webhook(
        name=name,
        url=receiver.url,
        description="notify the platform",
        events=[MODEL_VERSION_CREATED],
    ).webhook

    assert created is not None and created.webhook_id
    fetched = api.get_webhook(webhook_id=created.webhook_id).webhook
    assert fetched is not None
    assert (fetched.webhook_id, fetched.name, fetched.url) == (
        created.webhook_id,
        name,
        receiver.url,
    )
    assert fetched.description == "notify the platform"
    assert fetched.status == WebhookStatus.ACTIVE
    assert [(e.entity, e.action) for e in fetched.events] == [
        (WebhookEntity.MODEL_VERSION, WebhookAction.CREATED)
    ]


def test_list_webhooks_includes_a_created_webhook(api: MlflowClient, webhook: Webhook) -> None:
    listed = {hook.webhook_id: hook for hook in _all_webhooks(api)}

    assert webhook.webhook_id in listed
    assert listed[webhook.webhook_id].name == webhook.name


def test_update_webhook_changes_description_and_status(api: MlflowClient, webhook: Webhook) -> None:
    assert webhook.webhook_id is not None

    updated = api.update_webhook(
        webhook_id=webhook.webhook_id, description="paused", status=WebhookStatus.DISABLED
    ).webhook

    assert updated is not None
    assert (updated.description, updated.status) == ("paused", WebhookStatus.DISABLED)
    fetched = api.get_webhook(webhook_id=webhook.webhook_id).webhook
    assert fetched is not None
    assert (fetched.description, fetched.status) == ("paused", WebhookStatus.DISABLED)
    assert fetched.name == webhook.name


def test_deleted_webhook_is_gone(api: MlflowClient, webhook: Webhook) -> None:
    assert webhook.webhook_id is not None

    api.delete_webhook(webhook_id=webhook.webhook_id)

    with pytest.raises(ResourceDoesNotExist):
        api.get_webhook(webhook_id=webhook.webhook_id)
    assert webhook.webhook_id not in {hook.webhook_id for hook in _all_webhooks(api)}


def test_test_webhook_reports_the_delivery_the_receiver_saw(
    api: MlflowClient, webhook: Webhook, receiver: WebhookReceiver
) -> None:
    assert webhook.webhook_id is not None

    result = api.test_webhook(webhook_id=webhook.webhook_id).result

    assert result is not None
    assert (result.success, result.response_status) == (True, 200)
    assert result.response_body == receiver.reply
    [delivery] = receiver.received()
    assert delivery.path == "/hooks"
    assert (delivery.payload["entity"], delivery.payload["action"]) == ("model_version", "created")
    assert delivery.headers["X-MLflow-Delivery-Id"]
