"""A run logger for training loops on the asyncio client: ``await log_*`` returns at once,
requests go out as tasks, at most ``max_concurrency`` at a time.

Memory is bounded: at most ``max_queue_size`` values may be accepted but not yet stored; past
that, ``await log_*`` waits until a request completes (back-pressure). Requests carrying tags
are sent one after another in order, since a later tag value overwrites an earlier one; the
others may overlap, as MLflow stores metrics by (key, step, timestamp, value) whatever the
order they arrive in and never changes a param. Failed requests have already been retried by
the client's retry policy; what still failed is reported by ``flush()`` and ``aclose()``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Self

from mlflow_rest_sdk._generated.models import LogBatch
from mlflow_rest_sdk.batching.buffer import ParamBook, PendingValues, RunLoggerSettings
from mlflow_rest_sdk.batching.clock import now_ms
from mlflow_rest_sdk.batching.items import Item, new_metric, new_param, new_tag
from mlflow_rest_sdk.batching.losses import BatchLoggingError, LossLedger
from mlflow_rest_sdk.batching.run_logger import LoggerClosedError

if TYPE_CHECKING:
    from mlflow_rest_sdk._generated.async_client import GeneratedAsyncMlflowClient


class AsyncRunLogger:
    """Batches a run's metrics, params and tags in background tasks of the running loop.

    Made by ``client.run_logger(run_id)``; use it as ``async with`` (or ``await aclose()``):
    leaving the block sends everything and raises :class:`BatchLoggingError` naming what could
    not be stored. ``await flush()`` does the same without closing. Use it from one event loop,
    the one the client lives on.
    """

    def __init__(
        self,
        client: GeneratedAsyncMlflowClient,
        run_id: str,
        settings: RunLoggerSettings | None = None,
    ) -> None:
        self.run_id = run_id
        self.settings = settings or RunLoggerSettings()
        self._client = client
        self._room = asyncio.Semaphore(self.settings.max_queue_size)
        self._slots = asyncio.Semaphore(self.settings.max_concurrency)
        self._pending = PendingValues(run_id, self.settings)
        self._params = ParamBook()
        self._ledger = LossLedger()
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_tag_request: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"AsyncRunLogger(run_id={self.run_id!r}, requests_in_flight={len(self._tasks)})"

    async def log_metric(
        self, key: str, value: float, step: int = 0, timestamp: int | None = None
    ) -> None:
        """Accept one metric value (``timestamp`` defaults to now); waits only when full."""
        await self._accept(new_metric(key, value, step, timestamp, now_ms()))

    async def log_metrics(
        self, metrics: Mapping[str, float], step: int = 0, timestamp: int | None = None
    ) -> None:
        """Accept several metrics of one step, sharing one timestamp."""
        stamp = now_ms() if timestamp is None else timestamp
        for key, value in metrics.items():
            await self._accept(new_metric(key, value, step, stamp, stamp))

    async def log_param(self, key: str, value: object) -> None:
        """Accept a param (sent as ``str(value)``); a repeat of the same value is ignored."""
        param = new_param(key, value)
        if self._params.admit(param):
            await self._accept(param)

    async def log_params(self, params: Mapping[str, object]) -> None:
        for key, value in params.items():
            await self.log_param(key, value)

    async def set_tag(self, key: str, value: object) -> None:
        """Accept a run tag (sent as ``str(value)``); the last value set wins."""
        await self._accept(new_tag(key, value))

    async def set_tags(self, tags: Mapping[str, object]) -> None:
        for key, value in tags.items():
            await self.set_tag(key, value)

    async def flush(self) -> None:
        """Send everything accepted so far; raise :class:`BatchLoggingError` if any was lost."""
        self._send_pending()
        while self._tasks:
            await asyncio.wait(set(self._tasks))
        error = self._ledger.take(self.run_id)
        if error is not None:
            raise error

    async def aclose(self) -> None:
        """Send everything and refuse new values; raise :class:`BatchLoggingError` if any
        was lost."""
        self._closed = True
        await self.flush()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            await self.aclose()
            return
        try:  # the block already failed: say what was lost, without hiding its error
            await self.aclose()
        except BatchLoggingError as lost:
            exc.add_note(str(lost))

    async def _accept(self, item: Item) -> None:
        if self._closed:
            raise LoggerClosedError(f"run logger for run {self.run_id!r} is closed")
        await self._room.acquire()
        loop = asyncio.get_running_loop()
        self._pending.add(item, loop.time())
        if self._pending.full:
            self._send_pending()
        elif self._timer is None:
            self._timer = loop.call_later(self.settings.flush_interval, self._send_pending)

    def _send_pending(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for batch in self._pending.take():
            after = self._last_tag_request if batch.tags else None
            task = asyncio.create_task(self._send(batch, after))
            if batch.tags:
                self._last_tag_request = task
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _send(self, batch: LogBatch, after: asyncio.Task[None] | None) -> None:
        try:
            if after is not None:  # tags: the previous tag request must land first
                await asyncio.wait([after])
            async with self._slots:
                await self._client.log_batch(batch)
        except Exception as error:
            self._ledger.record(batch, error)
        finally:
            entities = len(batch.metrics) + len(batch.params) + len(batch.tags)
            for _ in range(entities):
                self._room.release()
