"""Turn the ``transport=`` argument of a client into a transport object.

A client accepts a built-in transport by name (so users need not import transport classes) or
any object that satisfies the :class:`Transport` / :class:`AsyncTransport` protocol. The aiohttp
transport is imported only when asked for by name, since aiohttp is an optional extra; the httpx
one only when a client is built, so that importing the SDK does not import httpx.
"""

from __future__ import annotations

import inspect

from .transport import AsyncTransport, Transport, TransportSettings

__all__ = ["resolve_async_transport", "resolve_sync_transport"]

_SYNC_ACCEPTED = (
    "'httpx', None, or an object with send(request) and close() (the Transport protocol)"
)
_ASYNC_ACCEPTED = (
    "'httpx', 'aiohttp', None, or an object with async send(request) and aclose() "
    "(the AsyncTransport protocol)"
)


def _describe(value: object) -> str:
    # Strings are shown; other objects only by type, since their repr may carry credentials.
    return repr(value) if isinstance(value, str) else f"an object of type {type(value).__name__}"


def resolve_sync_transport(
    transport: str | Transport | None, settings: TransportSettings
) -> Transport:
    """Return the blocking transport named or given; ``settings`` configure built-in ones."""
    if transport is None or transport == "httpx":
        from ._sync.httpx_transport import HttpxTransport

        return HttpxTransport(settings)
    if transport == "aiohttp":
        raise ValueError(
            "transport 'aiohttp' is asyncio-only: use it with the async client; "
            f"the sync client accepts {_SYNC_ACCEPTED}"
        )
    if (
        not isinstance(transport, str)
        and isinstance(transport, Transport)
        and not inspect.iscoroutinefunction(transport.send)
    ):
        return transport
    raise ValueError(f"unknown sync transport {_describe(transport)}: expected {_SYNC_ACCEPTED}")


def resolve_async_transport(
    transport: str | AsyncTransport | None, settings: TransportSettings
) -> AsyncTransport:
    """Return the asyncio transport named or given; ``settings`` configure built-in ones."""
    if transport is None or transport == "httpx":
        from ._async.httpx_transport import AsyncHttpxTransport

        return AsyncHttpxTransport(settings)
    if transport == "aiohttp":
        from .aiohttp_transport import AiohttpTransport

        return AiohttpTransport(settings)
    if not isinstance(transport, str) and isinstance(transport, AsyncTransport):
        return transport
    raise ValueError(f"unknown async transport {_describe(transport)}: expected {_ASYNC_ACCEPTED}")
