"""The default httpx transport: one pooled ``httpx.AsyncClient``.

The underlying client is configured only from :class:`TransportSettings`: explicit pool limits
and timeouts (never ``None``), TLS through one ``ssl.SSLContext``, no redirects, no cookie jar
and no environment (proxies, ``.netrc``), so that what goes on the wire is exactly the
:class:`HttpRequest` the runtime built, whichever transport sends it.

Unless ``TransportSettings.tcp_quickack`` is off, the pool's httpcore network backend is wrapped
so that every pooled TCP socket re-arms ``TCP_QUICKACK`` around its reads and writes (see
:mod:`.quickack`).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping
from contextlib import asynccontextmanager

import httpx

from .. import socket_tuning
from ..httpx_common import httpx_limits, httpx_timeout, lowercase_headers, map_error, no_cookies
from ..readable_stream import AsyncReadableFromSocket
from ..tls import build_ssl_context
from ..transport import (
    STREAM_CHUNK_SIZE,
    AsyncStreamedResponse,
    HttpRequest,
    HttpResponse,
    TransportSettings,
)
from ..urls import url_with_query
from .closing import AsyncClosing
from .quickack import AsyncQuickAckStream, wrap_pool_backend

__all__ = ["AsyncHttpxTransport"]


class _ReadableAsyncQuickAckStream(AsyncReadableFromSocket, AsyncQuickAckStream):
    """The quick-ACK stream the pool reuses (``is_readable``: see :mod:`..readable_stream`)."""


def _httpx_transport(settings: TransportSettings) -> httpx.AsyncHTTPTransport:
    """httpx's own transport, configured from ``settings`` (HTTP/1.1 only, no retries)."""
    transport = httpx.AsyncHTTPTransport(
        verify=build_ssl_context(settings.tls),
        limits=httpx_limits(settings.limits),
        trust_env=False,
        http1=True,
        http2=False,
        retries=0,
    )
    if settings.tcp_quickack and socket_tuning.quickack_option() is not None:
        wrap_pool_backend(transport, _ReadableAsyncQuickAckStream)
    return transport


class _AsyncHttpxStreamed:
    """A streamed httpx response; read errors are mapped like those of ``send``."""

    def __init__(self, response: httpx.Response, request: HttpRequest) -> None:
        self._response = response
        self._request = request
        self.status_code = response.status_code
        self.headers: Mapping[str, str] = lowercase_headers(response.headers.items())

    async def aiter_bytes(self, chunk_size: int = STREAM_CHUNK_SIZE) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.TransportError as exc:
            raise map_error(exc, self._request) from exc


class AsyncHttpxTransport(AsyncClosing):
    """Transport over one pooled ``httpx.AsyncClient``.

    The client is built with ``settings`` (pool limits, default timeouts, TLS); each request is
    sent with its own ``HttpRequest.timeouts``.
    """

    def __init__(self, settings: TransportSettings | None = None) -> None:
        self._settings = settings if settings is not None else TransportSettings()
        self._client = httpx.AsyncClient(
            transport=_httpx_transport(self._settings),
            timeout=httpx_timeout(self._settings.timeouts),
            follow_redirects=False,
            trust_env=False,
            cookies=no_cookies(),
        )

    @property
    def settings(self) -> TransportSettings:
        return self._settings

    async def send(self, request: HttpRequest) -> HttpResponse:
        try:
            response = await self._client.request(
                request.method,
                url_with_query(request.url, request.params),
                headers=dict(request.headers),
                content=request.content,
                timeout=httpx_timeout(request.timeouts),
            )
        except httpx.TransportError as exc:
            raise map_error(exc, request) from exc
        return HttpResponse(
            status_code=response.status_code,
            headers=lowercase_headers(response.headers.items()),
            content=response.content,
        )

    @asynccontextmanager
    async def stream(
        self, request: HttpRequest, body: AsyncIterable[bytes] | None = None
    ) -> AsyncIterator[AsyncStreamedResponse]:
        """Send ``body`` (or ``request.content``) lazily; yield the response before reading it."""
        try:
            async with self._client.stream(
                request.method,
                url_with_query(request.url, request.params),
                headers=dict(request.headers),
                content=body if body is not None else request.content,
                timeout=httpx_timeout(request.timeouts),
            ) as response:
                yield _AsyncHttpxStreamed(response, request)
        except httpx.TransportError as exc:
            raise map_error(exc, request) from exc

    async def aclose(self) -> None:
        await self._client.aclose()

    def __repr__(self) -> str:
        return f"AsyncHttpxTransport(settings={self._settings!r})"
