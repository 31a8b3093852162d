"""The default transports: one pooled ``httpx.Client`` or ``httpx.AsyncClient`` each.

The underlying client is configured only from :class:`TransportSettings`: explicit pool limits
and timeouts (never ``None``), TLS through one ``ssl.SSLContext``, no redirects, no cookie jar
and no environment (proxies, ``.netrc``), so that what goes on the wire is exactly the
:class:`HttpRequest` the runtime built, whichever transport sends it.

Unless ``TransportSettings.tcp_quickack`` is off, the pool's httpcore network backend is wrapped
so that every pooled TCP socket re-arms ``TCP_QUICKACK`` around its reads and writes (why: see
:mod:`.socket_tuning`). httpx has no public hook for this, so the backend is swapped on the
``httpcore`` pool httpx builds, after checking that the pool and backend are what we expect; if
a future httpx/httpcore differs, the transport logs at debug level and runs untuned.

The helpers :func:`build_ssl_context`, :func:`url_with_query`, :func:`redact_url` and
:func:`is_connection_refused` are shared with the aiohttp transport, so that both trust the same
certificates, put the same bytes on the wire and word their errors the same way.
"""

from __future__ import annotations

import errno
import logging
import ssl
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import asynccontextmanager, contextmanager
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote, urlencode

import httpcore
import httpx

from . import socket_tuning
from .transport import (
    STREAM_CHUNK_SIZE,
    AsyncStreamedResponse,
    ConnectionRefused,
    HttpRequest,
    HttpResponse,
    PoolLimits,
    StreamedResponse,
    Timeouts,
    TlsConfig,
    TransportError,
    TransportSettings,
    TransportTimeout,
)
from .urls import redact_url

__all__ = [
    "AsyncHttpxTransport",
    "HttpxTransport",
    "build_ssl_context",
    "is_connection_refused",
    "redact_url",
    "url_with_query",
]

logger = logging.getLogger(__name__)


def build_ssl_context(tls: TlsConfig) -> ssl.SSLContext:
    """Build the one SSL context every built-in transport uses.

    Without a CA bundle, trust is httpx's default (``SSL_CERT_FILE``/``SSL_CERT_DIR``, else
    certifi), so switching transports never changes which servers are trusted. ``ca_bundle`` is
    only read when ``verify`` is true. Missing files fail here, at construction, naming the field.
    """
    if tls.client_key is not None and tls.client_cert is None:
        raise ValueError("TlsConfig.client_key is set but TlsConfig.client_cert is not")
    for field_name, path in (
        ("ca_bundle", tls.ca_bundle if tls.verify else None),
        ("client_cert", tls.client_cert),
        ("client_key", tls.client_key),
    ):
        if path is not None and not Path(path).is_file():
            raise FileNotFoundError(f"TlsConfig.{field_name}: no such file: {path}")

    if not tls.verify:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif tls.ca_bundle is not None:
        try:
            context = ssl.create_default_context(cafile=tls.ca_bundle)
        except ssl.SSLError as exc:
            raise ValueError(
                f"TlsConfig.ca_bundle: not a PEM certificate bundle: {tls.ca_bundle}"
            ) from exc
    else:
        context = httpx.create_ssl_context(verify=True)

    if tls.client_cert is not None:
        try:
            context.load_cert_chain(tls.client_cert, keyfile=tls.client_key)
        except ssl.SSLError as exc:
            raise ValueError(
                "TlsConfig.client_cert/client_key: cannot load the certificate and key "
                f"from {tls.client_cert}" + (f" and {tls.client_key}" if tls.client_key else "")
            ) from exc
    return context


def url_with_query(url: str, params: Sequence[tuple[str, str]]) -> str:
    """Append ``params`` to ``url``, percent-encoded, repeated keys kept in their order.

    Done here rather than by the HTTP library: httpx groups repeated keys together, and
    aiohttp encodes spaces as ``+``; this way every transport sends the same query string.
    """
    if not params:
        return url
    separator = "&" if "?" in url else "?"
    return url + separator + urlencode(params, quote_via=quote, safe="")


def is_connection_refused(exc: BaseException) -> bool:
    """True if ``exc`` or anything in its cause chain (or exception groups) is a refusal."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError) or (
            isinstance(current, OSError) and current.errno == errno.ECONNREFUSED
        ):
            return True
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return False


def _httpx_timeout(timeouts: Timeouts) -> httpx.Timeout:
    return httpx.Timeout(
        connect=timeouts.connect, read=timeouts.read, write=timeouts.write, pool=timeouts.pool
    )


def _httpx_limits(limits: PoolLimits) -> httpx.Limits:
    return httpx.Limits(
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
    )


def _no_cookies() -> CookieJar:
    """A jar that stores nothing: each request carries exactly the headers the runtime built."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def _lowercase_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    # httpx yields lower-cased names, with repeated headers joined by ", ".
    return {name.lower(): value for name, value in headers}


