"""The service's webhook on a real MLflow server: found, not duplicated, its secret kept current.

``ensure_webhook`` is what every start of every replica runs; these tests call it directly against
the session's MLflow 3.17.2 server, with URLs no service listens on (nothing is delivered: the
tests only read the server's webhook list).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from mlflow_rest_sdk import MlflowClient, RetryPolicy
from mlflow_rest_sdk.local_server import LocalMlflowServer
from mlflow_rest_sdk.models import Webhook
from water_models.serving.subscription import (
    EVENTS,
    WEBHOOK_NAME,
    Outcome,
    Registration,
    check_webhook,
    ensure_webhook,
)

SECRET = "subscription-test-secret"


@pytest.fixture
def client(mlflow_server: LocalMlflowServer) -> Iterator[MlflowClient]:
    with MlflowClient(mlflow_server.url) as made:
        yield made


@pytest.fixture
def url(client: MlflowClient) -> Iterator[str]:
    """An endpoint URL of this test alone; its webhooks are deleted afterwards."""
    made = f"http://127.0.0.1:9/{uuid.uuid4().hex}/webhooks/mlflow"
    yield made
    for hook in _for(client, made):
        client.delete_webhook(webhook_id=hook.webhook_id)


def _for(client: MlflowClient, url: str) -> list[Webhook]:
    return [hook for hook in client.list_webhooks_iter() if hook.url == url]


def test_the_first_start_creates_one_webhook_for_both_alias_events(
    client: MlflowClient, url: str
) -> None:
    registration = ensure_webhook(client, url, SECRET)

    assert registration.outcome is Outcome.ACTIVE and registration.created
    (hook,) = _for(client, url)
    assert hook.webhook_id == registration.webhook_id and hook.name == WEBHOOK_NAME
    assert {(str(e.entity), str(e.action)) for e in hook.events} == {
        (e["entity"], e["action"]) for e in EVENTS
    }


def test_a_restart_finds_the_webhook_instead_of_adding_one(client: MlflowClient, url: str) -> None:
    first = ensure_webhook(client, url, SECRET)
    again = ensure_webhook(client, url, SECRET)

    assert again.outcome is Outcome.ACTIVE and not again.created
    assert again.webhook_id == first.webhook_id
    assert len(_for(client, url)) == 1


def test_copies_made_by_replicas_starting_at_once_are_reduced_to_the_oldest(
    client: MlflowClient, url: str
) -> None:
    made = [
        client.create_webhook(name=WEBHOOK_NAME, url=url, events=list(EVENTS), secret=SECRET)
        for _ in range(3)
    ]
    ids = [m.webhook.webhook_id for m in made if m.webhook is not None]

    registration = ensure_webhook(client, url, SECRET)
    other_replica = ensure_webhook(client, url, SECRET)

    (kept,) = _for(client, url)
    assert registration.outcome is Outcome.ACTIVE and registration.webhook_id == kept.webhook_id
    assert kept.webhook_id in ids and other_replica.webhook_id == kept.webhook_id


def test_a_webhook_an_operator_disabled_stays_disabled_and_push_says_so(
    client: MlflowClient, url: str
) -> None:
    first = ensure_webhook(client, url, SECRET)
    client.update_webhook(webhook_id=first.webhook_id, status="DISABLED")

    again = ensure_webhook(client, url, SECRET)

    assert again.outcome is Outcome.DISABLED and again.webhook_id == first.webhook_id
    (hook,) = _for(client, url)
    assert str(hook.status) == "DISABLED"


def test_a_server_that_cannot_be_reached_is_tried_again_later() -> None:
    with MlflowClient("http://127.0.0.1:9", retry=RetryPolicy(max_attempts=1)) as unreachable:
        registration = ensure_webhook(unreachable, "http://127.0.0.1:9/x", SECRET)

    assert registration.outcome is Outcome.RETRY
    assert registration.detail is not None and SECRET not in registration.detail


def test_a_url_the_server_does_not_allow_is_refused_with_its_reason(client: MlflowClient) -> None:
    # The session server allows http and https (to reach loopback receivers), nothing else.
    registration = ensure_webhook(client, f"ftp://127.0.0.1/{uuid.uuid4().hex}", SECRET)

    assert registration.outcome is Outcome.REFUSED
    assert registration.detail is not None and "scheme" in registration.detail
    assert SECRET not in registration.detail


def test_a_webhook_still_on_the_server_is_kept_at_the_next_check(
    client: MlflowClient, url: str
) -> None:
    first = ensure_webhook(client, url, SECRET)

    checked = check_webhook(client, first, url, SECRET)

    assert checked.outcome is Outcome.ACTIVE and checked.webhook_id == first.webhook_id
    assert len(_for(client, url)) == 1


def test_a_webhook_deleted_on_the_server_is_registered_again_at_the_next_check(
    client: MlflowClient, url: str
) -> None:
    first = ensure_webhook(client, url, SECRET)
    client.delete_webhook(webhook_id=first.webhook_id)

    checked = check_webhook(client, first, url, SECRET)

    (hook,) = _for(client, url)
    assert checked.outcome is Outcome.ACTIVE and checked.created
    assert checked.webhook_id == hook.webhook_id != first.webhook_id


def test_a_webhook_disabled_and_enabled_again_is_followed_at_each_check(
    client: MlflowClient, url: str
) -> None:
    first = ensure_webhook(client, url, SECRET)
    client.update_webhook(webhook_id=first.webhook_id, status="DISABLED")
    disabled = check_webhook(client, first, url, SECRET)
    client.update_webhook(webhook_id=first.webhook_id, status="ACTIVE")
    enabled = check_webhook(client, disabled, url, SECRET)

    assert disabled.outcome is Outcome.DISABLED and enabled.outcome is Outcome.ACTIVE
    assert disabled.webhook_id == enabled.webhook_id == first.webhook_id


def test_a_check_that_cannot_reach_the_server_keeps_the_registration() -> None:
    registration = Registration(Outcome.ACTIVE, "w-1")
    with MlflowClient("http://127.0.0.1:9", retry=RetryPolicy(max_attempts=1)) as unreachable:
        checked = check_webhook(unreachable, registration, "http://127.0.0.1:9/x", SECRET)

    assert checked is registration
