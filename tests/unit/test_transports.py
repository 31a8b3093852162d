"""The three built-in transports, specified against a real loopback HTTP(S) server.

Every behaviour that all transports share is checked on each of them (`kind`): the blocking
httpx transport is called directly, the asyncio ones are awaited.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import socket
import ssl
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from mlflow_rest_sdk._runtime._async.httpx_transport import AsyncHttpxTransport
from mlflow_rest_sdk._runtime._sync.httpx_transport import HttpxTransport
from mlflow_rest_sdk._runtime.aiohttp_transport import AiohttpTransport
from mlflow_rest_sdk._runtime.transport import (
    ConnectionRefused,
    HttpRequest,
    HttpResponse,
    PoolLimits,
    Timeouts,
    TlsConfig,
    TransportError,
    TransportSettings,
    TransportTimeout,
)
from mlflow_rest_sdk._runtime.transports import resolve_async_transport, resolve_sync_transport

from .transport_harness import Harness

KINDS = ("httpx", "httpx-async", "aiohttp")
SLOW_SECONDS = 5.0
SHORT = Timeouts(connect=2.0, read=0.2, write=2.0, pool=2.0)
# Distinct values everywhere, so that a swapped argument cannot go unnoticed.
ODD_SETTINGS = TransportSettings(
    timeouts=Timeouts(connect=1.25, read=2.5, write=3.75, pool=0.5),
    limits=PoolLimits(max_connections=7, max_keepalive_connections=3, keepalive_expiry=11.5),
)


# --- loopback server ---------------------------------------------------------------------------


class _EchoHandler(BaseHTTPRequestHandler):
    """Echoes the request as JSON; a few paths misbehave on purpose."""

    protocol_version = "HTTP/1.1"
    server: _EchoServer

    def setup(self) -> None:
        if self.server.tls is not None:
            self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def finish(self) -> None:
        super().finish()
        if self.server.tls is not None:
            self.request.close()  # the server closes only the plain socket it accepted

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path, _, query = self.path.partition("?")
        if path == "/slow":
            self.server.stopping.wait(SLOW_SECONDS)
        if path == "/redirect":
            self._reply(302, b"", {"Location": "/echo"})
            return
        if path.startswith("/status/"):
            self._reply(int(path.removeprefix("/status/")), b"teapot", {})
            return
        echo = {
            "method": self.command,
            "raw_path": path,
            "query": parse_qsl(query, keep_blank_values=True),
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body": body.hex(),
        }
        headers = {"Content-Type": "application/json", "X-Echo-Mixed-Case": "Yes"}
        if path == "/cookie":
            headers["Set-Cookie"] = "session=abc; Path=/"
        self._reply(200, json.dumps(echo).encode(), headers)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class _EchoServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _EchoHandler)
        self.tls = tls
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # failed TLS handshakes are expected in some tests


def _serve(tls: ssl.SSLContext | None) -> Iterator[str]:
    server = _EchoServer(tls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    scheme = "http" if tls is None else "https"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    yield from _serve(None)


@dataclass(frozen=True)
class Pki:
    ca: str
    client_cert: str
    client_key: str
    server_context: ssl.SSLContext


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _issue(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: str,
    issuer_key: ec.EllipticCurvePrivateKey,
    extensions: list[x509.ExtensionType],
    *,
    ca: bool = False,
) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write(path: Path, certificate: x509.Certificate) -> str:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(path)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> str:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(path)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A private CA, a server certificate for 127.0.0.1 and a client certificate."""
    directory = tmp_path_factory.mktemp("pki")
    ca_key, server_key, client_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    key_cert_sign = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    ca = _issue("test CA", ca_key, "test CA", ca_key, [key_cert_sign], ca=True)
    server = _issue(
        "127.0.0.1",
        server_key,
        "test CA",
        ca_key,
        [
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]),
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
        ],
    )
    client = _issue(
        "test client",
        client_key,
        "test CA",
        ca_key,
        [x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH])],
    )
    ca_path = _write(directory / "ca.pem", ca)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(
        _write(directory / "server.pem", server), _write_key(directory / "server.key", server_key)
    )
    server_context.verify_mode = ssl.CERT_REQUIRED  # the client must present its certificate
    server_context.load_verify_locations(ca_path)
    return Pki(
        ca=ca_path,
        client_cert=_write(directory / "client.pem", client),
        client_key=_write_key(directory / "client.key", client_key),
        server_context=server_context,
    )


