"""Clients whose transport counts what it sends to the real server: a test can then show that
a refused call sent nothing. The built-in transport does the sending; the count is only a list
of the paths that went through it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast
from urllib.parse import urlsplit

from tests.live.blocking import BlockingAsyncClient

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk._runtime.transport import (
    AsyncTransport,
    HttpRequest,
    HttpResponse,
    Transport,
    TransportSettings,
)
from mlflow_rest_sdk._runtime.transports import resolve_async_transport, resolve_sync_transport


class Sent:
    """The paths of every request sent, in order (``/version``, ``/api/2.0/...``)."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def record(self, request: HttpRequest) -> None:
        self.paths.append(urlsplit(request.url).path)


class CountingTransport:
    def __init__(self, sent: Sent) -> None:
        self._sent = sent
        self._inner: Transport = resolve_sync_transport("httpx", TransportSettings())

    def send(self, request: HttpRequest) -> HttpResponse:
        self._sent.record(request)
        return self._inner.send(request)

    def close(self) -> None:
        self._inner.close()


class AsyncCountingTransport:
    """Made on the client's event loop by the first request (an aiohttp session belongs to the
    loop it was made on)."""

    def __init__(self, sent: Sent, name: str) -> None:
        self._sent = sent
        self._name = name
        self._inner: AsyncTransport | None = None

    async def send(self, request: HttpRequest) -> HttpResponse:
        self._sent.record(request)
        if self._inner is None:
            self._inner = resolve_async_transport(self._name, TransportSettings())
        return await self._inner.send(request)

    async def aclose(self) -> None:
        if self._inner is not None:
            await self._inner.aclose()


@contextmanager
def counting_client(
    url: str, kind: str, **client_kwargs: Any
) -> Iterator[tuple[MlflowClient, Sent]]:
    """A blocking view of the client of ``kind`` (``httpx-sync``, ``httpx-async``,
    ``aiohttp-async``), with the list of what it sent."""
    sent = Sent()
    client: MlflowClient
    if kind == "httpx-sync":
        client = MlflowClient(url, transport=CountingTransport(sent), **client_kwargs)
    else:
        transport = AsyncCountingTransport(sent, kind.removesuffix("-async"))
        # BlockingAsyncClient hands ``transport`` to AsyncMlflowClient, which takes any object
        # of the AsyncTransport protocol as well as a name.
        facade = BlockingAsyncClient(url, cast(str, transport), **client_kwargs)
        client = cast(MlflowClient, facade)
    try:
        yield client, sent
    finally:
        client.close()
