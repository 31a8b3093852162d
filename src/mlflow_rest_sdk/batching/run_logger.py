"""A run logger for training loops on the blocking client: ``log_*`` returns at once, a
background thread packs the values into batches and worker threads send them, up to
``max_concurrency`` requests at a time (requests carrying tags one after another).

Memory is bounded: values wait in a ``queue.Queue`` of ``max_queue_size`` items, and a caller
that logs faster than the server stores blocks in ``log_*`` until there is room again. Any
number of threads may log at once. Failed requests have already been retried by the client's
retry policy (log-batch is idempotent); what still failed is reported by ``flush()`` and
``close()``.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Self

from mlflow_rest_sdk.batching.buffer import ParamBook, PendingValues, RunLoggerSettings
from mlflow_rest_sdk.batching.clock import now_ms
from mlflow_rest_sdk.batching.items import Item, new_metric, new_param, new_tag
from mlflow_rest_sdk.batching.losses import BatchLoggingError, LossLedger

if TYPE_CHECKING:
    from mlflow_rest_sdk._generated.models import LogBatch
    from mlflow_rest_sdk._generated.sync_client import GeneratedMlflowClient

#: How often a waiting ``flush`` checks that the sender thread is still alive.
_LIVENESS_CHECK_SECONDS = 0.5


@dataclass(eq=False)
class _Flush:
    """A marker in the queue: everything before it is to be sent, then ``done`` is set."""

    stop: bool = False
    done: threading.Event = field(default_factory=threading.Event)


class LoggerClosedError(RuntimeError):
    """A value was logged after the run logger was closed."""


class RunLogger:
    """Batches a run's metrics, params and tags in background threads.

    Made by ``client.run_logger(run_id)``; use it as a context manager (or call ``close()``):
    leaving the block sends everything and raises :class:`BatchLoggingError` naming what could
    not be stored. ``flush()`` does the same without closing.
    """

    def __init__(
        self,
        client: GeneratedMlflowClient,
        run_id: str,
        settings: RunLoggerSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.run_id = run_id
        self.settings = settings or RunLoggerSettings()
        self._client = client
        self._clock = clock
        self._queue: queue.Queue[Item | _Flush] = queue.Queue(self.settings.max_queue_size)
        self._pending = PendingValues(run_id, self.settings)
        self._params = ParamBook()
        self._ledger = LossLedger()
        self._lock = threading.Condition()
        self._closed = False
        self._putting = 0
        self._crash: BaseException | None = None
        # Requests in flight: at most max_concurrency, each on a worker of this pool; the
        # sender thread waits for a free slot, so memory stays bounded.
        self._slots = threading.BoundedSemaphore(self.settings.max_concurrency)
        self._senders = ThreadPoolExecutor(
            self.settings.max_concurrency, thread_name_prefix=f"mlflow-run-logger-send-{run_id}"
        )
        self._in_flight: list[Future[None]] = []  # touched by the sender thread only
        self._thread = threading.Thread(
            target=self._work, name=f"mlflow-run-logger-{run_id}", daemon=True
        )
        self._thread.start()

    def __repr__(self) -> str:
        return f"RunLogger(run_id={self.run_id!r}, queued={self._queue.qsize()})"

    # -- producer side: any thread ---------------------------------------------------------

    def log_metric(
        self, key: str, value: float, step: int = 0, timestamp: int | None = None
    ) -> None:
        """Queue one metric value (``timestamp`` defaults to now); blocks only when full."""
        self._put(new_metric(key, value, step, timestamp, now_ms()))

    def log_metrics(
        self, metrics: Mapping[str, float], step: int = 0, timestamp: int | None = None
    ) -> None:
        """Queue several metrics of one step, sharing one timestamp."""
        stamp = now_ms() if timestamp is None else timestamp
        for key, value in metrics.items():
            self._put(new_metric(key, value, step, stamp, stamp))

    def log_param(self, key: str, value: object) -> None:
        """Queue a param (sent as ``str(value)``); a repeat of the same value is ignored."""
        param = new_param(key, value)
        with self._lock:
            is_new = self._params.admit(param)
        if is_new:
            self._put(param)

    def log_params(self, params: Mapping[str, object]) -> None:
        for key, value in params.items():
            self.log_param(key, value)

    def set_tag(self, key: str, value: object) -> None:
        """Queue a run tag (sent as ``str(value)``); the last value set wins."""
        self._put(new_tag(key, value))

    def set_tags(self, tags: Mapping[str, object]) -> None:
        for key, value in tags.items():
            self.set_tag(key, value)

    def flush(self, timeout: float | None = None) -> None:
        """Send everything logged so far; raise :class:`BatchLoggingError` if any was lost."""
        if self._closed:
            raise LoggerClosedError(f"run logger for run {self.run_id!r} is closed")
        marker = _Flush()
        self._queue.put(marker)
        self._wait(marker, timeout)
        self._raise_losses()

    def close(self, timeout: float | None = None) -> None:
        """Send everything, stop the thread; raise :class:`BatchLoggingError` if any was lost."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            while self._putting:  # producers already past the check: let them finish
                self._lock.wait()
        marker = _Flush(stop=True)
        self._queue.put(marker)
        self._wait(marker, timeout)
        self._thread.join()
        self._raise_losses()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            self.close()
            return
        try:  # the block already failed: say what was lost, without hiding its error
            self.close()
        except BatchLoggingError as lost:
            exc.add_note(str(lost))

    def _put(self, item: Item) -> None:
        with self._lock:
            if self._closed:
                raise LoggerClosedError(f"run logger for run {self.run_id!r} is closed")
            self._putting += 1
        try:
            self._queue.put(item)
        finally:
            with self._lock:
                self._putting -= 1
                self._lock.notify_all()

    def _wait(self, marker: _Flush, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not marker.done.wait(_LIVENESS_CHECK_SECONDS):
            if not self._thread.is_alive():
                raise RuntimeError(
                    f"the run logger's sender thread for run {self.run_id!r} stopped"
                ) from self._crash
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(
                    f"run logger for run {self.run_id!r}: values still unsent after {timeout} s"
                )

    def _raise_losses(self) -> None:
        with self._lock:
            error = self._ledger.take(self.run_id)
        if error is not None:
            raise error

    # -- consumer side: the sender thread ----------------------------------------------------

    def _work(self) -> None:
        try:
            while True:
                try:
                    entry = self._queue.get(timeout=self._pending.seconds_until_due(self._clock()))
                except queue.Empty:
                    self._send_pending()
                    continue
                if isinstance(entry, _Flush):
                    self._send_pending()
                    self._wait_in_flight()
                    if entry.stop:
                        self._senders.shutdown(wait=True)
                    entry.done.set()
                    if entry.stop:
                        return
                    continue
                self._pending.add(entry, self._clock())
                if self._pending.full:
                    self._send_pending()
        except BaseException as crash:  # a bug: make waiting flushes fail instead of hang
            self._crash = crash
            raise

    def _send_pending(self) -> None:
        """Hand the pending values to the senders: requests with tags one after another (a
        later tag value must land last), the others up to ``max_concurrency`` at a time."""
        for batch in self._pending.take():
            if batch.tags:
                self._wait_in_flight()
                self._send(batch)
                continue
            self._slots.acquire()
            self._in_flight = [future for future in self._in_flight if not future.done()]
            self._in_flight.append(self._senders.submit(self._send_and_release, batch))

    def _wait_in_flight(self) -> None:
        wait(self._in_flight)
        self._in_flight = []

    def _send_and_release(self, batch: LogBatch) -> None:
        try:
            self._send(batch)
        finally:
            self._slots.release()

    def _send(self, batch: LogBatch) -> None:
        try:
            self._client.log_batch(batch)
        except Exception as error:
            with self._lock:
                self._ledger.record(batch, error)
