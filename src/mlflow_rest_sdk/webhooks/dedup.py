"""Refusing a delivery seen before: a bounded, thread-safe memory of delivery ids.

A valid signature proves who sent a request, not that it is new: MLflow's HTTP retries resend
the same delivery (same id, timestamp and signature) when an attempt failed or timed out, and
anyone who captured a delivery can replay it until its timestamp leaves the tolerance. The
timestamp check bounds how long an id must be remembered; this filter remembers it exactly that
long, so memory stays proportional to the delivery rate, and ``max_entries`` caps it when the
rate is higher than planned (the ids closest to expiry are dropped first, and counted in
:attr:`DeliveryFilter.evicted`).

``claim`` is atomic (check and insert under one lock), so two copies of one delivery arriving
at once on two threads are told apart: one gets ``True``, the other ``False``.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from typing import Final

__all__ = ["DEFAULT_FILTER_TTL", "DeliveryFilter"]

#: Default memory for a claim made without ``until``: the default replay tolerance of ``verify``.
DEFAULT_FILTER_TTL: Final = 300.0
_DEFAULT_MAX_ENTRIES: Final = 100_000


class DeliveryFilter:
    """Delivery ids accepted recently; ``claim`` says whether an id is new.

    Use it through ``verify(..., deliveries=filter)``, which claims an id only after the
    signature and the timestamp passed (so forged requests cannot fill it or block a real
    delivery) and remembers it until its timestamp would be refused anyway. Or use it alone with
    any id. One filter per receiving process; it holds no connection and no thread.
    """

    def __init__(
        self,
        *,
        ttl: float = DEFAULT_FILTER_TTL,
        max_entries: int = _DEFAULT_MAX_ENTRIES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if ttl <= 0:
            raise ValueError(f"ttl must be positive, got {ttl}")
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self._ttl = float(ttl)
        self._max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}
        # (expires_at, delivery_id), soonest first; may hold stale pairs that _expiry no longer
        # agrees with (released or re-claimed ids), skipped when they surface.
        self._heap: list[tuple[float, str]] = []
        self._evicted = 0

    @property
    def ttl(self) -> float:
        """Seconds an id is remembered when claimed without ``until``."""
        return self._ttl

    @property
    def max_entries(self) -> int:
        return self._max_entries

    @property
    def evicted(self) -> int:
        """Ids dropped before their time because the filter was full (0 unless undersized)."""
        with self._lock:
            return self._evicted

    def claim(
        self, delivery_id: str, *, until: float | None = None, now: float | None = None
    ) -> bool:
        """Remember ``delivery_id``; ``True`` if it is new, ``False`` if it is a duplicate.

        ``until`` (unix seconds) is when the id may be forgotten; by default ``now + ttl``.
        ``now`` defaults to the filter's clock (``time.time``), the clock delivery timestamps
        are measured on.
        """
        current = self._clock() if now is None else now
        expires_at = current + self._ttl if until is None else until
        with self._lock:
            self._drop_expired(current)
            known = self._expiry.get(delivery_id)
            if known is not None and known > current:
                return False
            self._expiry[delivery_id] = expires_at
            heapq.heappush(self._heap, (expires_at, delivery_id))
            while len(self._expiry) > self._max_entries:
                self._drop_soonest()
            if len(self._heap) > 2 * self._max_entries:
                self._compact()
            return True

    def release(self, delivery_id: str) -> None:
        """Forget ``delivery_id``, so that its next copy is accepted.

        For a receiver that failed to act on a delivery and answers 5xx: MLflow retries it
        with the same id, and the retry should then be processed, not refused as a duplicate.
        """
        with self._lock:
            self._expiry.pop(delivery_id, None)

    def __contains__(self, delivery_id: object) -> bool:
        current = self._clock()
        with self._lock:
            known = self._expiry.get(delivery_id) if isinstance(delivery_id, str) else None
            return known is not None and known > current

    def __len__(self) -> int:
        """How many ids are held (expired ones included until the next ``claim``)."""
        with self._lock:
            return len(self._expiry)

    # -- under the lock ---------------------------------------------------------------------

    def _drop_expired(self, current: float) -> None:
        while self._heap and self._heap[0][0] <= current:
            expires_at, delivery_id = heapq.heappop(self._heap)
            if self._expiry.get(delivery_id) == expires_at:
                del self._expiry[delivery_id]

    def _drop_soonest(self) -> None:
        while self._heap:
            expires_at, delivery_id = heapq.heappop(self._heap)
            if self._expiry.get(delivery_id) == expires_at:
                del self._expiry[delivery_id]
                self._evicted += 1
                return

    def _compact(self) -> None:
        self._heap = [(expires_at, key) for key, expires_at in self._expiry.items()]
        heapq.heapify(self._heap)
