# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/compat/_async/client.py
"""The compat client: MLflow's ``MlflowClient`` tracking methods over the SDK's own client.

Written once for asyncio, as the SDK's request path is; the blocking twin in the ``_sync``
folder is derived from this file by ``make generate``. MLflow itself has only the blocking one.
"""

from __future__ import annotations

from mlflow_rest_sdk.compat._sync.experiments import ExperimentsMixin
from mlflow_rest_sdk.compat._sync.run_logging import RunLoggingMixin
from mlflow_rest_sdk.compat._sync.runs import RunsMixin

__all__ = ["MlflowClient"]


class MlflowClient(ExperimentsMixin, RunsMixin, RunLoggingMixin):
    """A client of an MLflow tracking server with the names, arguments, defaults, returns and
    errors of MLflow's ``MlflowClient`` (the tracking methods; see docs/migrating.md).

    Every failure raises :class:`~mlflow_rest_sdk.compat.MlflowException`, which is also the
    SDK's own error class for it. Use it as a context manager, or close it, to release its
    pooled connections at once.
    """
