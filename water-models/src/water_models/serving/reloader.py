"""Reloads asked for by webhook deliveries, run in the background and merged per model.

Why in the background: MLflow waits for the answer to each delivery (up to 30 s, from a small
thread pool of its own) and retries on a timeout, so the endpoint answers at once and the
download happens here. Why merged: a burst of deliveries for one model (MLflow's retries, a
replay, an alias moved twice) needs one reload that reads the registry after the last of them,
not one per delivery. A name is dropped from the pending set when its reload *starts*, so a
delivery arriving during a reload queues one more: that reload reads the newer state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger("water_models")


class Reloader:
    """Runs ``reload(name)`` on a small pool, at most one pending run per name."""

    def __init__(self, reload: Callable[[str], object], *, workers: int = 2) -> None:
        self._reload = reload
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="push-reload")
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._closed = False
        self.done = 0
        self.failed = 0

    def submit(self, name: str) -> bool:
        """Queue a reload of ``name``; False when one is already waiting (or after close)."""
        with self._lock:
            if self._closed or name in self._pending:
                return False
            self._pending.add(name)
        self._pool.submit(self._run, name)
        return True

    def close(self) -> None:
        """Run what is queued, then stop (reloads in progress finish)."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _run(self, name: str) -> None:
        with self._lock:
            self._pending.discard(name)
        try:
            self._reload(name)
        except Exception as error:  # the listing is the safety net: log, count, go on
            with self._lock:
                self.failed += 1
            logger.warning("push reload of %s failed (the listing will retry): %s", name, error)
        else:
            with self._lock:
                self.done += 1
