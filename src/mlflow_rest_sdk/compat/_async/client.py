"""The compat client: MLflow's ``MlflowClient`` over the SDK's own client.

Written once for asyncio, as the SDK's request path is; the blocking twin in the ``_sync``
folder is derived from this file by ``make generate``. MLflow itself has only the blocking one.
"""

from __future__ import annotations

from mlflow_rest_sdk.compat._async.artifacts import AsyncArtifactsMixin
from mlflow_rest_sdk.compat._async.experiments import AsyncExperimentsMixin
from mlflow_rest_sdk.compat._async.logged_models import AsyncLoggedModelsMixin
from mlflow_rest_sdk.compat._async.model_versions import AsyncModelVersionsMixin
from mlflow_rest_sdk.compat._async.runs import AsyncRunsMixin
from mlflow_rest_sdk.compat._async.uri_downloads import AsyncUriDownloadsMixin
from mlflow_rest_sdk.compat._async.webhooks import AsyncWebhooksMixin

__all__ = ["AsyncMlflowClient"]


class AsyncMlflowClient(
    AsyncExperimentsMixin,
    AsyncRunsMixin,
    AsyncUriDownloadsMixin,
    AsyncArtifactsMixin,
    AsyncModelVersionsMixin,
    AsyncLoggedModelsMixin,
    AsyncWebhooksMixin,
):
    """A client of an MLflow server with the names, arguments, defaults, returns and errors of
    MLflow's ``MlflowClient``: tracking, artifacts, the model registry, logged models and
    webhooks (docs/migrating.md lists every method and what differs).

    Every failure raises :class:`~mlflow_rest_sdk.compat.MlflowException`, which is also the
    SDK's own error class for it. Use it as a context manager, or close it, to release its
    pooled connections at once.
    """
