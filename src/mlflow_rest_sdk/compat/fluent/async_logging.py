"""Asynchronous fluent logging (``synchronous=False``, ``MLFLOW_ENABLE_ASYNC_LOGGING``) through
the SDK's lossless run logger: one :class:`~mlflow_rest_sdk.batching.RunLogger` per run,
flushed by ``RunOperations.wait()`` and ``flush_async_logging()``, closed by ``end_run`` and at
exit, so a value logged is either stored or reported (``BatchLoggingError``), never dropped."""

from __future__ import annotations

import atexit
import contextlib
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

from mlflow_rest_sdk.compat.fluent import state
from mlflow_rest_sdk.compat.run_operations import RunOperations

if TYPE_CHECKING:
    from mlflow_rest_sdk.batching.run_logger import RunLogger

__all__ = ["close_logger", "flush_all", "logger_for", "queued"]

_loggers: dict[str, RunLogger] = {}
_lock = threading.Lock()


def logger_for(run_id: str) -> RunLogger:
    """The run's logger, started on first use."""
    with _lock:
        logger = _loggers.get(run_id)
        if logger is None:
            logger = _loggers[run_id] = state.client().rest.run_logger(run_id)
        return logger


class _FlushedOnWait(Future[None]):
    """Done once the run's logger has sent everything queued so far: ``result()`` flushes."""

    def __init__(self, logger: RunLogger) -> None:
        super().__init__()
        self._logger = logger

    def result(self, timeout: float | None = None) -> None:
        self._logger.flush(timeout)


def queued(run_id: str) -> RunOperations:
    """What an asynchronous call returns: ``wait()`` blocks until the run's values are sent."""
    return RunOperations([_FlushedOnWait(logger_for(run_id))])


def close_logger(run_id: str) -> None:
    """Send what the run's logger holds and stop it (``end_run`` does, before ending the run);
    raises ``BatchLoggingError`` naming what could not be stored."""
    with _lock:
        logger = _loggers.pop(run_id, None)
    if logger is not None:
        logger.close()


def flush_all() -> None:
    """Send what every run logger holds."""
    with _lock:
        loggers = list(_loggers.values())
    for logger in loggers:
        logger.flush()


def _close_all_at_exit() -> None:
    with _lock:
        run_ids = list(_loggers)
    for run_id in run_ids:
        with contextlib.suppress(Exception):
            close_logger(run_id)


# The loggers send on thread pools, which refuse new work once the interpreter starts shutting
# down, before ``atexit`` handlers run; threading's own exit hooks run earlier, the last one
# registered first, so this one runs before the pools' (CPython's private hook, where present).
_register = getattr(threading, "_register_atexit", atexit.register)
_register(_close_all_at_exit)
