# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/batching/_async/mixin.py
"""Batched logging on the clients: ``log_batch_all`` for any number of values, ``run_logger``
for training loops, written once for asyncio (``_sync/mixin.py`` is the derived blocking twin).
The generated ``log_batch`` is unchanged (one request, the caller's limits).

The batches whose order does not matter go through :mod:`..fan_out`: tasks on the event loop
on the asyncio side, worker threads when blocking.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlflow_rest_sdk._generated.sync_client import GeneratedMlflowClient
from mlflow_rest_sdk._runtime.error_base import MlflowRestError
from mlflow_rest_sdk.batching.clock import now_ms
from mlflow_rest_sdk.batching.fan_out import fan_out_sync
from mlflow_rest_sdk.batching.limits import SERVER_LIMITS, BatchLimits, require_positive_int
from mlflow_rest_sdk.batching.losses import NOT_SENT, LossLedger

if TYPE_CHECKING:
    from mlflow_rest_sdk.batching.items import MetricInput, ParamInput, TagInput
    from mlflow_rest_sdk.batching.planner import PlannedLogBatch
    from mlflow_rest_sdk.batching.run_logger import RunLogger

__all__ = ["BatchingMixin"]


class BatchingMixin(GeneratedMlflowClient):
    """Adds :meth:`log_batch_all` and :meth:`run_logger` to :class:`MlflowClient`."""

    def log_batch_all(
        self,
        run_id: str,
        *,
        metrics: Sequence[MetricInput] = (),
        params: Sequence[ParamInput] = (),
        tags: Sequence[TagInput] = (),
        limits: BatchLimits = SERVER_LIMITS,
        max_concurrency: int = 4,
        timeout: float | None = None,
    ) -> int:
        """Log any number of metrics, params and tags, split into requests the server accepts.

        Items are dicts or ``Metric``/``Param``/``RunTag`` models; a metric without a timestamp
        gets the current time, without a step step 0. Everything is checked before anything is
        sent. Requests with tags go first, one after another; the rest (their order does not
        matter to MLflow) go up to ``max_concurrency`` at a time, sharing the client's
        connection pool (tasks on the event loop for the asyncio client, worker threads for the
        blocking one): one request at a time cannot keep a server busy. After a request fails
        (after the client's retries) no further request is started, and
        :class:`BatchLoggingError` names what was not stored. Calling again with the same values
        is safe: MLflow ignores a metric, param or tag it already has.

        Returns the number of requests sent.
        """
        from mlflow_rest_sdk.batching.planner import plan_log_batches, split_by_order

        require_positive_int("max_concurrency", max_concurrency)
        batches = plan_log_batches(
            run_id,
            metrics=metrics,
            params=params,
            tags=tags,
            limits=limits,
            default_timestamp=now_ms(),
        )
        ledger = LossLedger()
        # Blocking sends record from worker threads; on the event loop the lock is never
        # contended (nothing is awaited while it is held).
        recording = threading.Lock()

        def send(batch: PlannedLogBatch) -> None:
            if ledger:
                with recording:
                    ledger.record(batch, NOT_SENT)
                return
            try:
                self.log_batch(batch, timeout=timeout)
            except MlflowRestError as error:
                with recording:
                    ledger.record(batch, error)

        ordered, unordered = split_by_order(batches)
        for batch in ordered:
            send(batch)
        fan_out_sync(send, unordered, max_concurrency)
        if (lost := ledger.take(run_id)) is not None:
            raise lost
        return len(batches)

    def run_logger(
        self,
        run_id: str,
        *,
        batch_size: int = 1000,
        flush_interval: float = 2.0,
        max_queue_size: int = 10_000,
        max_concurrency: int = 4,
    ) -> RunLogger:
        """A run logger (:class:`RunLogger`) for training loops: ``log_metric`` returns at
        once, and full batches are sent in the background, up to ``max_concurrency`` at a time.
        """
        from mlflow_rest_sdk.batching.buffer import RunLoggerSettings
        from mlflow_rest_sdk.batching.run_logger import RunLogger

        settings = RunLoggerSettings(
            batch_size=batch_size,
            flush_interval=flush_interval,
            max_queue_size=max_queue_size,
            max_concurrency=max_concurrency,
        )
        return RunLogger(self, run_id, settings)
