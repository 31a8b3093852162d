"""The one part of the quick-ACK streams that differs between the two worlds (hand-written).

Before reusing a pooled connection httpcore asks its stream ``get_extra_info("is_readable")``.
The blocking stream answers by polling its socket already; the asyncio stream would answer
through anyio's internals, so the asyncio quick-ACK stream answers from the socket it holds.
The two names form a shim pair the ``_async`` sources call by their asyncio name.
"""

from __future__ import annotations

from typing import Any

from . import socket_tuning
from ._async.quickack import AsyncQuickAckStream
from ._sync.quickack import QuickAckStream

__all__ = ["ReadableAsyncQuickAckStream", "ReadableQuickAckStream"]


class ReadableAsyncQuickAckStream(AsyncQuickAckStream):
    """An asyncio quick-ACK stream that answers ``is_readable`` from its socket."""

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # asked before every reuse of a pooled connection
            return socket_tuning.is_readable(self._sock)
        return self._inner.get_extra_info(info)


#: The blocking stream needs no override: httpcore's own answer polls the socket.
ReadableQuickAckStream = QuickAckStream
