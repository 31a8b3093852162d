"""The thread that refreshes a fleet cache: disk fallback first, then a refresh per interval.

A loop of its own, apart from :class:`~water_models.fleet_cache.FleetCache`, so the cache's
refresh stays a plain call (tests and the future webhook handler call it directly) and the
timing rules live in :mod:`water_models.refresh_schedule`.
"""

from __future__ import annotations

import logging
import random
import threading
from typing import Protocol

from water_models.fleet_state import RefreshReport
from water_models.refresh_schedule import RefreshSchedule

logger = logging.getLogger("water_models")


class Refreshable(Protocol):
    """What the loop drives (a :class:`~water_models.fleet_cache.FleetCache`)."""

    @property
    def consecutive_failures(self) -> int: ...

    def load_fallback(self) -> RefreshReport: ...

    def refresh(self) -> RefreshReport: ...

    def note_next_refresh(self, delay: float) -> None: ...


class RefreshLoop:
    """Runs ``target.refresh()`` now and then after each delay the schedule draws.

    The thread is a daemon: a process that exits without :meth:`stop` does not hang on it.
    Whatever a refresh raises is logged and the loop goes on; models stay in service.
    """

    def __init__(self, target: Refreshable, schedule: RefreshSchedule, rng: random.Random):
        self._target = target
        self._schedule = schedule
        self._rng = rng
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fleet-refresh", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Ask the loop to end and wait up to ``timeout`` s (a refresh in progress finishes)."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            self._target.load_fallback()
        except Exception:  # the disk is best effort: MLflow may still serve everything
            logger.exception("loading the disk fallback failed")
        delay = 0.0
        while not self._stop.wait(delay):
            failures = 1
            try:
                self._target.refresh()
                failures = self._target.consecutive_failures
            except Exception:  # refresh() reports its failures: this is a bug, not an outage
                logger.exception("the refresh loop hit an unexpected error")
            delay = self._schedule.next_delay(failures, self._rng)
            self._target.note_next_refresh(delay)
