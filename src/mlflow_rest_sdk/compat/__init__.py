"""MLflow's own client shapes over this SDK: move code over from ``mlflow`` by changing imports.

>>> from mlflow_rest_sdk.compat import MlflowClient      # was: from mlflow import MlflowClient
>>> client = MlflowClient("http://127.0.0.1:5000")
>>> run = client.create_run(client.create_experiment("demo"))
>>> client.log_metric(run.info.run_id, "rmse", 0.4)

``MlflowClient`` has the names, arguments, defaults, returns and errors of MLflow 3.17.2's
tracking methods (docs/migrating.md lists each method and what differs);
:mod:`.entities` mirrors ``mlflow.entities`` and :mod:`.exceptions` ``mlflow.exceptions``.

Importing this package loads neither ``mlflow`` nor the SDK's client: the names below are
imported on first access (PEP 562), so ``import mlflow_rest_sdk.compat`` stays light.
"""

from __future__ import annotations

from mlflow_rest_sdk.lazy import lazy_attributes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

    from mlflow_rest_sdk.compat._async.client import AsyncMlflowClient
    from mlflow_rest_sdk.compat._sync.client import MlflowClient
    from mlflow_rest_sdk.compat.exceptions import MlflowException, RestException
    from mlflow_rest_sdk.compat.run_operations import RunOperations

__all__ = [
    "AsyncMlflowClient",
    "MlflowClient",
    "MlflowException",
    "RestException",
    "RunOperations",
]

_MODULE_OF: Final[dict[str, str]] = {
    "AsyncMlflowClient": "mlflow_rest_sdk.compat._async.client",
    "MlflowClient": "mlflow_rest_sdk.compat._sync.client",
    "MlflowException": "mlflow_rest_sdk.compat.exceptions",
    "RestException": "mlflow_rest_sdk.compat.exceptions",
    "RunOperations": "mlflow_rest_sdk.compat.run_operations",
}

if not TYPE_CHECKING:  # type checkers see the imports above instead
    __getattr__, __dir__ = lazy_attributes(__name__, _MODULE_OF, __all__)
