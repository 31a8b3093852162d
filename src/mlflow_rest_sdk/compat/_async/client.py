"""The compat client: MLflow's ``MlflowClient`` tracking methods over the SDK's own client.

Written once for asyncio, as the SDK's request path is; the blocking twin in the ``_sync``
folder is derived from this file by ``make generate``. MLflow itself has only the blocking one.
"""

from __future__ import annotations

from mlflow_rest_sdk.compat._async.experiments import AsyncExperimentsMixin
from mlflow_rest_sdk.compat._async.run_logging import AsyncRunLoggingMixin
from mlflow_rest_sdk.compat._async.runs import AsyncRunsMixin

__all__ = ["AsyncMlflowClient"]


class AsyncMlflowClient(AsyncExperimentsMixin, AsyncRunsMixin, AsyncRunLoggingMixin):
    """A client of an MLflow tracking server with the names, arguments, defaults, returns and
    errors of MLflow's ``MlflowClient`` (the tracking methods; see docs/migrating.md).

    Every failure raises :class:`~mlflow_rest_sdk.compat.MlflowException`, which is also the
    SDK's own error class for it. Use it as a context manager, or close it, to release its
    pooled connections at once.
    """