_TIMEOUT_PHASES: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}


def _map_error(exc: httpx.TransportError, request: HttpRequest) -> TransportError:
    """Translate an httpx failure; the message names method and URL, never headers or query."""
    url = redact_url(request.url)
    where = f"{request.method} {url}"
    if isinstance(exc, httpx.TimeoutException):
        phase = _TIMEOUT_PHASES.get(type(exc), "request")
        limit = getattr(request.timeouts, phase, None)
        after = "" if limit is None else f" after {limit:g} s"
        return TransportTimeout(f"{where}: {phase} timeout{after}", url=url)
    if isinstance(exc, httpx.ConnectError) and is_connection_refused(exc):
        return ConnectionRefused(f"{where}: connection refused", url=url)
    return TransportError(f"{where}: {type(exc).__name__}: {exc}", url=url)


# --- TCP_QUICKACK: httpcore network backends whose TCP streams re-arm it --------------------------


class _QuickAckStream(httpcore.NetworkStream):
    """Delegates to the backend's stream; re-arms quick ACKs after writes and before reads.

    After a write the kernel may fall back to delayed ACKs; re-arming before the (blocking) read
    makes it ACK the server's first response segment at once.
    """

    def __init__(
        self, inner: httpcore.NetworkStream, sock: socket_tuning.SupportsSetsockopt
    ) -> None:
        self._inner = inner
        self._sock = sock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        socket_tuning.arm_quickack(self._sock)
        return self._inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)
        socket_tuning.arm_quickack(self._sock)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _quickack_stream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _quickack_stream(stream: httpcore.NetworkStream) -> httpcore.NetworkStream:
    sock = socket_tuning.socket_of(stream.get_extra_info("socket"))
    if sock is None:
        logger.debug("no socket on %s: TCP_QUICKACK not re-armed", type(stream).__name__)
        return stream
    socket_tuning.arm_quickack(sock)
    return _QuickAckStream(stream, sock)


class _QuickAckBackend(httpcore.NetworkBackend):
    """Wraps a backend: its TCP streams re-arm quick ACKs; Unix sockets are left alone."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self.inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self.inner.connect_tcp(
            host,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )
        return _quickack_stream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return self.inner.connect_unix_socket(path, timeout=timeout, socket_options=socket_options)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class _AsyncQuickAckStream(httpcore.AsyncNetworkStream):
    """The asyncio form of :class:`_QuickAckStream`."""

    def __init__(
        self, inner: httpcore.AsyncNetworkStream, sock: socket_tuning.SupportsSetsockopt
    ) -> None:
        self._inner = inner
        self._sock = sock

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        socket_tuning.arm_quickack(self._sock)
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)
        socket_tuning.arm_quickack(self._sock)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _async_quickack_stream(stream)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # asked before every reuse of a pooled connection
            return socket_tuning.is_readable(self._sock)
        return self._inner.get_extra_info(info)


def _async_quickack_stream(stream: httpcore.AsyncNetworkStream) -> httpcore.AsyncNetworkStream:
    sock = socket_tuning.socket_of(stream.get_extra_info("socket"))
    if sock is None:
        logger.debug("no socket on %s: TCP_QUICKACK not re-armed", type(stream).__name__)
        return stream
    socket_tuning.arm_quickack(sock)
    return _AsyncQuickAckStream(stream, sock)


class _AsyncQuickAckBackend(httpcore.AsyncNetworkBackend):
    """The asyncio form of :class:`_QuickAckBackend` (wraps anyio's or trio's backend)."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self.inner.connect_tcp(
            host,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )
        return _async_quickack_stream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return await self.inner.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def _wrap_pool_backend(transport: object, pool_type: type[Any], backend_type: type[Any]) -> None:
    """Swap the backend of the httpcore pool inside an httpx transport for a quick-ACK one.

    Checked, not assumed: anything unexpected leaves the transport plain (debug log only).
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(pool, pool_type) or not isinstance(backend, backend_type):
        logger.debug(
            "httpx/httpcore internals not as expected (pool %s, backend %s): "
            "TCP_QUICKACK tuning is off",
            type(pool).__name__,
            type(backend).__name__,
        )
        return
    if isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = _QuickAckBackend(backend)
    else:
        pool._network_backend = _AsyncQuickAckBackend(backend)


def _httpx_transport(settings: TransportSettings) -> httpx.HTTPTransport:
    """httpx's own transport, configured from ``settings`` (HTTP/1.1 only, no retries)."""
    transport = httpx.HTTPTransport(
        verify=build_ssl_context(settings.tls),
        limits=_httpx_limits(settings.limits),
        trust_env=False,
        http1=True,
        http2=False,
        retries=0,
    )
    if settings.tcp_quickack and socket_tuning.quickack_option() is not None:
        _wrap_pool_backend(transport, httpcore.ConnectionPool, httpcore.NetworkBackend)
    return transport


