"""An asyncio transport over ``aiohttp``, for applications already built on aiohttp.

Only this module imports aiohttp (the optional ``mlflow-rest-sdk[aiohttp]`` extra).

The session is created lazily, on the first request, inside the running loop: aiohttp sessions
belong to one loop, and this lets the transport be built at import or configuration time. It
then stays bound to that loop.

How :class:`Timeouts` map onto ``aiohttp.ClientTimeout`` (aiohttp has no separate pool or write
timeout):

- ``connect = pool + connect``: aiohttp's ``connect`` covers waiting for a free pool slot *and*
  establishing the connection, so it gets both budgets;
- ``sock_connect = connect``: the TCP (and TLS) handshake alone;
- ``sock_read = read``: the longest silence while waiting for or reading the response;
- ``total = None``: a large download that keeps flowing must not be cut off.

``Timeouts.write`` has no aiohttp counterpart: a request body the server stops reading is bounded
only by the operating system. ``PoolLimits.max_keepalive_connections`` has none either: aiohttp
keeps every idle connection (up to ``max_connections``) for ``keepalive_expiry`` seconds.

Unless ``TransportSettings.tcp_quickack`` is off, the connector builds its connections with a
protocol that re-arms ``TCP_QUICKACK`` when connected and whenever data arrives (why: see
:mod:`.socket_tuning`). aiohttp has no public hook for this: the connector's protocol factory is
replaced after checking it is the one we expect; if a future aiohttp differs, the transport logs
at debug level and runs untuned.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import cast

try:
    import aiohttp
    from aiohttp.client_proto import ResponseHandler
    from yarl import URL
except ImportError as exc:
    raise ImportError(
        "AiohttpTransport needs aiohttp, an optional dependency: "
        "install it with `pip install 'mlflow-rest-sdk[aiohttp]'`"
    ) from exc

from . import socket_tuning
from ._async.closing import AsyncClosing
from .connection_errors import is_connection_refused
from .tls import build_ssl_context
from .transport import (
    STREAM_CHUNK_SIZE,
    AsyncStreamedResponse,
    ConnectionRefused,
    HttpRequest,
    HttpResponse,
    Timeouts,
    TransportError,
    TransportSettings,
    TransportTimeout,
)
from .urls import redact_url, url_with_query

__all__ = ["AiohttpTransport"]

logger = logging.getLogger(__name__)


def _client_timeout(timeouts: Timeouts) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(
        total=None,
        connect=timeouts.pool + timeouts.connect,
        sock_connect=timeouts.connect,
        sock_read=timeouts.read,
    )


def _map_error(exc: Exception, request: HttpRequest) -> TransportError:
    """Translate an aiohttp failure; the message names method and URL, never headers or query."""
    url = redact_url(request.url)
    where = f"{request.method} {url}"
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        budget = request.timeouts.pool + request.timeouts.connect
        return TransportTimeout(f"{where}: connect timeout after {budget:g} s", url=url)
    if isinstance(exc, aiohttp.SocketTimeoutError):
        return TransportTimeout(f"{where}: read timeout after {request.timeouts.read:g} s", url=url)
    if isinstance(exc, TimeoutError):
        return TransportTimeout(f"{where}: timeout", url=url)
    if isinstance(exc, aiohttp.ClientConnectorError) and is_connection_refused(exc):
        return ConnectionRefused(f"{where}: connection refused", url=url)
    return TransportError(f"{where}: {type(exc).__name__}: {exc}", url=url)


class _QuickAckResponseHandler(ResponseHandler):
    """aiohttp's protocol, re-arming quick ACKs on connect and before handling received data.

    Re-arming as data arrives makes the kernel send the ACK it was delaying for that data now,
    so the server's next segment (held back until that ACK) follows without the ~40 ms wait.
    """

    _quickack_socket: socket_tuning.SupportsSetsockopt | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._quickack_socket = socket_tuning.socket_of(transport.get_extra_info("socket"))
        if self._quickack_socket is not None:
            socket_tuning.arm_quickack(self._quickack_socket)

    def data_received(self, data: bytes) -> None:
        if self._quickack_socket is not None:
            socket_tuning.arm_quickack(self._quickack_socket)
        super().data_received(data)


def _install_quickack(connector: aiohttp.TCPConnector) -> None:
    """Make ``connector`` build :class:`_QuickAckResponseHandler` protocols, if it can be done.

    Checked, not assumed: anything unexpected leaves the connector plain (debug log only).
    """
    factory = getattr(connector, "_factory", None)
    if not (isinstance(factory, functools.partial) and factory.func is ResponseHandler):
        logger.debug(
            "aiohttp internals not as expected (connector._factory is %r): "
            "TCP_QUICKACK tuning is off",
            type(factory).__name__,
        )
        return
    # A cast because typeshed's partial is invariant; a subclass instance is what it returns.
    connector._factory = cast(
        "functools.partial[ResponseHandler]",
        functools.partial(_QuickAckResponseHandler, *factory.args, **factory.keywords),
    )


def _merge_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Lower-case names; join repeated headers with ", " as httpx does."""
    merged: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


