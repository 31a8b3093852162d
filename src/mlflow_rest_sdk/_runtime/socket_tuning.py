"""Socket tuning shared by the built-in transports: re-arming ``TCP_QUICKACK``, and a cheap
check of whether an idle pooled socket may be reused. No reads or writes here.

Why: ``mlflow server`` (uvicorn with workers) sends a response's headers and body in two writes
on sockets without ``TCP_NODELAY`` (uvicorn binds them itself, and asyncio only sets the option
when ``proto`` is ``IPPROTO_TCP``), so Nagle holds the body until the headers are ACKed. On a
reused keep-alive connection Linux delays the client's ACK (~40 ms), judging the connection
interactive; every call on a warm connection then stalls for that timer: a 10-15 ms
``get_experiment`` takes 50-60 ms, slower than with a fresh connection per request.
``TCP_QUICKACK`` makes the kernel ACK at once, but it is not sticky (the kernel goes back to
delayed ACKs after the next exchange), so setting it once at connect does nothing: the transports
re-arm it around every read and write, one cheap ``setsockopt``.

``TCP_QUICKACK`` is Linux-only: elsewhere (macOS, Windows) everything here is a no-op, and so
is any failure (a closed socket, a Unix socket): tuning must never break a request.
"""

from __future__ import annotations

import logging
import select
import socket
from typing import Protocol

__all__ = [
    "SupportsSetsockopt",
    "arm_quickack",
    "is_readable",
    "quickack_option",
    "socket_of",
]

logger = logging.getLogger(__name__)


class SupportsSetsockopt(Protocol):
    """What we need of a socket: ``socket.socket``, ``ssl.SSLSocket`` or an event loop's wrapper."""

    def setsockopt(self, level: int, optname: int, value: int, /) -> None: ...


def quickack_option() -> int | None:
    """The ``TCP_QUICKACK`` option number, or ``None`` where the platform has none.

    Looked up on every call, not at import, so that tests can take the constant away.
    """
    option: int | None = getattr(socket, "TCP_QUICKACK", None)
    return option


def socket_of(candidate: object) -> SupportsSetsockopt | None:
    """``candidate`` if it can take socket options (what ``get_extra_info("socket")`` gave)."""
    if candidate is not None and callable(getattr(candidate, "setsockopt", None)):
        return candidate  # type: ignore[return-value]  # checked structurally just above
    return None


def arm_quickack(sock: SupportsSetsockopt) -> None:
    """Ask the kernel to ACK incoming data on ``sock`` at once; never raises.

    ``OSError`` covers a socket closed under us and sockets that are not TCP; anything else a
    foreign socket wrapper might raise is treated the same way.
    """
    option = quickack_option()
    if option is None:
        return
    try:
        sock.setsockopt(socket.IPPROTO_TCP, option, 1)
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        logger.debug("TCP_QUICKACK not set on %r: %s", type(sock).__name__, exc)


def is_readable(sock: object) -> bool:
    """Whether an idle socket has something to read: the server closed it or sent data unasked.

    A pool asks this before reusing a connection; either answer means "do not reuse". A socket
    without a file descriptor counts as readable, so it is dropped rather than reused. The
    asyncio httpx stream answers it here from the socket it already holds: anyio rebuilds its
    table of attributes on every lookup, which cost more than the check itself.
    """
    fileno = getattr(sock, "fileno", None)
    try:
        descriptor = fileno() if callable(fileno) else -1
    except OSError:
        return True
    if not isinstance(descriptor, int) or descriptor < 0:
        return True
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(descriptor, select.POLLIN)
        return bool(poller.poll(0))
    ready, _, _ = select.select([descriptor], [], [], 0)
    return bool(ready)
