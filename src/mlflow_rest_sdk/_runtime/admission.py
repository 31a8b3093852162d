"""Admission to a client's request slots: first come, first served, under the load limit.

The bookkeeping is shared by both clients and safe across threads (a blocking client is used from
many threads; the asyncio client's helpers may wake waiters from another thread). How a waiter
sleeps differs, so ``gates`` holds one small waiting shim per world; this module never blocks.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

from mlflow_rest_sdk._runtime.error_base import APITimeoutError
from mlflow_rest_sdk._runtime.load_limit import AdaptiveLimit, LoadLimit, LoadStats, Sample, Signal

logger = logging.getLogger("mlflow_rest_sdk.load")


class LoadLimitTimeout(APITimeoutError):
    """A request waited its whole deadline for a slot under the client's load limit."""


class Ticket:
    """One request's place: queued until admitted, then holding a slot until it leaves."""

    __slots__ = ("admitted", "started", "wake")

    def __init__(self, wake: Callable[[], None]) -> None:
        self.wake = wake
        self.admitted = False
        self.started = 0.0


class Admission:
    def __init__(
        self, settings: LoadLimit, pool_size: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self._policy = AdaptiveLimit(settings, pool_size, clock())
        self._gated = settings.mode != "off"
        self._lock = threading.Lock()
        self._queue: deque[Ticket] = deque()
        self._in_flight = 0
        self._peak = 0
        self._completed = 0
        self._overloads = 0

    def try_enter(self, ticket: Ticket) -> bool:
        """Admit ``ticket`` at once, or queue it to be woken (its ``wake``) when a slot frees."""
        with self._lock:
            if not self._gated or (not self._queue and self._in_flight < self._policy.limit):
                self._admit(ticket)
                return True
            self._queue.append(ticket)
            return False

    def leave(self, ticket: Ticket, signal: Signal, latency: float, route: str) -> None:
        """Free the slot of a finished request, let the policy see it, and admit who is next."""
        with self._lock:
            now = self._clock()
            before = self._policy.limit
            sample = Sample(signal, ticket.started, latency, route, self._in_flight)
            self._policy.observe(sample, now)
            self._in_flight -= 1
            self._completed += 1
            self._overloads += signal is Signal.OVERLOAD
            if self._policy.limit != before:
                self._log_change(before, sample)
            woken = self._admit_waiting()
        for waiting in woken:
            waiting.wake()

    def abandon(self, ticket: Ticket) -> None:
        """A waiter gives up (deadline, cancellation): leave the queue, or the slot it just got."""
        with self._lock:
            if not ticket.admitted:
                self._queue.remove(ticket)
                return
            self._in_flight -= 1
            woken = self._admit_waiting()
        for waiting in woken:
            waiting.wake()

    def timeout_error(self, waited: float, url: str) -> LoadLimitTimeout:
        stats = self.stats()
        return LoadLimitTimeout(
            f"waited {waited:.1f} s for a request slot: {stats.in_flight} in flight under the "
            f"client's load limit of {stats.limit}, {stats.waiting} waiting (see LoadLimit in "
            "docs/configuration.md)",
            url=url,
        )

    def stats(self) -> LoadStats:
        with self._lock:
            return LoadStats(
                mode=self._policy.settings.mode,
                limit=self._policy.limit if self._gated else self._policy.ceiling,
                in_flight=self._in_flight,
                waiting=len(self._queue),
                peak_in_flight=self._peak,
                completed=self._completed,
                overloads=self._overloads,
            )

    def _admit(self, ticket: Ticket) -> None:
        ticket.admitted = True
        ticket.started = self._clock()
        self._in_flight += 1
        self._peak = max(self._peak, self._in_flight)

    def _admit_waiting(self) -> list[Ticket]:
        woken: list[Ticket] = []
        while self._queue and self._in_flight < self._policy.limit:
            ticket = self._queue.popleft()
            self._admit(ticket)
            woken.append(ticket)
        return woken

    def _log_change(self, before: int, sample: Sample) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            floor = self._policy.floor(sample.route)
            logger.debug(
                "load limit %d -> %d after %s on %s (latency %.1f ms, floor %s, %d in flight)",
                before,
                self._policy.limit,
                sample.signal.value,
                sample.route,
                sample.latency * 1000,
                f"{floor * 1000:.1f} ms" if floor is not None else "none",
                sample.in_flight,
            )