class _AiohttpStreamed:
    """A streamed aiohttp response; read errors are mapped like those of ``send``."""

    def __init__(self, response: aiohttp.ClientResponse, request: HttpRequest) -> None:
        self._response = response
        self._request = request
        self.status_code = response.status
        self.headers: Mapping[str, str] = _merge_headers(response.headers.items())

    async def aiter_bytes(self, chunk_size: int = STREAM_CHUNK_SIZE) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_chunked(chunk_size):
                yield chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _map_error(exc, self._request) from exc


class AiohttpTransport(AsyncClosing):
    """Asyncio transport over one pooled ``aiohttp.ClientSession``.

    ``HttpRequest.url`` must already be percent-encoded (as the runtime builds it): it is sent
    as is, never re-quoted, so ``%2F`` in a path stays ``%2F``.
    """

    def __init__(self, settings: TransportSettings | None = None) -> None:
        self._settings = settings if settings is not None else TransportSettings()
        # Built now so that a bad TLS configuration fails at construction, not on first use.
        self._ssl_context = build_ssl_context(self._settings.tls)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    @property
    def settings(self) -> TransportSettings:
        return self._settings

    def _session_for_running_loop(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("AiohttpTransport is closed")
        loop = asyncio.get_running_loop()
        if self._session is None:
            limits = self._settings.limits
            connector = aiohttp.TCPConnector(
                limit=limits.max_connections,
                limit_per_host=limits.max_connections,
                keepalive_timeout=limits.keepalive_expiry,
                ssl=self._ssl_context,
            )
            if self._settings.tcp_quickack and socket_tuning.quickack_option() is not None:
                _install_quickack(connector)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=_client_timeout(self._settings.timeouts),
                cookie_jar=aiohttp.DummyCookieJar(),
                # Like httpx, never invent a Content-Type for a body sent without one.
                skip_auto_headers=("Content-Type",),
                trust_env=False,
            )
            self._loop = loop
        elif loop is not self._loop:
            raise RuntimeError(
                "AiohttpTransport is bound to the event loop of its first request; "
                "create one transport per event loop"
            )
        return self._session

    async def send(self, request: HttpRequest) -> HttpResponse:
        session = self._session_for_running_loop()
        try:
            async with session.request(
                request.method,
                URL(url_with_query(request.url, request.params), encoded=True),
                headers=dict(request.headers),
                data=request.content,
                timeout=_client_timeout(request.timeouts),
                allow_redirects=False,
            ) as response:
                content = await response.read()
                return HttpResponse(
                    status_code=response.status,
                    headers=_merge_headers(response.headers.items()),
                    content=content,
                )
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _map_error(exc, request) from exc

    @asynccontextmanager
    async def stream(
        self, request: HttpRequest, body: AsyncIterable[bytes] | None = None
    ) -> AsyncIterator[AsyncStreamedResponse]:
        """Send ``body`` (or ``request.content``) lazily; yield the response before reading it."""
        session = self._session_for_running_loop()
        try:
            async with session.request(
                request.method,
                URL(url_with_query(request.url, request.params), encoded=True),
                headers=dict(request.headers),
                data=body if body is not None else request.content,
                timeout=_client_timeout(request.timeouts),
                allow_redirects=False,
            ) as response:
                yield _AiohttpStreamed(response, request)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _map_error(exc, request) from exc

    async def aclose(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()

    def __repr__(self) -> str:
        return f"AiohttpTransport(settings={self._settings!r})"
