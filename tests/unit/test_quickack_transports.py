"""TCP_QUICKACK re-arming in the three built-in transports, against a real loopback server.

The server is a small threaded HTTP/1.1 keep-alive server that counts the TCP connections it
accepts, so the tests can tell that requests really share one connection, and that the socket
quick ACKs are armed on is that connection. ``socket_tuning.arm_quickack`` is spied on (the
real one still runs). No timings are asserted: the latency gain is measured outside the suite.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from mlflow_rest_sdk._runtime import socket_tuning
from mlflow_rest_sdk._runtime.transport import HttpRequest, TransportSettings

from .transport_harness import Harness as TransportHarness

KINDS = ("httpx", "httpx-async", "aiohttp")
LARGE = 5 * 1024 * 1024
SMALL = 17
CHUNK = 256 * 1024
#: Linux's value; lets the spying tests run where the constant is missing too.
LINUX_TCP_QUICKACK = 12
ON = TransportSettings()
OFF = TransportSettings(tcp_quickack=False)


# --- loopback keep-alive server ------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    """``POST /echo`` returns the body (fixed-length or chunked); ``GET /blob`` a 5 MB blob."""

    protocol_version = "HTTP/1.1"
    server: _CountingServer

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.client_ports.append(self.client_address[1])

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while size := int(self.rfile.readline().split(b";")[0], 16):
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(parts)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _reply(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self._reply(self._body())

    def do_GET(self) -> None:
        self._reply(self.server.blob if self.path == "/blob" else b"ok")


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.client_ports: list[int] = []
        self.blob = os.urandom(LARGE)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server() -> Iterator[_CountingServer]:
    httpd = _CountingServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def armed_ports(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Local ports of the sockets ``arm_quickack`` is called on, in call order."""
    monkeypatch.setattr(
        socket, "TCP_QUICKACK", getattr(socket, "TCP_QUICKACK", LINUX_TCP_QUICKACK), raising=False
    )
    ports: list[int] = []
    real = socket_tuning.arm_quickack

    def spy(sock: socket_tuning.SupportsSetsockopt) -> None:
        ports.append(sock.getsockname()[1])  # type: ignore[attr-defined]
        real(sock)

    monkeypatch.setattr(socket_tuning, "arm_quickack", spy)
    return ports


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


# --- one harness over the three transports ------------------------------------------------------


class Harness(TransportHarness):
    """Adds streaming both ways to the shared harness."""

    async def stream(self, request: HttpRequest, body: bytes | None = None) -> bytes:
        """Stream ``body`` up in chunks (if given) and the response body down; return it."""
        chunks = [] if body is None else [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]
        if self.sync is not None:
            with self.sync.stream(request, iter(chunks) if body is not None else None) as got:
                assert got.status_code == 200
                return b"".join(got.iter_bytes(CHUNK))

        async def upload() -> AsyncIterator[bytes]:
            for chunk in chunks:
                yield chunk

        assert self.async_ is not None
        async with self.async_.stream(request, upload() if body is not None else None) as agot:
            assert agot.status_code == 200
            return b"".join([chunk async for chunk in agot.aiter_bytes(CHUNK)])


@asynccontextmanager
async def open_transport(kind: str, settings: TransportSettings) -> AsyncIterator[Harness]:
    harness = Harness(kind, settings)
    try:
        yield harness
    finally:
        if harness.sync is not None:
            harness.sync.close()
        else:
            assert harness.async_ is not None
            await harness.async_.aclose()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def _exchange_mixed_traffic(transport: Harness, url: str) -> None:
    """Small and large bodies both ways, plain and streamed, checking every byte."""
    small, large = os.urandom(SMALL), os.urandom(LARGE)
    for body in (small, large, small):
        response = await transport.send(HttpRequest("POST", f"{url}/echo", content=body))
        assert (response.status_code, _sha(response.content)) == (200, _sha(body))
    for _ in range(20):
        assert (await transport.send(HttpRequest("GET", f"{url}/small"))).content == b"ok"
    headers = {"Content-Length": str(LARGE)}
    echoed = await transport.stream(HttpRequest("POST", f"{url}/echo", headers=headers), large)
    assert _sha(echoed) == _sha(large)


# --- the behaviours -----------------------------------------------------------------------------


async def test_many_requests_share_one_connection(kind: str, server: _CountingServer) -> None:
    async with open_transport(kind, ON) as transport:
        for _ in range(50):
            assert (
                await transport.send(HttpRequest("GET", f"{server.url}/small"))
            ).content == b"ok"
    assert len(server.client_ports) == 1


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_uploaded_body_is_echoed_back_intact(
    kind: str, server: _CountingServer, size: int
) -> None:
    body = os.urandom(size)
    async with open_transport(kind, ON) as transport:
        response = await transport.send(HttpRequest("POST", f"{server.url}/echo", content=body))
    assert _sha(response.content) == _sha(body)


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_streamed_upload_is_echoed_back_intact(
    kind: str, server: _CountingServer, size: int
) -> None:
    body = os.urandom(size)
    request = HttpRequest("POST", f"{server.url}/echo", headers={"Content-Length": str(size)})
    async with open_transport(kind, ON) as transport:
        echoed = await transport.stream(request, body)
    assert _sha(echoed) == _sha(body)


async def test_streamed_download_arrives_intact(kind: str, server: _CountingServer) -> None:
    async with open_transport(kind, ON) as transport:
        downloaded = await transport.stream(HttpRequest("GET", f"{server.url}/blob"))
    assert _sha(downloaded) == _sha(server.blob)


async def test_quickack_is_armed_on_the_one_pooled_socket_for_every_request(
    kind: str, server: _CountingServer, armed_ports: list[int]
) -> None:
    requests = 30
    async with open_transport(kind, ON) as transport:
        for _ in range(requests):
            await transport.send(HttpRequest("GET", f"{server.url}/small"))
    assert len(armed_ports) >= requests
    assert set(armed_ports) == set(server.client_ports)
    assert len(server.client_ports) == 1


async def test_quickack_is_armed_while_streaming(
    kind: str, server: _CountingServer, armed_ports: list[int]
) -> None:
    async with open_transport(kind, ON) as transport:
        await transport.stream(HttpRequest("GET", f"{server.url}/blob"))
    assert armed_ports
    assert set(armed_ports) == set(server.client_ports)


async def test_quickack_is_never_armed_when_the_setting_is_off(
    kind: str, server: _CountingServer, armed_ports: list[int]
) -> None:
    async with open_transport(kind, OFF) as transport:
        await _exchange_mixed_traffic(transport, server.url)
    assert armed_ports == []
    assert len(server.client_ports) == 1


async def test_transports_work_untuned_where_the_platform_has_no_tcp_quickack(
    kind: str, server: _CountingServer, armed_ports: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(socket, "TCP_QUICKACK")
    async with open_transport(kind, ON) as transport:
        await _exchange_mixed_traffic(transport, server.url)
        assert _sha(await transport.stream(HttpRequest("GET", f"{server.url}/blob"))) == _sha(
            server.blob
        )
    assert armed_ports == []
    assert len(server.client_ports) == 1


async def test_tuned_transports_keep_working_if_tcp_quickack_disappears_later(
    kind: str, server: _CountingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with open_transport(kind, ON) as transport:
        await transport.send(HttpRequest("GET", f"{server.url}/small"))
        monkeypatch.delattr(socket, "TCP_QUICKACK", raising=False)
        await _exchange_mixed_traffic(transport, server.url)
    assert len(server.client_ports) == 1