@pytest.fixture(scope="module")
def tls_server_url(pki: Pki) -> Iterator[str]:
    yield from _serve(pki.server_context)


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback port that is bound but not listening: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{bound.getsockname()[1]}"


# --- one harness over the three transports -----------------------------------------------------


@asynccontextmanager
async def open_transport(
    kind: str, settings: TransportSettings | None = None
) -> AsyncIterator[Harness]:
    """Yield a harness inside the transport's own (async) context manager."""
    harness = Harness(kind, settings)
    if harness.sync is not None:
        with harness.sync:
            yield harness
    else:
        assert harness.async_ is not None
        async with harness.async_:
            yield harness


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


async def echo(kind: str, request: HttpRequest) -> dict[str, Any]:
    async with open_transport(kind) as transport:
        response = await transport.send(request)
    assert response.status_code == 200
    result: dict[str, Any] = json.loads(response.content)
    return result


# --- what goes on the wire ---------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE"])
async def test_the_method_reaches_the_server(kind: str, server_url: str, method: str) -> None:
    seen = await echo(kind, HttpRequest(method, f"{server_url}/echo"))
    assert seen["method"] == method


async def test_repeated_query_keys_stay_repeated_and_in_order(kind: str, server_url: str) -> None:
    params = [("b", "2"), ("a", "1"), ("b", "3"), ("a", "0")]
    seen = await echo(kind, HttpRequest("GET", f"{server_url}/echo", params=params))
    assert [tuple(pair) for pair in seen["query"]] == params


async def test_params_are_appended_to_a_query_already_in_the_url(
    kind: str, server_url: str
) -> None:
    seen = await echo(kind, HttpRequest("GET", f"{server_url}/echo?a=1", params=[("b", "2")]))
    assert [tuple(pair) for pair in seen["query"]] == [("a", "1"), ("b", "2")]


async def test_query_values_with_reserved_characters_arrive_intact(
    kind: str, server_url: str
) -> None:
    params = [("filter", "name = 'a b' AND x+y&z=/"), ("empty", ""), ("unicode", "café")]
    seen = await echo(kind, HttpRequest("GET", f"{server_url}/echo", params=params))
    assert [tuple(pair) for pair in seen["query"]] == params


async def test_body_bytes_reach_the_server_unchanged(kind: str, server_url: str) -> None:
    body = b'{"a": 1}\x00\xff'
    seen = await echo(kind, HttpRequest("POST", f"{server_url}/echo", content=body))
    assert bytes.fromhex(seen["body"]) == body


async def test_no_content_type_is_added_to_a_body_sent_without_one(
    kind: str, server_url: str
) -> None:
    seen = await echo(kind, HttpRequest("PUT", f"{server_url}/echo", content=b"raw bytes"))
    assert "content-type" not in seen["headers"]


async def test_request_headers_reach_the_server(kind: str, server_url: str) -> None:
    headers = {"X-Custom": "value", "Content-Type": "application/json"}
    seen = await echo(
        kind, HttpRequest("POST", f"{server_url}/echo", headers=headers, content=b"{}")
    )
    assert seen["headers"]["x-custom"] == "value"
    assert seen["headers"]["content-type"] == "application/json"


async def test_percent_encoded_path_reaches_the_server_unchanged(
    kind: str, server_url: str
) -> None:
    path = "/echo/models/a%2Fb/with%20space/100%25/x%3Ay%40z%7E/caf%C3%A9"
    seen = await echo(kind, HttpRequest("GET", f"{server_url}{path}"))
    assert seen["raw_path"] == path


