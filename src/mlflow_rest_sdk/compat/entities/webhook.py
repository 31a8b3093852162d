"""Webhook entities, as ``mlflow.entities.webhook``: ``Webhook``, ``WebhookEvent``,
``WebhookStatus`` and ``WebhookTestResult``.

Events are ``"entity.action"`` strings in MLflow's lower case (``"model_version.created"``);
the REST API spells them as upper-case enum pairs, converted at the client's boundary.
"""

from __future__ import annotations

from enum import StrEnum

from mlflow_rest_sdk.compat.entities._base import Entity, HashableEntity
from mlflow_rest_sdk.compat.entities.experiment import DEFAULT_WORKSPACE_NAME
from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = ["Webhook", "WebhookEvent", "WebhookStatus", "WebhookTestResult"]


class WebhookStatus(StrEnum):
    """Whether a webhook delivers; ``str`` so that it equals its name."""

    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


class WebhookEvent(HashableEntity):
    """One kind of event: ``WebhookEvent("model_version", "created")``; ``str()`` gives
    ``"model_version.created"``."""

    def __init__(self, entity: str, action: str) -> None:
        self._entity = str(entity).lower()
        self._action = str(action).lower()

    @classmethod
    def from_str(cls, event_str: str) -> WebhookEvent:
        """``"model_version.created"`` as an event; anything not ``entity.action`` is refused."""
        entity, dot, action = event_str.partition(".")
        if not dot or not entity or not action:
            raise MlflowException.invalid_parameter_value(
                f"Invalid event string format: {event_str!r}. Expected 'entity.action'"
            )
        return cls(entity, action)

    @property
    def entity(self) -> str:
        return self._entity

    @property
    def action(self) -> str:
        return self._action

    def __str__(self) -> str:
        return f"{self._entity}.{self._action}"


class Webhook(Entity):
    """A webhook: ``Webhook(webhook_id, name, url, events, creation_timestamp,
    last_updated_timestamp, description=None, status=ACTIVE, secret=None)``. The server never
    sends the secret back, so it is None on webhooks read from it."""

    def __init__(
        self,
        webhook_id: str,
        name: str,
        url: str,
        events: list[WebhookEvent],
        creation_timestamp: int,
        last_updated_timestamp: int,
        description: str | None = None,
        status: str | WebhookStatus = WebhookStatus.ACTIVE,
        secret: str | None = None,
        workspace: str | None = None,
    ) -> None:
        self._webhook_id = webhook_id
        self._name = name
        self._url = url
        self._events = events
        self._creation_timestamp = creation_timestamp
        self._last_updated_timestamp = last_updated_timestamp
        self._description = description
        self._status = WebhookStatus(str(status))
        self._secret = secret
        self._workspace = workspace or DEFAULT_WORKSPACE_NAME

    def __repr__(self) -> str:  # the secret never shows
        return f"<Webhook: webhook_id={self._webhook_id!r}, name={self._name!r}, url={self._url!r}>"

    @property
    def webhook_id(self) -> str:
        return self._webhook_id

    @property
    def name(self) -> str:
        return self._name

    @property
    def url(self) -> str:
        return self._url

    @property
    def events(self) -> list[WebhookEvent]:
        return self._events

    @property
    def creation_timestamp(self) -> int:
        return self._creation_timestamp

    @property
    def last_updated_timestamp(self) -> int:
        return self._last_updated_timestamp

    @property
    def description(self) -> str | None:
        return self._description

    @property
    def status(self) -> WebhookStatus:
        return self._status

    @property
    def secret(self) -> str | None:
        return self._secret

    @property
    def workspace(self) -> str:
        return self._workspace


class WebhookTestResult(Entity):
    """What a test delivery gave: ``success``, and the receiver's status and body or an error."""

    def __init__(
        self,
        success: bool,
        response_status: int | None = None,
        response_body: str | None = None,
        error_message: str | None = None,
    ) -> None:
        self._success = success
        self._response_status = response_status
        self._response_body = response_body
        self._error_message = error_message

    @property
    def success(self) -> bool:
        return self._success

    @property
    def response_status(self) -> int | None:
        return self._response_status

    @property
    def response_body(self) -> str | None:
        return self._response_body

    @property
    def error_message(self) -> str | None:
        return self._error_message
