"""A typed sync and async client for the whole MLflow REST API, without the ``mlflow`` package.

>>> from mlflow_rest_sdk import MlflowClient
>>> with MlflowClient("http://127.0.0.1:5000") as client:
...     experiment_id = client.create_experiment(name="demo").experiment_id

The public names are imported on first access (PEP 562), so ``import mlflow_rest_sdk`` (for the
version, or ahead of a subpackage) loads neither pydantic, httpx nor the generated clients.
"""

from __future__ import annotations

from mlflow_rest_sdk._generated import MLFLOW_VERSION
from mlflow_rest_sdk.lazy import lazy_attributes

# The idiom type checkers treat like typing.TYPE_CHECKING: importing typing would make
# ``import mlflow_rest_sdk`` several times slower on its own.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

    from mlflow_rest_sdk._runtime.admission import LoadLimitTimeout
    from mlflow_rest_sdk._runtime.config import ClientConfig
    from mlflow_rest_sdk._runtime.load_limit import LoadLimit, LoadStats
    from mlflow_rest_sdk._runtime.retry import RetryPolicy
    from mlflow_rest_sdk._runtime.transport import PoolLimits, Timeouts, TlsConfig
    from mlflow_rest_sdk.client import AsyncMlflowClient, MlflowClient

__version__ = "0.1.0"

__all__ = [
    "MLFLOW_VERSION",
    "AsyncMlflowClient",
    "ClientConfig",
    "LoadLimit",
    "LoadLimitTimeout",
    "LoadStats",
    "MlflowClient",
    "PoolLimits",
    "RetryPolicy",
    "Timeouts",
    "TlsConfig",
    "__version__",
]

_MODULE_OF: Final[dict[str, str]] = {
    "AsyncMlflowClient": "mlflow_rest_sdk.client",
    "ClientConfig": "mlflow_rest_sdk._runtime.config",
    "LoadLimit": "mlflow_rest_sdk._runtime.load_limit",
    "LoadLimitTimeout": "mlflow_rest_sdk._runtime.admission",
    "LoadStats": "mlflow_rest_sdk._runtime.load_limit",
    "MlflowClient": "mlflow_rest_sdk.client",
    "PoolLimits": "mlflow_rest_sdk._runtime.transport",
    "RetryPolicy": "mlflow_rest_sdk._runtime.retry",
    "Timeouts": "mlflow_rest_sdk._runtime.transport",
    "TlsConfig": "mlflow_rest_sdk._runtime.transport",
}

if not TYPE_CHECKING:  # type checkers see the imports above instead
    __getattr__, __dir__ = lazy_attributes(__name__, _MODULE_OF, __all__)
