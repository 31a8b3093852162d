"""One awaitable surface over the three transports, shared by the transport test files."""

from __future__ import annotations

from mlflow_rest_sdk._runtime._async.httpx_transport import AsyncHttpxTransport
from mlflow_rest_sdk._runtime._sync.httpx_transport import HttpxTransport
from mlflow_rest_sdk._runtime.aiohttp_transport import AiohttpTransport
from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse, TransportSettings


class Harness:
    """Sends through any of the three transports with one awaitable call."""

    def __init__(self, kind: str, settings: TransportSettings | None) -> None:
        self.sync: HttpxTransport | None = None
        self.async_: AsyncHttpxTransport | AiohttpTransport | None = None
        if kind == "httpx":
            self.sync = HttpxTransport(settings)
        elif kind == "httpx-async":
            self.async_ = AsyncHttpxTransport(settings)
        else:
            self.async_ = AiohttpTransport(settings)

    async def send(self, request: HttpRequest) -> HttpResponse:
        if self.sync is not None:
            return self.sync.send(request)
        assert self.async_ is not None
        return await self.async_.send(request)
