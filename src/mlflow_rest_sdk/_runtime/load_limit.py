"""How many requests a client keeps in flight: settings, the adaptive policy, and its signals.

A server takes only so many requests at once (MLflow's store pool holds 5 + 10 connections per
worker); past that, requests queue inside it until they time out and fail. The pool size protects
the client, not the server, so the client finds the server's limit itself: additive increase
while calls succeed and latency stays near its floor, a multiplicative cut on an overload signal
(429, 502-504, a timeout, a disguised store overload) and a step down when latency climbs well
above the floor with more than a few requests waiting in the server (Little's law, as TCP Vegas
estimates its queue: the share of each latency spent waiting, times the requests in flight). A
ratio alone pinned the limit at 1-2 on a 1-worker sqlite server, whose latency doubles at 2 in
flight although its best fixed level measured 8. The floor is kept per route, so that
a slow route does not look like queueing.
Everything here is pure and clocked by the caller; the waiting lives in ``admission``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from mlflow_rest_sdk._runtime.disguised import disguised_transient
from mlflow_rest_sdk._runtime.error_base import APIConnectionRefused, APITimeoutError
from mlflow_rest_sdk._runtime.transport import HttpResponse

_OVERLOAD_STATUSES = frozenset({429, 502, 503, 504})
# Routes with a latency floor each; the oldest is forgotten past this (paths can hold ids).
_MAX_ROUTES = 512


@dataclass(frozen=True, slots=True)
class LoadLimit:
    """The limit on one client's requests in flight, shared by every thread or task using it.

    ``mode``: ``"adaptive"`` (the default) starts at ``initial`` and finds the server's best
    level between 1 and ``maximum`` (default: the connection pool's size); ``"fixed"`` holds
    ``initial``; ``"off"`` sends everything at once, up to the pool. ``initial`` is 1 so that
    the first call goes alone and the latency floor is the server's unqueued latency: started at
    4, a burst of log_batch calls to a 1-worker server learnt a floor of 135 ms against 16 ms
    alone, and the queue estimate was blind from then on. Slow start reaches 8 in three rounds.
    """

    mode: Literal["adaptive", "fixed", "off"] = "adaptive"
    initial: int = 1
    maximum: int | None = None
    latency_tolerance: float = 2.0
    queue_allowance: float = 2.0
    backoff: float = 0.5
    floor_window: float = 60.0

    def __post_init__(self) -> None:
        if self.mode not in ("adaptive", "fixed", "off"):
            raise ValueError(f"LoadLimit.mode must be adaptive, fixed or off, got {self.mode!r}")
        if self.initial < 1 or (self.maximum is not None and self.maximum < 1):
            raise ValueError("LoadLimit.initial and LoadLimit.maximum must be >= 1")
        if self.latency_tolerance <= 1.0:
            raise ValueError("LoadLimit.latency_tolerance must be > 1 (a multiple of the floor)")
        if self.queue_allowance < 0:
            raise ValueError("LoadLimit.queue_allowance must be >= 0 (requests waiting)")
        if not 0.0 < self.backoff < 1.0:
            raise ValueError("LoadLimit.backoff must be between 0 and 1")
        if self.floor_window <= 0:
            raise ValueError("LoadLimit.floor_window must be > 0 seconds")

    @classmethod
    def fixed(cls, limit: int) -> LoadLimit:
        return cls(mode="fixed", initial=limit, maximum=limit)

    @classmethod
    def off(cls) -> LoadLimit:
        return cls(mode="off")


class Signal(Enum):
    """What one finished request says about the server's load."""

    OK = "ok"  # answered: its latency is a sample
    DONE = "done"  # a transfer finished: it may grow the limit, its duration is not a sample
    OVERLOAD = "overload"  # the server is past its limit
    NEUTRAL = "neutral"  # says nothing (refused: the server is down, not busy)


def signal_of(outcome: HttpResponse | BaseException) -> Signal:
    if isinstance(outcome, HttpResponse):
        if outcome.status_code in _OVERLOAD_STATUSES or disguised_transient(outcome) is not None:
            return Signal.OVERLOAD
        return Signal.OK
    if isinstance(outcome, APITimeoutError):
        return Signal.OVERLOAD
    if isinstance(outcome, APIConnectionRefused):
        return Signal.NEUTRAL
    return Signal.NEUTRAL


def stream_signal(status: int | None) -> Signal:
    """What a streamed exchange (an artifact transfer) says: only its status, never its latency,
    which is the transfer's time and not the server's queue. A finished one may grow the limit,
    so that transfers run in parallel (started at 1) find their level like any call."""
    if status in _OVERLOAD_STATUSES:
        return Signal.OVERLOAD
    return Signal.DONE if status is not None and 200 <= status < 300 else Signal.NEUTRAL


@dataclass(frozen=True, slots=True)
class Sample:
    """One finished request: when it started (policy clock), how long it took, on which route,
    and how many requests were in flight with it (itself included)."""

    signal: Signal
    started: float
    latency: float
    route: str
    in_flight: int


class _Floor:
    """The least latency of a route over the last one to two windows, so it can rise again."""

    __slots__ = ("current", "previous", "since")

    def __init__(self, now: float) -> None:
        self.current = math.inf
        self.previous = math.inf
        self.since = now

    def add(self, latency: float, now: float, window: float) -> float:
        if now - self.since >= window:
            self.previous, self.current, self.since = self.current, math.inf, now
        self.current = min(self.current, latency)
        return min(self.current, self.previous)


class AdaptiveLimit:
    """The limit's state; :meth:`observe` takes each finished request and may move it.

    One cut per round trip: a signal from a request that started before the last cut says
    nothing new (it was sent under the old limit), as in TCP's congestion control.
    """

    def __init__(self, settings: LoadLimit, pool_size: int, now: float) -> None:
        self.settings = settings
        self.ceiling = min(settings.maximum or pool_size, pool_size)
        self._limit = float(min(settings.initial, self.ceiling))
        self._slow_start = settings.mode == "adaptive"
        self._last_cut = -math.inf
        self._floors: dict[str, _Floor] = {}

    @property
    def limit(self) -> int:
        return max(1, int(self._limit))

    def floor(self, route: str) -> float | None:
        found = self._floors.get(route)
        value = min(found.current, found.previous) if found else math.inf
        return None if math.isinf(value) else value

    def observe(self, sample: Sample, now: float) -> None:
        if self.settings.mode != "adaptive" or sample.signal is Signal.NEUTRAL:
            return
        if sample.signal is Signal.OVERLOAD:
            self._cut(sample, now, self._limit * self.settings.backoff)
            return
        if sample.signal is Signal.DONE:
            self._grow(sample)
            return
        floor = self._floors.get(sample.route)
        if floor is None:
            if len(self._floors) >= _MAX_ROUTES:
                del self._floors[next(iter(self._floors))]
            floor = self._floors[sample.route] = _Floor(now)
        least = floor.add(sample.latency, now, self.settings.floor_window)
        if self._queueing(sample, least):
            self._cut(sample, now, self._limit - 1.0)
        else:
            self._grow(sample)

    def _grow(self, sample: Sample) -> None:
        if sample.in_flight >= self.limit:  # grow only a limit that is in use
            step = 1.0 if self._slow_start else 1.0 / self._limit
            self._limit = min(float(self.ceiling), self._limit + step)

    def _queueing(self, sample: Sample, least: float) -> bool:
        """Latency well above the floor, and more requests waiting than the allowance."""
        if sample.latency <= self.settings.latency_tolerance * least:
            return False
        waiting = sample.in_flight * (1.0 - least / sample.latency)
        return waiting > self.settings.queue_allowance

    def _cut(self, sample: Sample, now: float, to: float) -> None:
        if sample.started < self._last_cut:
            return
        self._limit = max(1.0, to)
        self._slow_start = False
        self._last_cut = now


@dataclass(frozen=True, slots=True)
class LoadStats:
    """A snapshot of one client's load limit (``client.load_stats``)."""

    mode: str
    limit: int
    in_flight: int
    waiting: int
    peak_in_flight: int
    completed: int
    overloads: int
