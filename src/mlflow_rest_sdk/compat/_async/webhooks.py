"""The webhook methods of MLflow's ``MlflowClient``: create, read, list, update, delete, test.

Events are given as MLflow gives them, ``"model_version.created"`` strings or
:class:`WebhookEvent` objects, and sent as the REST API's upper-case enum pairs.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlflow_rest_sdk.compat._async.base import AsyncCompatBase
from mlflow_rest_sdk.compat._errors import mlflow_errors
from mlflow_rest_sdk.compat._from_models import webhook_from_rest, webhook_test_result_from_rest
from mlflow_rest_sdk.compat._from_rest import required
from mlflow_rest_sdk.compat.entities.paged_list import PagedList
from mlflow_rest_sdk.compat.entities.webhook import (
    Webhook,
    WebhookEvent,
    WebhookStatus,
    WebhookTestResult,
)

__all__ = ["AsyncWebhooksMixin"]


def _event_to_rest(event: str | WebhookEvent) -> dict[str, str]:
    chosen = WebhookEvent.from_str(event) if isinstance(event, str) else event
    return {"entity": str(chosen.entity).upper(), "action": str(chosen.action).upper()}


def _events_to_rest(events: Sequence[str | WebhookEvent] | None) -> list[dict[str, str]] | None:
    return [_event_to_rest(event) for event in events] if events else None


def _status_to_rest(status: str | WebhookStatus | None) -> str | None:
    return None if status is None else WebhookStatus(str(status)).value


class AsyncWebhooksMixin(AsyncCompatBase):
    """Webhooks of the model registry, with MLflow's event strings and entities."""

    async def create_webhook(
        self,
        name: str,
        url: str,
        events: list[str | WebhookEvent],
        description: str | None = None,
        secret: str | None = None,
        status: str | WebhookStatus | None = None,
    ) -> Webhook:
        """Subscribe ``url`` to ``events``; deliveries are signed with ``secret`` when given."""
        rest_events = _events_to_rest(events) or []  # none: the server says what is wrong
        rest_status = _status_to_rest(status)
        with mlflow_errors():
            created = await self._rest.create_webhook(
                name=name,
                url=url,
                events=rest_events,
                description=description,
                secret=secret,
                status=rest_status,
            )
        return webhook_from_rest(required(created.webhook, "webhook"))

    async def get_webhook(self, webhook_id: str) -> Webhook:
        with mlflow_errors():
            response = await self._rest.get_webhook(webhook_id=webhook_id)
        return webhook_from_rest(required(response.webhook, "webhook"))

    async def list_webhooks(
        self, max_results: int | None = None, page_token: str | None = None
    ) -> PagedList[Webhook]:
        """One page of webhooks. As in MLflow, ``.token`` is ``""`` (not None) on the last."""
        with mlflow_errors():
            page = await self._rest.list_webhooks(max_results=max_results, page_token=page_token)
        return PagedList(
            [webhook_from_rest(webhook) for webhook in page.webhooks], page.next_page_token or ""
        )

    async def update_webhook(
        self,
        webhook_id: str,
        name: str | None = None,
        description: str | None = None,
        url: str | None = None,
        events: list[str | WebhookEvent] | None = None,
        secret: str | None = None,
        status: str | WebhookStatus | None = None,
    ) -> Webhook:
        """Change what is given, leaving the rest."""
        rest_events = _events_to_rest(events)
        rest_status = _status_to_rest(status)
        with mlflow_errors():
            response = await self._rest.update_webhook(
                webhook_id=webhook_id,
                name=name,
                description=description,
                url=url,
                events=rest_events,
                secret=secret,
                status=rest_status,
            )
        return webhook_from_rest(required(response.webhook, "webhook"))

    async def delete_webhook(self, webhook_id: str) -> None:
        with mlflow_errors():
            await self._rest.delete_webhook(webhook_id=webhook_id)

    async def test_webhook(
        self, webhook_id: str, event: str | WebhookEvent | None = None
    ) -> WebhookTestResult:
        """Send one test delivery (of ``event``, else the webhook's first event) and report
        what the receiver answered."""
        rest_event = None if event is None else _event_to_rest(event)
        with mlflow_errors():
            response = await self._rest.test_webhook(webhook_id=webhook_id, event=rest_event)
        return webhook_test_result_from_rest(required(response.result, "test result"))
