"""Deliveries made by a real MLflow 3.17.2 server, verified with the SDK on a loopback receiver.

The session server (``tests/conftest.py``) runs two workers with the webhook settings of
``WEBHOOK_TEST_ENV``: plain http to loopback allowed, one secret-encryption key for all workers,
no subscriber cache. Webhooks are created with the generated client and deleted afterwards, so
the server does not keep posting to receivers that are gone. Other tests share the server and
may change aliases too, so assertions pick this test's own model by name.
"""

from __future__ import annotations

import http.client
import secrets
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.local_server import LocalMlflowServer
from mlflow_rest_sdk.webhooks import (
    EVENT_TYPES,
    DuplicateDeliveryError,
    ModelVersionAliasCreated,
    ModelVersionAliasDeleted,
    Reason,
)

from .receiver import Received, Receiver, running_receiver

ALIAS_EVENTS = [ModelVersionAliasCreated.subscription(), ModelVersionAliasDeleted.subscription()]


@pytest.fixture(scope="module")
def client(mlflow_server: LocalMlflowServer) -> Iterator[MlflowClient]:
    with MlflowClient(mlflow_server.url) as made:
        yield made


@pytest.fixture
def secret() -> str:
    return secrets.token_urlsafe(24)


@pytest.fixture
def receiver(secret: str) -> Iterator[Receiver]:
    with running_receiver(secret) as running:
        yield running


@pytest.fixture
def make_webhook(
    client: MlflowClient, unique_name: Callable[[str], str]
) -> Iterator[Callable[..., str]]:
    """Create webhooks for the test (``make_webhook(url, secret=..., events=...)``) and delete
    them when it ends."""
    created: list[str] = []

    def make(url: str, *, secret: str | None, events: list[dict[str, str]] = ALIAS_EVENTS) -> str:
        hook = client.create_webhook(
            name=unique_name("hook"), url=url, events=events, secret=secret
        ).webhook
        assert hook is not None and hook.webhook_id
        created.append(hook.webhook_id)
        return hook.webhook_id

    yield make
    for webhook_id in created:
        client.delete_webhook(webhook_id=webhook_id)


@pytest.fixture
def model_name(client: MlflowClient, unique_name: Callable[[str], str]) -> str:
    """A registered model with version 1 (from a run's ``model`` folder)."""
    name = unique_name("station")
    experiment_id = client.create_experiment(name=unique_name("exp")).experiment_id
    run = client.create_run(experiment_id=experiment_id).run
    assert run is not None and run.info is not None
    client.create_registered_model(name=name)
    client.create_model_version(
        name=name, source=f"{run.info.artifact_uri}/model", run_id=run.info.run_id
    )
    return name


def _body_names(name: str, entity: str) -> Callable[[Received], bool]:
    """Whether a request's raw body is an ``entity`` event about model ``name`` (works for
    refused deliveries too, which have no parsed event)."""
    return lambda item: f'"{entity}"'.encode() in item.body and f'"{name}"'.encode() in item.body


# -- the test endpoint (synchronous: the server posts before it answers) -------------------


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_a_test_delivery_of_each_event_type_verifies_as_its_class(
    client: MlflowClient,
    receiver: Receiver,
    secret: str,
    make_webhook: Callable[..., str],
    event_type: str,
) -> None:
    event_class = EVENT_TYPES[event_type]
    webhook_id = make_webhook(receiver.url, secret=secret, events=[event_class.subscription()])

    result = client.test_webhook(webhook_id=webhook_id, event=event_class.subscription()).result

    assert result is not None
    assert (result.success, result.response_status) == (True, 200), result.error_message
    [delivery] = receiver.received()
    assert type(delivery.event) is event_class
    assert delivery.event.delivery_id == delivery.headers["X-MLflow-Delivery-Id"]


def test_test_deliveries_from_every_worker_verify(
    mlflow_server: LocalMlflowServer,
    receiver: Receiver,
    secret: str,
    make_webhook: Callable[..., str],
) -> None:
    """Fresh connections spread over the server's workers; each must read the stored secret."""
    webhook_id = make_webhook(receiver.url, secret=secret)

    for _ in range(8):
        with MlflowClient(mlflow_server.url) as fresh:
            result = fresh.test_webhook(webhook_id=webhook_id).result
        assert result is not None and result.response_status == 200, result

    assert len(receiver.events()) == 8
    assert len({event.delivery_id for event in receiver.events()}) == 8


