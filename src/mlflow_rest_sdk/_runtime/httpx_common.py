"""What the blocking and asyncio httpx transports share that does no I/O.

Settings become httpx's timeout and limits objects, response headers become one lower-cased
mapping, and httpx failures become the SDK's :class:`TransportError` family, worded the same way
by both transports (method and redacted URL, never headers or query).
"""

from __future__ import annotations

from collections.abc import Iterable
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from .connection_errors import is_connection_refused
from .transport import (
    ConnectionRefused,
    HttpRequest,
    PoolLimits,
    Timeouts,
    TransportError,
    TransportTimeout,
)
from .urls import redact_url

__all__ = ["httpx_limits", "httpx_timeout", "lowercase_headers", "map_error", "no_cookies"]


def httpx_timeout(timeouts: Timeouts) -> httpx.Timeout:
    return httpx.Timeout(
        connect=timeouts.connect, read=timeouts.read, write=timeouts.write, pool=timeouts.pool
    )


def httpx_limits(limits: PoolLimits) -> httpx.Limits:
    return httpx.Limits(
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
    )


def no_cookies() -> CookieJar:
    """A jar that stores nothing: each request carries exactly the headers the runtime built."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def lowercase_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    # httpx yields lower-cased names, with repeated headers joined by ", ".
    return {name.lower(): value for name, value in headers}


_TIMEOUT_PHASES: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}


def map_error(exc: httpx.TransportError, request: HttpRequest) -> TransportError:
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
