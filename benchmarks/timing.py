"""Small timing helpers shared by the scenarios."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["in_flight", "rotate", "time_async", "time_sync"]


def time_sync(call: Callable[[], Any], calls: int) -> float:
    """Seconds per call over ``calls`` back-to-back calls (one timer around them all)."""
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


async def in_flight(call: Callable[[], Awaitable[Any]], calls: int, concurrency: int) -> None:
    """Make ``calls`` calls with exactly ``concurrency`` in flight (workers pulling a counter)."""
    remaining = calls

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    await asyncio.gather(*(worker() for _ in range(min(concurrency, calls))))


async def time_async(call: Callable[[], Awaitable[Any]], calls: int, concurrency: int) -> float:
    """Seconds per call (wall time / calls) with ``concurrency`` calls in flight."""
    started = time.perf_counter()
    await in_flight(call, calls, concurrency)
    return (time.perf_counter() - started) / calls


def rotate(items: list[str], round_index: int) -> list[str]:
    """``items`` started at a different place each round, so no contender always goes first."""
    if not items:
        return []
    shift = round_index % len(items)
    return items[shift:] + items[:shift]
