"""Batched logging: split any number of metrics, params and tags to MLflow's limits, and a run
logger that sends them in the background with bounded memory.

The clients get ``log_batch_all(...)`` and ``run_logger(...)`` from ``_async/mixin.py`` (written
once for asyncio; ``_sync/mixin.py`` is its derived blocking twin);
:func:`plan_log_batches` is the pure planner behind them. The names are imported on first
access (PEP 562): importing the clients must not load the models, pydantic validators and
loggers that only logging needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlflow_rest_sdk.lazy import lazy_attributes

if TYPE_CHECKING:
    from mlflow_rest_sdk.batching._async.mixin import AsyncBatchingMixin
    from mlflow_rest_sdk.batching._sync.mixin import BatchingMixin
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
    from mlflow_rest_sdk.batching.planner import plan_log_batches
    from mlflow_rest_sdk.batching.run_logger import LoggerClosedError, RunLogger

_MODULE_OF: dict[str, str] = {
    "AsyncRunLogger": "mlflow_rest_sdk.batching.async_run_logger",
    "RunLoggerSettings": "mlflow_rest_sdk.batching.buffer",
    "MAX_KEY_LENGTH": "mlflow_rest_sdk.batching.limits",
    "MAX_PARAM_VALUE_LENGTH": "mlflow_rest_sdk.batching.limits",
    "MAX_TAG_VALUE_LENGTH": "mlflow_rest_sdk.batching.limits",
    "SERVER_LIMITS": "mlflow_rest_sdk.batching.limits",
    "BatchLimits": "mlflow_rest_sdk.batching.limits",
    "BatchLoggingError": "mlflow_rest_sdk.batching.losses",
    "LostMetric": "mlflow_rest_sdk.batching.losses",
    "LostValues": "mlflow_rest_sdk.batching.losses",
    "AsyncBatchingMixin": "mlflow_rest_sdk.batching._async.mixin",
    "BatchingMixin": "mlflow_rest_sdk.batching._sync.mixin",
    "plan_log_batches": "mlflow_rest_sdk.batching.planner",
    "LoggerClosedError": "mlflow_rest_sdk.batching.run_logger",
    "RunLogger": "mlflow_rest_sdk.batching.run_logger",
}

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

if not TYPE_CHECKING:  # type checkers see the imports above instead
    __getattr__, __dir__ = lazy_attributes(__name__, _MODULE_OF, __all__)
