"""The default transports: one pooled ``httpx.Client`` or ``httpx.AsyncClient`` each.

The underlying client is configured only from :class:`TransportSettings`: explicit pool limits
and timeouts (never ``None``), TLS through one ``ssl.SSLContext``, no redirects, no cookie jar
and no environment (proxies, ``.netrc``), so that what goes on the wire is exactly the
:class:`HttpRequest` the runtime built, whichever transport sends it.

The helpers :func:`build_ssl_context`, :func:`url_with_query`, :func:`redact_url` and
:func:`is_connection_refused` are shared with the aiohttp transport, so that both trust the same
certificates, put the same bytes on the wire and word their errors the same way.
"""

from __future__ import annotations

import errno
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
from typing import Self
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import httpx

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

__all__ = [
    "AsyncHttpxTransport",
    "HttpxTransport",
    "build_ssl_context",
    "is_connection_refused",
    "redact_url",
    "url_with_query",
]


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


def redact_url(url: str) -> str:
    """Return ``url`` without user-info, query or fragment, fit for error messages."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = host if parts.port is None else f"{host}:{parts.port}"
    except ValueError:
        return "<unparseable URL>"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


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
            limits=_httpx_limits(self._settings.limits),
            timeout=_httpx_timeout(self._settings.timeouts),
            verify=build_ssl_context(self._settings.tls),
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
            limits=_httpx_limits(self._settings.limits),
            timeout=_httpx_timeout(self._settings.timeouts),
            verify=build_ssl_context(self._settings.tls),
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
