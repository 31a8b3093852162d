"""File I/O during a transfer: the one thing the asyncio and blocking artifact helpers do
differently. The asyncio side moves each blocking call to a worker thread, so a large transfer
never blocks the event loop on disk; the blocking side calls inline. The pairs' names map onto
each other in the derived twin (``codegen/unasync.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")


async def offload_async(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return await asyncio.to_thread(function, *args, **kwargs)


def offload_sync(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    return function(*args, **kwargs)


async def offloaded_chunks_async(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    """Pull each chunk of a blocking file reader in a worker thread."""
    sentinel: Any = None
    try:
        while (chunk := await asyncio.to_thread(next, chunks, sentinel)) is not None:
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def offloaded_chunks_sync(chunks: Iterator[bytes]) -> Iterator[bytes]:
    return chunks