def _async_httpx_transport(settings: TransportSettings) -> httpx.AsyncHTTPTransport:
    """The asyncio form of :func:`_httpx_transport`."""
    transport = httpx.AsyncHTTPTransport(
        verify=build_ssl_context(settings.tls),
        limits=_httpx_limits(settings.limits),
        trust_env=False,
        http1=True,
        http2=False,
        retries=0,
    )
    if settings.tcp_quickack and socket_tuning.quickack_option() is not None:
        _wrap_pool_backend(transport, httpcore.AsyncConnectionPool, httpcore.AsyncNetworkBackend)
    return transport


# --- responses and transports ------------------------------------------------------------------


class _HttpxStreamed:
    """A streamed httpx response; read errors are mapped like those of :meth:`send`."""

    def __init__(self, response: httpx.Response, request: HttpRequest) -> None:
        self._response = response
        self._request = request
        self.status_code = response.status_code
        self.headers: Mapping[str, str] = _lowercase_headers(response.headers.items())

    def iter_bytes(self, chunk_size: int = STREAM_CHUNK_SIZE) -> Iterator[bytes]:
        try:
            yield from self._response.iter_bytes(chunk_size)
        except httpx.TransportError as exc:
            raise _map_error(exc, self._request) from exc


class _AsyncHttpxStreamed:
    """The asyncio form of :class:`_HttpxStreamed`."""

    def __init__(self, response: httpx.Response, request: HttpRequest) -> None:
        self._response = response
        self._request = request
        self.status_code = response.status_code
        self.headers: Mapping[str, str] = _lowercase_headers(response.headers.items())

    async def aiter_bytes(self, chunk_size: int = STREAM_CHUNK_SIZE) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.TransportError as exc:
            raise _map_error(exc, self._request) from exc


class HttpxTransport:
    """Blocking transport over one pooled ``httpx.Client``.

    The client is built with ``settings`` (pool limits, default timeouts, TLS); each request is
    sent with its own ``HttpRequest.timeouts``.
    """

    def __init__(self, settings: TransportSettings | None = None) -> None:
        self._settings = settings if settings is not None else TransportSettings()
        self._client = httpx.Client(
            transport=_httpx_transport(self._settings),
            timeout=_httpx_timeout(self._settings.timeouts),
            follow_redirects=False,
            trust_env=False,
            cookies=_no_cookies(),
        )

    @property
    def settings(self) -> TransportSettings:
        return self._settings

    def send(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self._client.request(
                request.method,
                url_with_query(request.url, request.params),
                headers=dict(request.headers),
                content=request.content,
                timeout=_httpx_timeout(request.timeouts),
            )
        except httpx.TransportError as exc:
            raise _map_error(exc, request) from exc
        return HttpResponse(
            status_code=response.status_code,
            headers=_lowercase_headers(response.headers.items()),
            content=response.content,
        )

    @contextmanager
    def stream(
        self, request: HttpRequest, body: Iterable[bytes] | None = None
    ) -> Iterator[StreamedResponse]:
        """Send ``body`` (or ``request.content``) lazily; yield the response before reading it."""
        try:
            with self._client.stream(
                request.method,
                url_with_query(request.url, request.params),
                headers=dict(request.headers),
                content=body if body is not None else request.content,
                timeout=_httpx_timeout(request.timeouts),
            ) as response:
                yield _HttpxStreamed(response, request)
        except httpx.TransportError as exc:
            raise _map_error(exc, request) from exc

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HttpxTransport(settings={self._settings!r})"


class AsyncHttpxTransport:
    """Asyncio transport over one pooled ``httpx.AsyncClient``, configured like the sync one."""

    def __init__(self, settings: TransportSettings | None = None) -> None:
        self._settings = settings if settings is not None else TransportSettings()
        self._client = httpx.AsyncClient(
            transport=_async_httpx_transport(self._settings),
            timeout=_httpx_timeout(self._settings.timeouts),
            follow_redirects=False,
            trust_env=False,
            cookies=_no_cookies(),
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
                timeout=_httpx_timeout(request.timeouts),
            )
        except httpx.TransportError as exc:
            raise _map_error(exc, request) from exc
        return HttpResponse(
            status_code=response.status_code,
            headers=_lowercase_headers(response.headers.items()),
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
                timeout=_httpx_timeout(request.timeouts),
            ) as response:
                yield _AsyncHttpxStreamed(response, request)
        except httpx.TransportError as exc:
            raise _map_error(exc, request) from exc

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncHttpxTransport(settings={self._settings!r})"
