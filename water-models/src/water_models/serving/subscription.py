"""The service's webhook on the MLflow server: found by URL and events, or created once.

Why find before creating: every restart and every replica behind the same public URL runs this,
and each duplicate webhook would make MLflow deliver (and sign, and retry) every alias change
once more. A webhook is this service's when its URL is the service's endpoint and it subscribes
to both alias events; several replicas starting at once may still each create one (MLflow has no
"create if absent"), so after creating, the list is read again and every copy but the oldest is
deleted by whoever sees it: all replicas agree on the oldest, so they converge on one webhook.

The found webhook gets this service's secret (an idempotent update): the server cannot tell us
which secret it holds, and a webhook still signing with an old secret would have every delivery
refused while the service believed push worked. A webhook an operator disabled stays disabled.
While the service runs, :func:`check_webhook` reads its webhook once per refresh interval.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from mlflow_rest_sdk.errors import (
    FeatureDisabled,
    InvalidParameterValue,
    MlflowApiError,
    NotFound,
    NotImplementedByServer,
    PermissionDenied,
    Unauthenticated,
)
from mlflow_rest_sdk.webhooks import ModelVersionAliasCreated, ModelVersionAliasDeleted

if TYPE_CHECKING:
    from mlflow_rest_sdk import MlflowClient
    from mlflow_rest_sdk.models import Webhook

logger = logging.getLogger("water_models")

#: The events a champion cache needs: an alias set (or moved), and an alias removed.
EVENTS = (ModelVersionAliasCreated.subscription(), ModelVersionAliasDeleted.subscription())
WEBHOOK_NAME = "water-models-serving"


class Outcome(StrEnum):
    """How registering ended (``retry``: a transient failure, try again later)."""

    ACTIVE = "active"
    DISABLED = "disabled"
    UNSUPPORTED = "unsupported"
    REFUSED = "refused"
    RETRY = "retry"


@dataclass(frozen=True, slots=True)
class Registration:
    outcome: Outcome
    webhook_id: str | None = None
    created: bool = False
    detail: str | None = None


def ensure_webhook(client: MlflowClient, url: str, secret: str) -> Registration:
    """Find or create the webhook delivering alias events to ``url``; never raises for MLflow."""
    try:
        return _ensure(client, url, secret)
    except Exception as error:  # classified below; the listing never depends on this
        return Registration(_outcome(error), detail=_describe(error))


def check_webhook(
    client: MlflowClient, registration: Registration, url: str, secret: str
) -> Registration:
    """The registered webhook as the server holds it now, read once per refresh interval.

    Gone (an operator or a cleanup deleted it): registered again, found or created as at start,
    since MLflow would otherwise deliver nothing while health said push was active. Disabled or
    enabled again: the outcome follows it. The server not answering: the registration stands,
    as push may still work and the listing reports the outage.
    """
    if registration.webhook_id is None:
        return ensure_webhook(client, url, secret)
    try:
        found = client.get_webhook(webhook_id=registration.webhook_id).webhook
    except NotFound:
        logger.warning(
            "webhook %s is gone from the server, registering again", registration.webhook_id
        )
        return ensure_webhook(client, url, secret)
    except Exception as error:  # the next check tries again
        logger.debug("could not check webhook %s: %s", registration.webhook_id, _describe(error))
        return registration
    return _as_found(registration.webhook_id, found)


def _outcome(error: Exception) -> Outcome:
    """Permanent answers end the attempt; anything that may pass is tried again later.

    - no webhook routes (before 3.3: the SDK's EndpointNotServed, a NotFound, raised before
      sending once the release is known, else from the 404), or none behind them: a file
      store's webhook calls raise inside the server, an HTTP 500 without MLflow's error code
      (seen on 3.17.2);
    - the URL refused (INVALID_PARAMETER_VALUE: a scheme or address the server does not allow),
      or this user not allowed;
    - the rest (connection errors, 429, 503, MLflow's store overloads reported as 400
      BAD_REQUEST) are transient.
    """
    if isinstance(error, NotFound | NotImplementedByServer | FeatureDisabled):
        return Outcome.UNSUPPORTED
    if isinstance(error, MlflowApiError) and error.status_code == 500 and not error.error_code:
        return Outcome.UNSUPPORTED
    if isinstance(error, InvalidParameterValue | PermissionDenied | Unauthenticated):
        return Outcome.REFUSED
    return Outcome.RETRY


def _ensure(client: MlflowClient, url: str, secret: str) -> Registration:
    created = False
    ours = _ours(client.list_webhooks_iter(), url)
    if not ours:
        client.create_webhook(
            name=WEBHOOK_NAME,
            description="water-models serve: reload a station's champion when its alias moves",
            url=url,
            events=list(EVENTS),
            secret=secret,
        )
        created = True
        ours = _ours(client.list_webhooks_iter(), url)
        if not ours:
            return Registration(Outcome.RETRY, detail="the created webhook is not listed")
    (keep_id, keep), *duplicates = ours
    for duplicate_id, _duplicate in duplicates:
        try:
            client.delete_webhook(webhook_id=duplicate_id)
            logger.info("deleted duplicate webhook %s for %s", duplicate_id, url)
        except NotFound:
            pass  # another replica deleted it first
    if not created:
        client.update_webhook(webhook_id=keep_id, secret=secret)
    return _as_found(keep_id, keep, created=created)


def _as_found(webhook_id: str, hook: Webhook | None, *, created: bool = False) -> Registration:
    """Active unless an operator disabled the webhook (left so: push says it is disabled)."""
    if hook is not None and str(hook.status) == "DISABLED":
        return Registration(
            Outcome.DISABLED, webhook_id, detail="the webhook is disabled on the server"
        )
    return Registration(Outcome.ACTIVE, webhook_id, created=created)


def _ours(webhooks: Iterable[Webhook], url: str) -> list[tuple[str, Webhook]]:
    """(id, webhook) for ``url`` with both alias events, the oldest (the one to keep) first."""
    wanted = {(e["entity"], e["action"]) for e in EVENTS}
    found = [
        (hook.webhook_id, hook)
        for hook in webhooks
        if hook.url == url
        and hook.webhook_id
        and wanted <= {(str(e.entity), str(e.action)) for e in hook.events}
    ]
    return sorted(found, key=lambda pair: (pair[1].creation_timestamp or 0, pair[0]))


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