def test_mlflow_retries_a_failed_delivery_with_the_same_id_and_signature(
    client: MlflowClient, receiver: Receiver, secret: str, make_webhook: Callable[..., str]
) -> None:
    """Why a receiver that fails must ``release`` the id: the retry is the same delivery."""
    webhook_id = make_webhook(receiver.url, secret=secret)
    receiver.fail_next = 1

    result = client.test_webhook(webhook_id=webhook_id).result

    assert result is not None and result.response_status == 200
    first, retry = receiver.received()
    assert (first.status, retry.status) == (503, 200)
    assert retry.event is not None and retry.error is None
    signed = ("X-MLflow-Delivery-Id", "X-MLflow-Timestamp", "X-MLflow-Signature")
    assert [first.headers[name] for name in signed] == [retry.headers[name] for name in signed]


def test_a_receiver_with_the_wrong_secret_refuses_the_test_delivery(
    client: MlflowClient, receiver: Receiver, make_webhook: Callable[..., str]
) -> None:
    webhook_id = make_webhook(receiver.url, secret="the-secret-mlflow-has")
    receiver.secret = "a-different-secret"

    result = client.test_webhook(webhook_id=webhook_id).result

    assert result is not None and (result.success, result.response_status) == (False, 401)
    [delivery] = receiver.received()
    assert delivery.error is not None and delivery.error.reason is Reason.SIGNATURE_MISMATCH


def test_a_webhook_without_a_secret_sends_unsigned_deliveries_that_are_refused(
    client: MlflowClient, receiver: Receiver, make_webhook: Callable[..., str]
) -> None:
    webhook_id = make_webhook(receiver.url, secret=None)

    result = client.test_webhook(webhook_id=webhook_id).result

    assert result is not None and result.response_status == 401
    [delivery] = receiver.received()
    assert "X-MLflow-Signature" not in delivery.headers
    assert delivery.error is not None and delivery.error.reason is Reason.MISSING_HEADER


# -- real events (asynchronous: delivered from the server's thread pool) ------------------


def test_a_real_alias_change_is_delivered_and_verified(
    client: MlflowClient,
    receiver: Receiver,
    secret: str,
    make_webhook: Callable[..., str],
    model_name: str,
) -> None:
    make_webhook(receiver.url, secret=secret)

    client.set_registered_model_alias(name=model_name, alias="champion", version="1")
    [created] = receiver.wait_for(_body_names(model_name, "model_version_alias"))
    client.delete_registered_model_alias(name=model_name, alias="champion")
    about_model = _body_names(model_name, "model_version_alias")
    deleted = receiver.wait_for(lambda item: item is not created and about_model(item))

    assert isinstance(created.event, ModelVersionAliasCreated), created.error
    assert (created.event.data.alias, created.event.data.version) == ("champion", "1")
    assert created.status == 200
    [removed] = deleted
    assert isinstance(removed.event, ModelVersionAliasDeleted), removed.error
    assert removed.event.data.alias == "champion"
    assert removed.event.timestamp >= created.event.timestamp


def test_a_real_alias_change_signed_with_another_secret_is_refused(
    client: MlflowClient, receiver: Receiver, make_webhook: Callable[..., str], model_name: str
) -> None:
    make_webhook(receiver.url, secret="the-secret-mlflow-has")
    receiver.secret = "a-different-secret"

    client.set_registered_model_alias(name=model_name, alias="champion", version="1")
    [refused] = receiver.wait_for(_body_names(model_name, "model_version_alias"))

    assert refused.event is None and refused.status == 401
    assert refused.error is not None and refused.error.reason is Reason.SIGNATURE_MISMATCH


def _repost(url: str, headers: dict[str, str], body: bytes) -> int:
    """Send a captured delivery again, as someone who recorded it would."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request("POST", parts.path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_replayed_or_altered_real_delivery_is_refused(
    client: MlflowClient,
    receiver: Receiver,
    secret: str,
    make_webhook: Callable[..., str],
    model_name: str,
) -> None:
    make_webhook(receiver.url, secret=secret)
    client.set_registered_model_alias(name=model_name, alias="champion", version="1")
    [original] = receiver.wait_for(_body_names(model_name, "model_version_alias"))
    assert original.event is not None
    signed = {
        name: value
        for name, value in original.headers.items()
        if name.lower().startswith("x-mlflow")
    }

    replay_status = _repost(receiver.url, signed, original.body)
    altered = original.body.replace(b'"version": "1"', b'"version": "2"')
    altered_status = _repost(receiver.url, signed, altered)

    replay, tampered = receiver.received()[-2:]
    assert replay_status == 200 and isinstance(replay.error, DuplicateDeliveryError)
    assert altered != original.body
    assert altered_status == 401 and tampered.error is not None
    assert tampered.error.reason is Reason.SIGNATURE_MISMATCH
