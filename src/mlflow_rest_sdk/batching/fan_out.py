"""Sending the batches whose order does not matter: the one thing the asyncio and blocking
``log_batch_all`` do differently. The asyncio side runs them as tasks on the event loop, at most
``max_concurrency`` at a time (a semaphore); the blocking side on worker threads of a
``ThreadPoolExecutor`` sharing the client's connection pool. The pair's names map onto each
other in the derived twin (``codegen/unasync.py``).

Both send each item exactly once, in the items' order when only one may be in flight, and let an
exception from ``send`` propagate after the sends not yet started are cancelled and those
already running have ended (no task or thread outlives the call).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from mlflow_rest_sdk.batching.limits import require_positive_int

T = TypeVar("T")


async def fan_out_async(
    send: Callable[[T], Awaitable[None]], items: Sequence[T], max_concurrency: int
) -> None:
    """Await ``send(item)`` for every item, up to ``max_concurrency`` tasks at a time."""
    require_positive_int("max_concurrency", max_concurrency)
    if min(max_concurrency, len(items)) <= 1:
        for item in items:
            await send(item)
        return
    slots = asyncio.Semaphore(max_concurrency)

    async def bounded(item: T) -> None:
        async with slots:
            await send(item)

    tasks = [asyncio.create_task(bounded(item)) for item in items]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def fan_out_sync(send: Callable[[T], None], items: Sequence[T], max_concurrency: int) -> None:
    """Call ``send(item)`` for every item, on up to ``max_concurrency`` worker threads."""
    require_positive_int("max_concurrency", max_concurrency)
    workers = min(max_concurrency, len(items))
    if workers <= 1:
        for item in items:
            send(item)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="mlflow-log-batch") as pool:
        futures = [pool.submit(send, item) for item in items]
        try:
            for future in futures:
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
