"""The transport protocol: the only place where the SDK touches the network.

A transport sends one fully built :class:`HttpRequest` and returns one :class:`HttpResponse`.
Everything else (URL building, serialization, retries, error mapping) lives in the shared,
I/O-free runtime so that the sync and async clients and every transport behave the same.
Teams can plug in their own HTTP stack by implementing :class:`Transport` or
:class:`AsyncTransport`.

Streaming (artifact transfers) is a separate, optional capability, so that existing transports
keep working unchanged: :class:`StreamingTransport` / :class:`AsyncStreamingTransport` add one
method, ``stream(request, body)``, a context manager that sends ``body`` (an iterator of bytes,
instead of ``request.content``) and yields the response before its body is read, to be consumed
chunk by chunk. The built-in transports implement it; artifact helpers require it.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Per-phase timeouts in seconds. Never ``None``: a hung server must not hang the caller."""

    connect: float = 10.0
    read: float = 120.0
    write: float = 120.0
    pool: float = 10.0

    def __post_init__(self) -> None:
        for name in ("connect", "read", "write", "pool"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
                raise ValueError(
                    f"Timeouts.{name} must be a positive number of seconds, got {value!r}"
                )


@dataclass(frozen=True, slots=True)
class PoolLimits:
    """Connection-pool limits shared by every transport."""

    max_connections: int = 64
    max_keepalive_connections: int = 32
    keepalive_expiry: float = 30.0

    def __post_init__(self) -> None:
        if self.max_connections < 1:
            raise ValueError(f"PoolLimits.max_connections must be >= 1, got {self.max_connections}")
        if not 0 <= self.max_keepalive_connections <= self.max_connections:
            raise ValueError(
                "PoolLimits.max_keepalive_connections must be between 0 and max_connections, "
                f"got {self.max_keepalive_connections} (max_connections={self.max_connections})"
            )
        if self.keepalive_expiry <= 0:
            raise ValueError(
                f"PoolLimits.keepalive_expiry must be > 0, got {self.keepalive_expiry}"
            )


@dataclass(frozen=True, slots=True)
class TlsConfig:
    """TLS settings: verification on by default."""

    verify: bool = True
    ca_bundle: str | None = None
    client_cert: str | None = None
    client_key: str | None = None


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request, fully built: absolute URL, query pairs, headers and a body.

    ``params`` is a sequence of pairs so that repeated query keys keep their order.
    ``content`` is ``None`` (no body) or bytes.
    """

    method: str
    url: str
    params: Sequence[tuple[str, str]] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)

    def __repr__(self) -> str:
        # Headers may carry credentials: never show them.
        size = 0 if self.content is None else len(self.content)
        return f"HttpRequest(method={self.method!r}, url={self.url!r}, body_bytes={size})"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A fully read response. Header names are lower-cased."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        return f"HttpResponse(status_code={self.status_code}, body_bytes={len(self.content)})"


@dataclass(frozen=True, slots=True)
class TransportSettings:
    """What every built-in transport is configured with.

    ``tcp_quickack`` (Linux only, a no-op elsewhere) re-arms ``TCP_QUICKACK`` on each pooled
    socket around every read and write. Without it, each call on a reused keep-alive connection
    to a uvicorn-served MLflow waits ~40 ms for the client's delayed ACK (see
    :mod:`mlflow_rest_sdk._runtime.socket_tuning`). Turn it off to get the operating system's
    plain TCP behaviour.
    """

    timeouts: Timeouts = field(default_factory=Timeouts)
    limits: PoolLimits = field(default_factory=PoolLimits)
    tls: TlsConfig = field(default_factory=TlsConfig)
    tcp_quickack: bool = True


class TransportError(Exception):
    """The request did not produce an HTTP response (refused, reset, DNS, TLS...)."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class TransportTimeout(TransportError):
    """A connect, read, write or pool timeout fired."""


class ConnectionRefused(TransportError):
    """Nothing listened: the server cannot have acted on the request."""


@runtime_checkable
class Transport(Protocol):
    """A blocking transport. Must raise :class:`TransportError` subclasses on network failure."""

    def send(self, request: HttpRequest) -> HttpResponse: ...

    def close(self) -> None: ...


@runtime_checkable
class AsyncTransport(Protocol):
    """An asyncio transport. Must raise :class:`TransportError` subclasses on network failure."""

    async def send(self, request: HttpRequest) -> HttpResponse: ...

    async def aclose(self) -> None: ...


#: Bytes read per chunk when streaming a body: big enough for throughput, small for memory.
STREAM_CHUNK_SIZE = 1024 * 1024


class StreamedResponse(Protocol):
    """A response whose body has not been read yet. Header names are lower-cased."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def iter_bytes(self, chunk_size: int = STREAM_CHUNK_SIZE) -> Iterator[bytes]:
        """The body, chunk by chunk; network failures raise :class:`TransportError`."""
        ...


class AsyncStreamedResponse(Protocol):
    """The asyncio form of :class:`StreamedResponse`."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def aiter_bytes(self, chunk_size: int = STREAM_CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The body, chunk by chunk; network failures raise :class:`TransportError`."""
        ...


@runtime_checkable
class StreamingTransport(Protocol):
    """A :class:`Transport` that can also stream request and response bodies.

    ``body``, when given, is sent instead of ``request.content`` and is read lazily, one chunk
    at a time; set ``Content-Length`` in ``request.headers`` when the size is known (else the
    body goes out chunked). Leaving the context closes (or releases) the connection.
    """

    def stream(
        self, request: HttpRequest, body: Iterable[bytes] | None = None
    ) -> AbstractContextManager[StreamedResponse]: ...


@runtime_checkable
class AsyncStreamingTransport(Protocol):
    """An :class:`AsyncTransport` that can also stream request and response bodies."""

    def stream(
        self, request: HttpRequest, body: AsyncIterable[bytes] | None = None
    ) -> AbstractAsyncContextManager[AsyncStreamedResponse]: ...
