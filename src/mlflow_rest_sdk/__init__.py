"""A typed sync and async client for the whole MLflow REST API, without the ``mlflow`` package.

>>> from mlflow_rest_sdk import MlflowClient
>>> with MlflowClient("http://127.0.0.1:5000") as client:
...     experiment_id = client.create_experiment(name="demo").experiment_id
"""

from mlflow_rest_sdk._generated import MLFLOW_VERSION
from mlflow_rest_sdk._runtime.config import ClientConfig
from mlflow_rest_sdk._runtime.retry import RetryPolicy
from mlflow_rest_sdk._runtime.transport import PoolLimits, Timeouts, TlsConfig
from mlflow_rest_sdk.client import AsyncMlflowClient, MlflowClient

__version__ = "0.1.0"

__all__ = [
    "MLFLOW_VERSION",
    "AsyncMlflowClient",
    "ClientConfig",
    "MlflowClient",
    "PoolLimits",
    "RetryPolicy",
    "Timeouts",
    "TlsConfig",
    "__version__",
]
