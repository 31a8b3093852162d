"""A fault-injecting HTTP/1.1 proxy on loopback, between a client under test and a real server.

The proxy runs an asyncio server on a private event loop in a background thread, so sync tests
and async tests (on their own loops) can both use it. Each client connection is served with
keep-alive: requests are read one after another (``Content-Length`` or chunked bodies), and for
each one a :class:`FaultPlan` decides what happens:

=======================  ==============================================  =================
fault                    what the proxy does                             server acted?
=======================  ==============================================  =================
``PASS``                 forward, relay the response                     yes
``REFUSE``               reset the connection (RST) once the request     no
                         head arrives, reading nothing more
``RESET``                send half of the request upstream, then reset   no
                         both connections
``DELAY``                wait ``delay_s``, then forward                  yes
``TOO_MANY_REQUESTS``    answer 429 with ``Retry-After: retry_after_s``  no
``SERVICE_UNAVAILABLE``  answer 503                                      no
``BAD_GATEWAY``          answer 502                                      no
``DROP_RESPONSE``        forward, read the whole response, then close    yes (a "ghost")
                         the client connection without sending it
``STALL_RESPONSE``       forward, hold the response for ``stall_s``      yes
                         (past the client's read timeout), then close
``DELIVER_LATE``         hold the whole request and reset the client     yes, late
                         connection; forward the request upstream (its
                         answer discarded) right after the next request
                         to the same path was answered upstream, before
                         that answer is relayed
=======================  ==============================================  =================

``DELIVER_LATE`` plays a slow server deterministically: the first attempt of a create is still
"in flight" while the client looks for it and creates again, and it commits after that second
create but before the client hears back from it.

Every request goes upstream on a fresh connection (``Connection: close``), so an idle upstream
connection closed by the server can never be mistaken for a fault, and the ``Host`` header is
rewritten to the upstream's ``host:port`` (MLflow refuses foreign hosts with 403).

Plans: :class:`RandomFaults` (each fault on a fixed share of the matching requests, seeded),
:class:`CyclingFaults` (faults in turn per path: deterministic under concurrency),
:class:`ScriptedFaults` (a fixed sequence, for unit tests) and :class:`FirstMatch` (the first
matching plan decides, e.g. harsher faults for creates than for everything else).

Usage::

    plan = RandomFaults({Fault.DROP_RESPONSE: 0.05, Fault.SERVICE_UNAVAILABLE: 0.05}, seed=1)
    with FaultProxy("http://127.0.0.1:5000", plan, stall_s=3.0) as proxy:
        client = MlflowClient(proxy.url)
        ...
        print(proxy.counts())

The proxy counts what it did per fault (:meth:`FaultProxy.counts`) and keeps a log of every
decision (:meth:`FaultProxy.events`), so tests can assert on both sides of a fault.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType
from typing import Protocol, Self
from urllib.parse import urlsplit

__all__ = [
    "CyclingFaults",
    "Fault",
    "FaultEvent",
    "FaultPlan",
    "FaultProxy",
    "FirstMatch",
    "MatchingPlan",
    "RandomFaults",
    "ScriptedFaults",
]

#: Largest request or response head the proxy accepts.
_MAX_HEAD_BYTES = 1 << 20
#: How long the proxy waits for the upstream's response to one request.
_UPSTREAM_TIMEOUT_S = 120.0
#: How long :meth:`FaultProxy.start` and :meth:`FaultProxy.stop` wait for the loop thread.
_THREAD_TIMEOUT_S = 10.0


class Fault(StrEnum):
    PASS = "pass"
    REFUSE = "refuse"
    RESET = "reset"
    DELAY = "delay"
    TOO_MANY_REQUESTS = "too_many_requests"
    SERVICE_UNAVAILABLE = "service_unavailable"
    BAD_GATEWAY = "bad_gateway"
    DROP_RESPONSE = "drop_response"
    STALL_RESPONSE = "stall_response"
    DELIVER_LATE = "deliver_late"

    @property
    def reaches_server(self) -> bool:
        """Whether the server receives (and acts on) the whole request under this fault."""
        return self in _REACHES_SERVER


_REACHES_SERVER = frozenset(
    {Fault.PASS, Fault.DELAY, Fault.DROP_RESPONSE, Fault.STALL_RESPONSE, Fault.DELIVER_LATE}
)


class FaultPlan(Protocol):
    """Decides the fault for one request. Called from the proxy's loop thread only."""

    def decide(self, method: str, path: str) -> Fault: ...


