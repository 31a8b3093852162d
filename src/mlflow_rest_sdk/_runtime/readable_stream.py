"""The one part of the quick-ACK streams that differs between the two worlds (hand-written).

Before reusing a pooled connection httpcore asks its stream ``get_extra_info("is_readable")``.
The blocking stream answers by polling its socket already; the asyncio stream would answer
through anyio's internals (which rebuild an attribute table per lookup), so the asyncio
quick-ACK stream answers from the socket it holds. The two mixins form a pair that the
``_async`` source names by its asyncio name; this module imports neither world.
"""

from __future__ import annotations

from typing import Any

from . import socket_tuning

__all__ = ["AsyncReadableFromSocket", "ReadableFromSocket"]


class AsyncReadableFromSocket:
    """Mixin for the asyncio quick-ACK stream: answers ``is_readable`` from its socket."""

    _inner: Any
    _sock: socket_tuning.SupportsSetsockopt

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # asked before every reuse of a pooled connection
            return socket_tuning.is_readable(self._sock)
        return self._inner.get_extra_info(info)


class ReadableFromSocket:
    """The blocking stream needs no override: httpcore's own answer polls the socket."""
