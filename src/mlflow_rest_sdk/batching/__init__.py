"""Batched logging: split any number of metrics, params and tags to MLflow's limits, and a run
logger that sends them in the background with bounded memory.

The clients get ``log_batch_all(...)`` and ``run_logger(...)`` from :mod:`.mixin`;
:func:`plan_log_batches` is the pure planner behind them.
"""

from mlflow_rest_sdk.batching.async_run_logger import AsyncRunLogger
from mlflow_rest_sdk.batching.buffer import RunLoggerSettings
from mlflow_rest_sdk.batching.limits import (
    MAX_KEY_LENGTH,
    MAX_PARAM_VALUE_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    SERVER_LIMITS,
    BatchLimits,
)
from mlflow_rest_sdk.batching.losses import BatchLoggingError, LostMetric, LostValues
from mlflow_rest_sdk.batching.mixin import AsyncBatchingMixin, BatchingMixin
from mlflow_rest_sdk.batching.planner import plan_log_batches
from mlflow_rest_sdk.batching.run_logger import LoggerClosedError, RunLogger

__all__ = [
    "MAX_KEY_LENGTH",
    "MAX_PARAM_VALUE_LENGTH",
    "MAX_TAG_VALUE_LENGTH",
    "SERVER_LIMITS",
    "AsyncBatchingMixin",
    "AsyncRunLogger",
    "BatchLimits",
    "BatchLoggingError",
    "BatchingMixin",
    "LoggerClosedError",
    "LostMetric",
    "LostValues",
    "RunLogger",
    "RunLoggerSettings",
    "plan_log_batches",
]
