"""A FastAPI endpoint that receives MLflow webhooks (docs/webhooks.md explains each step).

Run it with ``MLFLOW_WEBHOOK_SECRET=... uvicorn examples.webhook_receiver_fastapi:app``, then
create the webhook with the same secret::

    client.create_webhook(
        name="serving",
        url="https://serving.example.com/mlflow/events",
        events=[ModelVersionAliasCreated.subscription()],
        secret=os.environ["MLFLOW_WEBHOOK_SECRET"],
    )
"""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI, Request, Response

from mlflow_rest_sdk.webhooks import (
    DeliveryFilter,
    DuplicateDeliveryError,
    Event,
    ModelVersionAliasCreated,
    ModelVersionAliasDeleted,
    Reason,
    WebhookVerificationError,
    verify,
)

logger = logging.getLogger("mlflow-events")
app = FastAPI()
# One per process: remembers accepted delivery ids for the replay window.
deliveries = DeliveryFilter()
#: What the handler did, for this example's own test; a service would reload a model instead.
handled: list[Event] = []


def webhook_secret() -> str:
    return os.environ["MLFLOW_WEBHOOK_SECRET"]


async def on_event(event: Event) -> None:
    """Your code: here, only remember the alias changes."""
    if isinstance(event, ModelVersionAliasCreated | ModelVersionAliasDeleted):
        handled.append(event)


@app.post("/mlflow/events")
async def mlflow_events(request: Request) -> Response:
    body = await request.body()  # the raw bytes: the signature covers them exactly
    try:
        event = verify(webhook_secret(), request.headers, body, deliveries=deliveries)
    except DuplicateDeliveryError:
        return Response(status_code=200)  # handled before: do not make MLflow retry it
    except WebhookVerificationError as error:
        logger.warning("refused an MLflow webhook delivery: %s", error)
        status = 400 if error.reason is Reason.MALFORMED_PAYLOAD else 401
        return Response(content=error.reason.value, status_code=status)
    try:
        await on_event(event)
    except Exception:
        logger.exception("failed to handle %s %s", event.event_type, event.delivery_id)
        deliveries.release(event.delivery_id)  # let MLflow's retry of this delivery through
        return Response(status_code=503)
    return Response(status_code=204)
