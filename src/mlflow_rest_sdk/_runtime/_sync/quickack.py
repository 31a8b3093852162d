# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/_runtime/_async/quickack.py
"""httpcore network backends whose TCP streams re-arm ``TCP_QUICKACK`` (why: see ``socket_tuning``).

httpx has no public hook for this, so :func:`wrap_pool_backend` swaps the backend of the httpcore
pool httpx builds, after checking that the pool and backend are what we expect; if a future
httpx/httpcore differs, the transport logs at debug level and runs untuned.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore

from .. import socket_tuning

__all__ = ["QuickAckBackend", "QuickAckStream", "wrap_pool_backend"]

logger = logging.getLogger(__name__)


class QuickAckStream(httpcore.NetworkStream):
    """Delegates to the backend's stream; re-arms quick ACKs after writes and before reads.

    After a write the kernel may fall back to delayed ACKs; re-arming before the read makes it
    ACK the server's first response segment at once.
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
        stream = self._inner.start_tls(ssl_context, server_hostname, timeout)
        return quickack_stream(stream, type(self))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def quickack_stream(
    stream: httpcore.NetworkStream, stream_type: type[QuickAckStream]
) -> httpcore.NetworkStream:
    """``stream`` wrapped in ``stream_type`` with quick ACKs armed; as is if it has no socket."""
    sock = socket_tuning.socket_of(stream.get_extra_info("socket"))
    if sock is None:
        logger.debug("no socket on %s: TCP_QUICKACK not re-armed", type(stream).__name__)
        return stream
    socket_tuning.arm_quickack(sock)
    return stream_type(stream, sock)


class QuickAckBackend(httpcore.NetworkBackend):
    """Wraps a backend: its TCP streams re-arm quick ACKs; Unix sockets are left alone."""

    def __init__(
        self,
        inner: httpcore.NetworkBackend,
        stream_type: type[QuickAckStream] = QuickAckStream,
    ) -> None:
        self.inner = inner
        self.stream_type = stream_type

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
        return quickack_stream(stream, self.stream_type)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return self.inner.connect_unix_socket(path, timeout=timeout, socket_options=socket_options)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def wrap_pool_backend(
    transport: object, stream_type: type[QuickAckStream] = QuickAckStream
) -> None:
    """Swap the backend of the httpcore pool inside an httpx transport for a quick-ACK one.

    Checked, not assumed: anything unexpected leaves the transport plain (debug log only).
    """
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(pool, httpcore.ConnectionPool) or not isinstance(
        backend, httpcore.NetworkBackend
    ):
        logger.debug(
            "httpx/httpcore internals not as expected (pool %s, backend %s): "
            "TCP_QUICKACK tuning is off",
            type(pool).__name__,
            type(backend).__name__,
        )
        return
    pool._network_backend = QuickAckBackend(backend, stream_type)
