# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/compat/_async/client.py
"""The compat client: MLflow's ``MlflowClient`` over the SDK's own client.

Written once for asyncio, as the SDK's request path is; the blocking twin in the ``_sync``
folder is derived from this file by ``make generate``. MLflow itself has only the blocking one.
"""

from __future__ import annotations

from mlflow_rest_sdk.compat._sync.artifacts import ArtifactsMixin
from mlflow_rest_sdk.compat._sync.experiments import ExperimentsMixin
from mlflow_rest_sdk.compat._sync.logged_models import LoggedModelsMixin
from mlflow_rest_sdk.compat._sync.model_versions import ModelVersionsMixin
from mlflow_rest_sdk.compat._sync.runs import RunsMixin
from mlflow_rest_sdk.compat._sync.uri_downloads import UriDownloadsMixin
from mlflow_rest_sdk.compat._sync.webhooks import WebhooksMixin

__all__ = ["MlflowClient"]


class MlflowClient(
    ExperimentsMixin,
    RunsMixin,
    UriDownloadsMixin,
    ArtifactsMixin,
    ModelVersionsMixin,
    LoggedModelsMixin,
    WebhooksMixin,
):
    """A client of an MLflow server with the names, arguments, defaults, returns and errors of
    MLflow's ``MlflowClient``: tracking, artifacts, the model registry, logged models and
    webhooks (docs/migrating.md lists every method and what differs).

    Every failure raises :class:`~mlflow_rest_sdk.compat.MlflowException`, which is also the
    SDK's own error class for it. Use it as a context manager, or close it, to release its
    pooled connections at once.
    """