async def test_cookies_set_by_the_server_are_not_sent_back(kind: str, server_url: str) -> None:
    # A host name, not an IP: aiohttp's default jar ignores cookies from IP addresses.
    base = server_url.replace("127.0.0.1", "localhost")
    async with open_transport(kind) as transport:
        await transport.send(HttpRequest("GET", f"{base}/cookie"))
        response = await transport.send(HttpRequest("GET", f"{base}/echo"))
    assert "cookie" not in json.loads(response.content)["headers"]


async def test_proxies_from_the_environment_are_ignored(
    kind: str, server_url: str, refused_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, refused_url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    seen = await echo(kind, HttpRequest("GET", f"{server_url}/echo"))
    assert seen["raw_path"] == "/echo"


# --- what comes back ---------------------------------------------------------------------------


async def test_response_header_names_are_lower_cased(kind: str, server_url: str) -> None:
    async with open_transport(kind) as transport:
        response = await transport.send(HttpRequest("GET", f"{server_url}/echo"))
    assert response.headers["x-echo-mixed-case"] == "Yes"
    assert all(name == name.lower() for name in response.headers)


async def test_error_statuses_are_returned_not_raised(kind: str, server_url: str) -> None:
    async with open_transport(kind) as transport:
        response = await transport.send(HttpRequest("GET", f"{server_url}/status/418"))
    assert (response.status_code, response.content) == (418, b"teapot")


async def test_redirects_are_returned_not_followed(kind: str, server_url: str) -> None:
    async with open_transport(kind) as transport:
        response = await transport.send(HttpRequest("POST", f"{server_url}/redirect"))
    assert response.status_code == 302
    assert response.headers["location"] == "/echo"


# --- failures ----------------------------------------------------------------------------------


async def test_read_timeout_of_the_request_raises_transport_timeout_naming_the_url(
    kind: str, server_url: str
) -> None:
    url = f"{server_url}/slow"
    started = time.monotonic()
    async with open_transport(kind) as transport:
        with pytest.raises(TransportTimeout) as caught:
            await transport.send(HttpRequest("GET", url, timeouts=SHORT))
    assert time.monotonic() - started < SLOW_SECONDS / 2
    assert caught.value.url == url
    assert f"GET {url}" in str(caught.value)
    assert "read" in str(caught.value)


async def test_refused_port_raises_connection_refused(kind: str, refused_url: str) -> None:
    url = f"{refused_url}/api/2.0/mlflow/runs/create"
    async with open_transport(kind) as transport:
        with pytest.raises(ConnectionRefused) as caught:
            await transport.send(HttpRequest("POST", url, content=b"{}"))
    assert caught.value.url == url
    assert f"POST {url}" in str(caught.value)


async def test_transport_errors_never_show_the_authorization_header(
    kind: str, refused_url: str
) -> None:
    request = HttpRequest("GET", f"{refused_url}/x", headers={"Authorization": "Bearer s3cret"})
    async with open_transport(kind) as transport:
        with pytest.raises(TransportError) as caught:
            await transport.send(request)
    assert "s3cret" not in f"{caught.value} {caught.value!r}"


async def test_transport_errors_never_show_url_credentials_or_query_values(
    kind: str, refused_url: str
) -> None:
    host = refused_url.removeprefix("http://")
    request = HttpRequest(
        "GET", f"http://alice:url-s3cret@{host}/x?a=1", params=[("token", "query-s3cret")]
    )
    async with open_transport(kind) as transport:
        with pytest.raises(TransportError) as caught:
            await transport.send(request)
    shown = f"{caught.value} {caught.value!r} {caught.value.url}"
    assert "s3cret" not in shown
    assert f"http://{host}/x" in shown


async def test_leaving_the_context_manager_closes_the_transport(kind: str, server_url: str) -> None:
    async with open_transport(kind) as transport:
        pass
    with pytest.raises(RuntimeError):
        await transport.send(HttpRequest("GET", f"{server_url}/echo"))


def test_request_repr_never_shows_the_authorization_header() -> None:
    request = HttpRequest("GET", "http://h/x", headers={"Authorization": "Basic c2VjcmV0"})
    assert "c2VjcmV0" not in repr(request)
    assert "Authorization" not in repr(request)


# --- TLS ---------------------------------------------------------------------------------------


async def test_tls_trusts_the_ca_bundle_and_presents_the_client_certificate(
    kind: str, pki: Pki, tls_server_url: str
) -> None:
    tls = TlsConfig(ca_bundle=pki.ca, client_cert=pki.client_cert, client_key=pki.client_key)
    async with open_transport(kind, TransportSettings(tls=tls)) as transport:
        response = await transport.send(HttpRequest("GET", f"{tls_server_url}/echo"))
    assert response.status_code == 200


async def test_tls_without_the_servers_ca_fails_verification(
    kind: str, pki: Pki, tls_server_url: str
) -> None:
    tls = TlsConfig(client_cert=pki.client_cert, client_key=pki.client_key)
    async with open_transport(kind, TransportSettings(tls=tls)) as transport:
        with pytest.raises(TransportError) as caught:
            await transport.send(HttpRequest("GET", f"{tls_server_url}/echo"))
    assert not isinstance(caught.value, ConnectionRefused | TransportTimeout)


async def test_tls_verify_false_accepts_an_untrusted_server(
    kind: str, pki: Pki, tls_server_url: str
) -> None:
    tls = TlsConfig(verify=False, client_cert=pki.client_cert, client_key=pki.client_key)
    async with open_transport(kind, TransportSettings(tls=tls)) as transport:
        response = await transport.send(HttpRequest("GET", f"{tls_server_url}/echo"))
    assert response.status_code == 200


def test_missing_ca_bundle_fails_at_construction_naming_the_path(kind: str) -> None:
    missing = "/nonexistent/corporate-ca.pem"
    with pytest.raises(FileNotFoundError, match=r"TlsConfig\.ca_bundle.*corporate-ca\.pem"):
        Harness(kind, TransportSettings(tls=TlsConfig(ca_bundle=missing)))


def test_client_key_without_client_cert_is_rejected(kind: str, pki: Pki) -> None:
    with pytest.raises(ValueError, match="client_cert"):
        Harness(kind, TransportSettings(tls=TlsConfig(client_key=pki.client_key)))


# --- configuration read back from the underlying clients ---------------------------------------


@pytest.mark.parametrize("transport_class", [HttpxTransport, AsyncHttpxTransport])
def test_httpx_client_carries_the_pool_limits_and_timeouts_of_the_settings(
    transport_class: type[HttpxTransport | AsyncHttpxTransport],
) -> None:
    transport = transport_class(ODD_SETTINGS)
    client: httpx.Client | httpx.AsyncClient = transport._client
    pool = client._transport._pool  # type: ignore[union-attr]
    assert (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry) == (
        7,
        3,
        11.5,
    )
    timeout = client.timeout
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (1.25, 2.5, 3.75, 0.5)
    assert transport.settings is ODD_SETTINGS


async def test_aiohttp_session_carries_the_pool_limits_and_timeouts_of_the_settings(
    server_url: str,
) -> None:
    async with AiohttpTransport(ODD_SETTINGS) as transport:
        await transport.send(HttpRequest("GET", f"{server_url}/echo"))  # creates the session
        session = transport._session
        assert session is not None
        connector = session.connector
        assert isinstance(connector, aiohttp.TCPConnector)
        assert (connector.limit, connector.limit_per_host, connector._keepalive_timeout) == (
            7,
            7,
            11.5,
        )
        timeout = session.timeout
        assert (timeout.total, timeout.connect, timeout.sock_connect, timeout.sock_read) == (
            None,
            0.5 + 1.25,
            1.25,
            2.5,
        )
        assert transport.settings is ODD_SETTINGS


def test_aiohttp_transport_is_built_outside_a_loop_and_used_inside_one(server_url: str) -> None:
    transport = AiohttpTransport()

    async def use() -> int:
        async with transport:
            return (await transport.send(HttpRequest("GET", f"{server_url}/echo"))).status_code

    assert asyncio.run(use()) == 200


def test_importing_the_aiohttp_transport_without_aiohttp_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    monkeypatch.delitem(sys.modules, "mlflow_rest_sdk._runtime.aiohttp_transport")
    with pytest.raises(ImportError, match=r"pip install 'mlflow-rest-sdk\[aiohttp\]'"):
        importlib.import_module("mlflow_rest_sdk._runtime.aiohttp_transport")


# --- resolving the transport= argument ---------------------------------------------------------


class _CustomSync:
    def send(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, {}, b"")

    def close(self) -> None:
        pass


class _CustomAsync:
    async def send(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, {}, b"")

    async def aclose(self) -> None:
        pass


class _AsyncSendWithClose:
    async def send(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(200, {}, b"")

    def close(self) -> None:
        pass


@pytest.mark.parametrize("name", [None, "httpx"])
def test_sync_resolver_builds_httpx_with_the_settings(name: str | None) -> None:
    transport = resolve_sync_transport(name, ODD_SETTINGS)
    assert isinstance(transport, HttpxTransport)
    assert transport.settings is ODD_SETTINGS
    transport.close()


@pytest.mark.parametrize(
    ("name", "expected"),
    [(None, AsyncHttpxTransport), ("httpx", AsyncHttpxTransport), ("aiohttp", AiohttpTransport)],
)
async def test_async_resolver_builds_the_named_transport_with_the_settings(
    name: str | None, expected: type[AsyncHttpxTransport | AiohttpTransport]
) -> None:
    transport = resolve_async_transport(name, ODD_SETTINGS)
    assert isinstance(transport, expected)
    assert transport.settings is ODD_SETTINGS
    await transport.aclose()


def test_sync_resolver_returns_a_protocol_object_as_is() -> None:
    custom = _CustomSync()
    assert resolve_sync_transport(custom, TransportSettings()) is custom


def test_async_resolver_returns_a_protocol_object_as_is() -> None:
    custom = _CustomAsync()
    assert resolve_async_transport(custom, TransportSettings()) is custom


@pytest.mark.parametrize(
    ("junk", "described_as"),
    [
        ("requests", "'requests'"),
        ("HTTPX", "'HTTPX'"),
        (42, "an object of type int"),
        (_CustomAsync(), "an object of type _CustomAsync"),
    ],
)
def test_sync_resolver_rejects_anything_else_naming_the_accepted_values(
    junk: Any, described_as: str
) -> None:
    with pytest.raises(ValueError) as caught:
        resolve_sync_transport(junk, TransportSettings())
    assert described_as in str(caught.value)
    assert "'httpx', None, or an object with send(request) and close()" in str(caught.value)


def test_sync_resolver_rejects_an_object_whose_send_is_async() -> None:
    with pytest.raises(ValueError, match="_AsyncSendWithClose"):
        resolve_sync_transport(_AsyncSendWithClose(), TransportSettings())  # type: ignore[arg-type]


def test_sync_resolver_points_aiohttp_users_to_the_async_client() -> None:
    with pytest.raises(ValueError, match="async client"):
        resolve_sync_transport("aiohttp", TransportSettings())


@pytest.mark.parametrize(
    ("junk", "described_as"),
    [
        ("requests", "'requests'"),
        ("AIOHTTP", "'AIOHTTP'"),
        (42, "an object of type int"),
        (_CustomSync(), "an object of type _CustomSync"),
    ],
)
def test_async_resolver_rejects_anything_else_naming_the_accepted_values(
    junk: Any, described_as: str
) -> None:
    with pytest.raises(ValueError) as caught:
        resolve_async_transport(junk, TransportSettings())
    assert described_as in str(caught.value)
    assert "'httpx', 'aiohttp', None, or an object with async send(request) and aclose()" in str(
        caught.value
    )
