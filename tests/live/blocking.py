"""A blocking view of an async client, so one test body runs on every transport.

``httpx-sync`` is the :class:`MlflowClient` itself; ``httpx-async`` and ``aiohttp-async`` are an
:class:`AsyncMlflowClient` that lives on its own event loop in a background thread, behind
:class:`BlockingAsyncClient`, which turns each call into ``run_coroutine_threadsafe(...).result()``.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

T = TypeVar("T")

#: The ids of the three transports every live test runs on.
TRANSPORT_KINDS = ("httpx-sync", "httpx-async", "aiohttp-async")
#: Upper bound for one call made through the facade (the client's own timeouts come first).
FACADE_CALL_TIMEOUT = 180.0


class BlockingAsyncClient:
    """A blocking view of an :class:`AsyncMlflowClient` running on a private event loop.

    The client is created on the loop's thread (an aiohttp session belongs to the loop it was
    made on), every coroutine method is run there, and :meth:`close` closes the client on that
    loop before stopping the loop and joining its thread. Attributes that are not coroutine
    methods are passed through unchanged.
    """

    def __init__(self, tracking_uri: str, transport: str, **client_kwargs: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"live-{transport}-loop", daemon=True
        )
        self._thread.start()
        try:
            self._client = self._run(_open_async_client(tracking_uri, transport, client_kwargs))
        except BaseException:
            self._stop_loop()
            raise

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=FACADE_CALL_TIMEOUT)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # never reached for our own attributes once they are set
            raise AttributeError(name)
        attribute = getattr(self._client, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        @functools.wraps(attribute)
        def blocking_call(*args: Any, **kwargs: Any) -> Any:
            return self._run(attribute(*args, **kwargs))

        return blocking_call

    def __repr__(self) -> str:
        return repr(self._client)

    def close(self) -> None:
        try:
            self._run(self._client.aclose())
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


async def _open_async_client(
    tracking_uri: str, transport: str, client_kwargs: dict[str, Any]
) -> AsyncMlflowClient:
    return AsyncMlflowClient(tracking_uri, transport=transport, **client_kwargs)


@contextmanager
def blocking_client(tracking_uri: str, kind: str, **client_kwargs: Any) -> Iterator[MlflowClient]:
    """The blocking client surface over ``kind``, closed on exit."""
    client = open_client(tracking_uri, kind, **client_kwargs)
    try:
        yield client
    finally:
        client.close()


def open_client(tracking_uri: str, kind: str, **client_kwargs: Any) -> MlflowClient:
    """A blocking client over ``kind`` (one of :data:`TRANSPORT_KINDS`); close it when done."""
    if kind == "httpx-sync":
        return MlflowClient(tracking_uri, transport="httpx", **client_kwargs)
    transport = kind.removesuffix("-async")
    return cast(MlflowClient, BlockingAsyncClient(tracking_uri, transport, **client_kwargs))