@dataclass
class RandomFaults:
    """Each fault on a fixed share of the matching requests, drawn from a seeded generator.

    ``shares`` maps faults to probabilities (their sum at most 1); the rest pass. ``methods``
    and ``path_prefixes`` restrict the faults to matching requests (``None``: all of them);
    other requests always pass.
    """

    shares: Mapping[Fault, float]
    seed: int = 0
    methods: frozenset[str] | None = None
    path_prefixes: tuple[str, ...] | None = None
    _rng: random.Random = field(init=False, repr=False)
    _table: list[tuple[float, Fault]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if any(share < 0 for share in self.shares.values()):
            raise ValueError(f"fault shares must be >= 0: {dict(self.shares)}")
        total = sum(self.shares.values())
        if total > 1.0 + 1e-9:
            raise ValueError(f"fault shares add up to {total:g}, more than 1")
        self._rng = random.Random(self.seed)
        self._table = []
        upper = 0.0
        for fault, share in sorted(self.shares.items()):
            upper += share
            self._table.append((upper, fault))

    def matches(self, method: str, path: str) -> bool:
        if self.methods is not None and method not in self.methods:
            return False
        return self.path_prefixes is None or path.startswith(self.path_prefixes)

    def decide(self, method: str, path: str) -> Fault:
        if not self.matches(method, path):
            return Fault.PASS
        draw = self._rng.random()
        for upper, fault in self._table:
            if draw < upper:
                return fault
        return Fault.PASS


@dataclass
class CyclingFaults:
    """The faults of ``cycle`` in turn, counted per path, for requests under ``path_prefixes``.

    Deterministic whatever the order of concurrent requests: the first request to each path
    meets ``cycle[0]``, the second ``cycle[1]``, and so on, round and round.
    """

    cycle: Sequence[Fault]
    path_prefixes: tuple[str, ...]
    _seen: Counter[str] = field(default_factory=Counter, init=False, repr=False)

    def matches(self, method: str, path: str) -> bool:
        return path.startswith(self.path_prefixes)

    def decide(self, method: str, path: str) -> Fault:
        if not self.matches(method, path) or not self.cycle:
            return Fault.PASS
        fault = self.cycle[self._seen[path] % len(self.cycle)]
        self._seen[path] += 1
        return fault


class MatchingPlan(FaultPlan, Protocol):
    """A plan that can say which requests it is about."""

    def matches(self, method: str, path: str) -> bool: ...


class FirstMatch:
    """Several plans: the first one that matches a request decides for it.

    E.g. a harsher plan for creates, then a milder one for everything else.
    """

    def __init__(self, *plans: MatchingPlan) -> None:
        self.plans = plans

    def decide(self, method: str, path: str) -> Fault:
        for plan in self.plans:
            if plan.matches(method, path):
                return plan.decide(method, path)
        return Fault.PASS


@dataclass
class ScriptedFaults:
    """The given faults, in order, for the matching requests; then every request passes."""

    script: Sequence[Fault]
    path_prefixes: tuple[str, ...] | None = None
    _next: int = field(default=0, init=False, repr=False)

    def decide(self, method: str, path: str) -> Fault:
        if self.path_prefixes is not None and not path.startswith(self.path_prefixes):
            return Fault.PASS
        if self._next >= len(self.script):
            return Fault.PASS
        fault = self.script[self._next]
        self._next += 1
        return fault


class _PassAll:
    def decide(self, method: str, path: str) -> Fault:
        return Fault.PASS


@dataclass(frozen=True, slots=True)
class FaultEvent:
    """One decision of the proxy: which fault hit which request."""

    fault: Fault
    method: str
    path: str


@dataclass(slots=True)
class _Request:
    method: str
    target: str
    head_lines: list[bytes]  # header lines, without the request line, without CRLF
    body: bytes
    close_after: bool

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    def encode(self, upstream_host: str) -> bytes:
        """The request for the upstream: Host rewritten, de-chunked, on a one-shot connection."""
        lines = [f"{self.method} {self.target} HTTP/1.1".encode("latin-1")]
        for line in self.head_lines:
            name = line.split(b":", 1)[0].strip().lower()
            if name in (b"host", b"connection", b"content-length", b"transfer-encoding"):
                continue
            if name in (b"keep-alive", b"proxy-connection"):
                continue
            lines.append(line)
        lines.append(b"Host: " + upstream_host.encode("latin-1"))
        lines.append(b"Connection: close")
        if self.body or self.method not in ("GET", "HEAD", "DELETE"):
            lines.append(b"Content-Length: " + str(len(self.body)).encode())
        return b"\r\n".join(lines) + b"\r\n\r\n" + self.body


class _ProtocolError(Exception):
    """The peer sent something this proxy does not understand."""


def _headers(lines: list[bytes]) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for line in lines:
        name, sep, value = line.partition(b":")
        if not sep:
            raise _ProtocolError(f"malformed header line {line[:80]!r}")
        found[name.strip().lower()] = value.strip()
    return found


async def _read_head(reader: asyncio.StreamReader) -> list[bytes] | None:
    """The lines of one message head, or ``None`` on a clean end of stream before it."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if not error.partial.strip():
            return None
        raise _ProtocolError("connection closed inside a message head") from error
    except asyncio.LimitOverrunError as error:
        raise _ProtocolError("message head too large") from error
    return raw[:-4].split(b"\r\n")


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    """A chunked body, decoded (trailers are read and dropped)."""
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)


async def _read_body(
    reader: asyncio.StreamReader, headers: Mapping[bytes, bytes], *, until_eof: bool
) -> bytes:
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        return await _read_chunked(reader)
    if b"content-length" in headers:
        return await reader.readexactly(int(headers[b"content-length"]))
    return await reader.read() if until_eof else b""


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    """One request's head (its body is read later), or ``None`` when the client is done."""
    lines = await _read_head(reader)
    if lines is None:
        return None
    parts = lines[0].decode("latin-1").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _ProtocolError(f"not an HTTP/1.x request line: {lines[0][:80]!r}")
    method, target, version = parts
    headers = _headers(lines[1:])
    connection = headers.get(b"connection", b"").lower()
    close_after = connection == b"close" or (version == "HTTP/1.0" and connection != b"keep-alive")
    return _Request(method, target, lines[1:], b"", close_after)


def _response(status: int, reason: str, body: bytes, extra: Mapping[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in extra.items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _abort_with_reset(writer: asyncio.StreamWriter) -> None:
    """Close at once with a TCP RST (SO_LINGER 0), not an orderly FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _tune(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _quick_ack(writer: asyncio.StreamWriter) -> None:
    """Acknowledge at once: clients that write head and body separately must not wait ~40 ms."""
    sock = writer.get_extra_info("socket")
    quickack = getattr(socket, "TCP_QUICKACK", None)
    if sock is not None and quickack is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)


class FaultProxy:
    """A loopback HTTP/1.1 proxy to ``upstream`` that injects faults chosen by a plan.

    Use as a context manager (or :meth:`start` / :meth:`stop`); :attr:`url` is the base URL to
    give the client under test. The plan can be swapped while running (:meth:`set_plan`).
    """

    def __init__(
        self,
        upstream: str,
        plan: FaultPlan | None = None,
        *,
        delay_s: float = 0.2,
        retry_after_s: int = 1,
        stall_s: float = 3.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or parts.hostname is None or parts.port is None:
            raise ValueError(f"upstream must be http://host:port, got {upstream!r}")
        self._upstream_host = parts.hostname
        self._upstream_port = parts.port
        self._plan: FaultPlan = plan if plan is not None else _PassAll()
        self.delay_s = delay_s
        self.retry_after_s = retry_after_s
        self.stall_s = stall_s
        self._bind = (host, port)
        self._lock = threading.Lock()
        self._counts: Counter[Fault] = Counter()
        self._events: list[FaultEvent] = []
        self._errors: list[str] = []
        self._held: dict[str, list[_Request]] = {}  # DELIVER_LATE requests by path (loop thread)
        self._delivered_late: list[FaultEvent] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._address: tuple[str, int] | None = None

    # -- public surface ---------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._address is None:
            raise RuntimeError("FaultProxy is not running")
        return f"http://{self._address[0]}:{self._address[1]}"

    @property
    def upstream_host(self) -> str:
        return f"{self._upstream_host}:{self._upstream_port}"

    def set_plan(self, plan: FaultPlan | None) -> None:
        """Use ``plan`` from the next request on (``None``: pass everything)."""
        new_plan: FaultPlan = plan if plan is not None else _PassAll()
        with self._lock:
            self._plan = new_plan

    def counts(self) -> Counter[Fault]:
        """How many requests met each fault so far (a copy)."""
        with self._lock:
            return Counter(self._counts)

    def events(self) -> list[FaultEvent]:
        """Every decision so far, in order (a copy)."""
        with self._lock:
            return list(self._events)

    def errors(self) -> list[str]:
        """Connections the proxy ended because a peer misbehaved (protocol or socket errors)."""
        with self._lock:
            return list(self._errors)

    def delivered_late(self) -> list[FaultEvent]:
        """The ``DELIVER_LATE`` requests forwarded upstream so far, in order (a copy)."""
        with self._lock:
            return list(self._delivered_late)

    def reset_counts(self) -> None:
        with self._lock:
            self._counts.clear()
            self._events.clear()
            self._errors.clear()
            self._delivered_late.clear()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("FaultProxy already started")
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._open())
            except BaseException as error:  # reported to start()'s caller
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._shutdown())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not ready.wait(_THREAD_TIMEOUT_S) or failure:
            self._thread.join(_THREAD_TIMEOUT_S)
            self._thread = None
            raise RuntimeError("FaultProxy could not start") from (failure[0] if failure else None)

    def stop(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(_THREAD_TIMEOUT_S)
        self._thread = None
        self._address = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._address else "stopped"
        return f"FaultProxy({where} -> {self.upstream_host})"

    # -- the loop thread ----------------------------------------------------------------------

    async def _open(self) -> None:
        self._server = await asyncio.start_server(
            self._on_connection, *self._bind, limit=_MAX_HEAD_BYTES
        )
        sockname = self._server.sockets[0].getsockname()
        self._address = (sockname[0], sockname[1])

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    def _decide(self, method: str, path: str) -> Fault:
        with self._lock:
            fault = self._plan.decide(method, path)
            self._counts[fault] += 1
            self._events.append(FaultEvent(fault, method, path))
        return fault

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        _tune(writer)
        try:
            await self._serve(reader, writer)
        except asyncio.CancelledError:  # the proxy is stopping: end quietly
            writer.transport.abort()
        except Exception as error:  # a broken peer ends its connection, never the proxy
            with self._lock:
                self._errors.append(f"{type(error).__name__}: {error}")
            writer.transport.abort()
        finally:
            self._connections.discard(task)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            _quick_ack(writer)
            received = await _read_request(reader)
            if received is None:
                return
            request = received
            fault = self._decide(request.method, request.path)
            if fault is Fault.REFUSE:
                _abort_with_reset(writer)
                return
            request.body = await _read_body(reader, _headers(request.head_lines), until_eof=False)
            keep_open = await self._apply(fault, request, writer)
            if not keep_open or request.close_after:
                return

    async def _apply(self, fault: Fault, request: _Request, writer: asyncio.StreamWriter) -> bool:
        """Carry out ``fault`` for ``request``; whether the client connection stays usable."""
        if fault is Fault.TOO_MANY_REQUESTS:
            body = b'{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": "injected 429"}'
            retry_after = {"Retry-After": str(self.retry_after_s)}
            await self._send(writer, _response(429, "Too Many Requests", body, retry_after))
            return True
        if fault is Fault.SERVICE_UNAVAILABLE:
            body = b'{"error_code": "TEMPORARILY_UNAVAILABLE", "message": "injected 503"}'
            await self._send(writer, _response(503, "Service Unavailable", body, {}))
            return True
        if fault is Fault.BAD_GATEWAY:
            await self._send(writer, _response(502, "Bad Gateway", b'{"message": "502"}', {}))
            return True
        if fault is Fault.RESET:
            await self._send_half_then_reset(request)
            _abort_with_reset(writer)
            return False
        if fault is Fault.DELIVER_LATE:
            self._held.setdefault(request.path, []).append(request)
            _abort_with_reset(writer)
            return False
        if fault is Fault.DELAY:
            await asyncio.sleep(self.delay_s)
        response = await self._forward(request)
        await self._deliver_held(request.path)
        if fault is Fault.DROP_RESPONSE:
            _abort_with_reset(writer)
            return False
        if fault is Fault.STALL_RESPONSE:
            await asyncio.sleep(self.stall_s)
            writer.transport.abort()
            return False
        await self._send(writer, response)
        return True

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await writer.drain()

    async def _connect_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection(
            self._upstream_host, self._upstream_port, limit=_MAX_HEAD_BYTES
        )
        _tune(writer)
        return reader, writer

    async def _deliver_held(self, path: str) -> None:
        """Forward the requests held for ``path`` now that a later one was answered upstream."""
        for held in self._held.pop(path, []):
            await self._forward(held)
            with self._lock:
                self._delivered_late.append(FaultEvent(Fault.DELIVER_LATE, held.method, path))

    async def _send_half_then_reset(self, request: _Request) -> None:
        """The server gets a truncated request, so it cannot act on it."""
        data = request.encode(self.upstream_host)
        _, writer = await self._connect_upstream()
        writer.write(data[: len(data) // 2])
        await writer.drain()
        _abort_with_reset(writer)

    async def _forward(self, request: _Request) -> bytes:
        """Send ``request`` upstream; the whole response, re-encoded for the client."""
        reader, writer = await self._connect_upstream()
        try:
            writer.write(request.encode(self.upstream_host))
            await writer.drain()
            async with asyncio.timeout(_UPSTREAM_TIMEOUT_S):
                lines = await _read_head(reader)
                if lines is None:
                    raise _ProtocolError("upstream closed without a response")
                status = int(lines[0].split(b" ", 2)[1])
                headers = _headers(lines[1:])
                no_body = request.method == "HEAD" or status in (204, 304) or status < 200
                body = b"" if no_body else await _read_body(reader, headers, until_eof=True)
        finally:
            writer.close()
        kept = [
            line
            for line in lines[1:]
            if line.split(b":", 1)[0].strip().lower()
            not in (b"content-length", b"transfer-encoding", b"connection", b"keep-alive")
        ]
        head = [lines[0], *kept]
        if not no_body:
            head.append(b"Content-Length: " + str(len(body)).encode())
        if request.close_after:
            head.append(b"Connection: close")
        return b"\r\n".join(head) + b"\r\n\r\n" + body
