"""Blocking clients on the three transports, for tests that log in as different users.

Like tests/live's ``BlockingAsyncClient``, but the async client is built from any keyword
arguments (credentials, timeouts), since every user here needs a client of their own.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar, cast

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

T = TypeVar("T")

TRANSPORT_KINDS = ("httpx-sync", "httpx-async", "aiohttp-async")
_CALL_TIMEOUT = 180.0


class BlockingAsyncClient:
    """An :class:`AsyncMlflowClient` on a private event loop, called as if it were blocking."""

    def __init__(self, tracking_uri: str, transport: str, **client_kwargs: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        try:
            self._client = self._run(_open(tracking_uri, transport, client_kwargs))
        except BaseException:
            self._stop_loop()
            raise

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(_CALL_TIMEOUT)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
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


async def _open(tracking_uri: str, transport: str, kwargs: dict[str, Any]) -> AsyncMlflowClient:
    return AsyncMlflowClient(tracking_uri, transport=transport, **kwargs)


def open_client(tracking_uri: str, kind: str, **client_kwargs: Any) -> MlflowClient:
    """A blocking client over ``kind`` (one of :data:`TRANSPORT_KINDS`); close it when done."""
    if kind == "httpx-sync":
        return MlflowClient(tracking_uri, transport="httpx", **client_kwargs)
    transport = kind.removesuffix("-async")
    return cast(MlflowClient, BlockingAsyncClient(tracking_uri, transport, **client_kwargs))
