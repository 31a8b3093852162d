"""Batched logging on the clients: ``log_batch_all`` for any number of values, ``run_logger``
for training loops. The generated ``log_batch`` is unchanged (one request, the caller's limits).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from mlflow_rest_sdk._generated.async_client import GeneratedAsyncMlflowClient
from mlflow_rest_sdk._generated.sync_client import GeneratedMlflowClient
from mlflow_rest_sdk._runtime.error_base import MlflowRestError
from mlflow_rest_sdk.batching.clock import now_ms
from mlflow_rest_sdk.batching.limits import SERVER_LIMITS, BatchLimits, require_positive_int
from mlflow_rest_sdk.batching.losses import LossLedger

if TYPE_CHECKING:
    from mlflow_rest_sdk.batching.async_run_logger import AsyncRunLogger
    from mlflow_rest_sdk.batching.items import MetricInput, ParamInput, TagInput
    from mlflow_rest_sdk.batching.planner import PlannedLogBatch
    from mlflow_rest_sdk.batching.run_logger import RunLogger

#: Why a request was not sent by ``log_batch_all``.
NOT_SENT = "not sent, because an earlier request of the same call failed"


class BatchingMixin(GeneratedMlflowClient):
    """Adds :meth:`log_batch_all` and :meth:`run_logger` to the blocking client."""

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
        matter to MLflow) go up to ``max_concurrency`` at a time, on worker threads sharing the
        client's connection pool: one request at a time cannot keep a server busy. After a
        request fails (after the client's retries) no further request is started, and
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
        workers = min(max_concurrency, len(unordered))
        if workers <= 1:
            for batch in unordered:
                send(batch)
        else:
            with ThreadPoolExecutor(workers, thread_name_prefix="mlflow-log-batch") as pool:
                for _ in pool.map(send, unordered):
                    pass
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
        """A :class:`RunLogger`: ``log_metric`` returns at once, threads send batches."""
        from mlflow_rest_sdk.batching.buffer import RunLoggerSettings
        from mlflow_rest_sdk.batching.run_logger import RunLogger

        settings = RunLoggerSettings(
            batch_size=batch_size,
            flush_interval=flush_interval,
            max_queue_size=max_queue_size,
            max_concurrency=max_concurrency,
        )
        return RunLogger(self, run_id, settings)


class AsyncBatchingMixin(GeneratedAsyncMlflowClient):
    """Adds :meth:`log_batch_all` and :meth:`run_logger` to the asyncio client."""

    async def log_batch_all(
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

        As the blocking ``log_batch_all``, with the concurrent requests as tasks on the event
        loop instead of threads.

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
        slots = asyncio.Semaphore(max_concurrency)

        async def send(batch: PlannedLogBatch) -> None:
            async with slots:
                if ledger:
                    ledger.record(batch, NOT_SENT)
                    return
                try:
                    await self.log_batch(batch, timeout=timeout)
                except MlflowRestError as error:
                    ledger.record(batch, error)

        ordered, unordered = split_by_order(batches)
        for batch in ordered:
            await send(batch)
        await asyncio.gather(*(send(batch) for batch in unordered))
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
    ) -> AsyncRunLogger:
        """An :class:`AsyncRunLogger`: ``await log_metric`` returns at once, tasks send batches."""
        from mlflow_rest_sdk.batching.async_run_logger import AsyncRunLogger
        from mlflow_rest_sdk.batching.buffer import RunLoggerSettings

        settings = RunLoggerSettings(
            batch_size=batch_size,
            flush_interval=flush_interval,
            max_queue_size=max_queue_size,
            max_concurrency=max_concurrency,
        )
        return AsyncRunLogger(self, run_id, settings)
