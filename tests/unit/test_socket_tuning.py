"""The I/O-free parts of the TCP_QUICKACK tuning, and how transports are built with or without it.

Transports that talk to a server are covered in ``test_quickack_transports.py``.
"""

from __future__ import annotations

import functools
import logging
import socket
from collections.abc import Iterator
from types import SimpleNamespace

import aiohttp
import httpcore
import pytest
from aiohttp.client_proto import ResponseHandler

from mlflow_rest_sdk._runtime import socket_tuning
from mlflow_rest_sdk._runtime._async.httpx_transport import AsyncHttpxTransport
from mlflow_rest_sdk._runtime._async.quickack import AsyncQuickAckBackend as _AsyncQuickAckBackend
from mlflow_rest_sdk._runtime._sync.httpx_transport import HttpxTransport
from mlflow_rest_sdk._runtime._sync.quickack import QuickAckBackend as _QuickAckBackend
from mlflow_rest_sdk._runtime._sync.quickack import wrap_pool_backend as _wrap_pool_backend
from mlflow_rest_sdk._runtime.aiohttp_transport import (
    AiohttpTransport,
    _install_quickack,
    _QuickAckResponseHandler,
)
from mlflow_rest_sdk._runtime.transport import TransportSettings

#: Linux's value, used where a test needs the constant to exist.
LINUX_TCP_QUICKACK = 12


class RecordingSocket:
    """Records ``setsockopt`` calls; optionally fails them like a closed or non-TCP socket."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.calls: list[tuple[int, int, int]] = []
        self.error = error

    def setsockopt(self, level: int, optname: int, value: int, /) -> None:
        self.calls.append((level, optname, value))
        if self.error is not None:
            raise self.error


@pytest.fixture
def with_quickack(monkeypatch: pytest.MonkeyPatch) -> int:
    """Make sure ``socket.TCP_QUICKACK`` exists (it does on Linux); return its value."""
    value: int = getattr(socket, "TCP_QUICKACK", LINUX_TCP_QUICKACK)
    monkeypatch.setattr(socket, "TCP_QUICKACK", value, raising=False)
    return value


@pytest.fixture
def without_quickack(monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulate macOS or Windows, whose ``socket`` module has no ``TCP_QUICKACK``."""
    monkeypatch.delattr(socket, "TCP_QUICKACK", raising=False)


@pytest.fixture
def tcp_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A connected loopback TCP pair: (client, server side)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
    with client, accepted:
        yield client, accepted


# --- socket_tuning ------------------------------------------------------------------------------


def test_quickack_option_is_none_where_the_platform_has_no_constant(
    without_quickack: None,
) -> None:
    assert socket_tuning.quickack_option() is None


def test_arm_quickack_is_a_no_op_where_the_platform_has_no_constant(
    without_quickack: None,
) -> None:
    sock = RecordingSocket()
    socket_tuning.arm_quickack(sock)
    assert sock.calls == []


def test_arm_quickack_sets_the_tcp_level_option_to_one(with_quickack: int) -> None:
    sock = RecordingSocket()
    socket_tuning.arm_quickack(sock)
    assert sock.calls == [(socket.IPPROTO_TCP, with_quickack, 1)]


def test_arm_quickack_swallows_oserror_from_a_closed_socket(with_quickack: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.close()
    socket_tuning.arm_quickack(sock)


def test_arm_quickack_swallows_oserror_from_a_unix_socket(with_quickack: int) -> None:
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with left, right:
        socket_tuning.arm_quickack(left)


def test_arm_quickack_swallows_errors_of_a_foreign_socket_wrapper(with_quickack: int) -> None:
    sock = RecordingSocket(error=OSError(9, "Bad file descriptor"))
    socket_tuning.arm_quickack(sock)
    assert len(sock.calls) == 1


def test_arm_quickack_takes_a_connected_socket_out_of_delayed_ack_mode(
    tcp_pair: tuple[socket.socket, socket.socket],
) -> None:
    """Runs where the SDK's CI runs (Linux, the only platform with the option); elsewhere it
    fails at the attribute lookup rather than passing by skipping."""
    client, _ = tcp_pair
    option = socket.TCP_QUICKACK
    client.setsockopt(socket.IPPROTO_TCP, option, 0)  # enter delayed-ACK ("pingpong") mode
    assert client.getsockopt(socket.IPPROTO_TCP, option) == 0
    socket_tuning.arm_quickack(client)
    assert client.getsockopt(socket.IPPROTO_TCP, option) == 1


def test_socket_of_accepts_only_objects_with_setsockopt() -> None:
    sock = RecordingSocket()
    assert socket_tuning.socket_of(sock) is sock
    assert socket_tuning.socket_of(None) is None
    assert socket_tuning.socket_of(object()) is None
    assert socket_tuning.socket_of(SimpleNamespace(setsockopt="not callable")) is None


# --- which backend or protocol the transports are built with ------------------------------------


def _sync_backend(transport: HttpxTransport) -> object:
    return transport._client._transport._pool._network_backend  # type: ignore[attr-defined]


def _async_backend(transport: AsyncHttpxTransport) -> object:
    return transport._client._transport._pool._network_backend  # type: ignore[attr-defined]


async def _aiohttp_factory(transport: AiohttpTransport) -> object:
    connector = transport._session_for_running_loop().connector
    return getattr(connector, "_factory", None)


def test_sync_httpx_wraps_its_backend_when_tuning_is_on(with_quickack: int) -> None:
    with HttpxTransport(TransportSettings()) as transport:
        backend = _sync_backend(transport)
        assert isinstance(backend, _QuickAckBackend)
        assert isinstance(backend.inner, httpcore.SyncBackend)


def test_sync_httpx_keeps_the_plain_backend_when_tuning_is_off(with_quickack: int) -> None:
    with HttpxTransport(TransportSettings(tcp_quickack=False)) as transport:
        assert type(_sync_backend(transport)) is httpcore.SyncBackend


def test_sync_httpx_keeps_the_plain_backend_without_platform_support(
    without_quickack: None,
) -> None:
    with HttpxTransport(TransportSettings()) as transport:
        assert type(_sync_backend(transport)) is httpcore.SyncBackend


async def test_async_httpx_wraps_its_backend_when_tuning_is_on(with_quickack: int) -> None:
    async with AsyncHttpxTransport(TransportSettings()) as transport:
        assert isinstance(_async_backend(transport), _AsyncQuickAckBackend)


async def test_async_httpx_keeps_the_plain_backend_when_tuning_is_off(with_quickack: int) -> None:
    async with AsyncHttpxTransport(TransportSettings(tcp_quickack=False)) as transport:
        assert not isinstance(_async_backend(transport), _AsyncQuickAckBackend)


async def test_aiohttp_builds_quickack_protocols_when_tuning_is_on(with_quickack: int) -> None:
    async with AiohttpTransport(TransportSettings()) as transport:
        factory = await _aiohttp_factory(transport)
        assert isinstance(factory, functools.partial)
        assert factory.func is _QuickAckResponseHandler


async def test_aiohttp_keeps_the_plain_protocol_when_tuning_is_off(with_quickack: int) -> None:
    async with AiohttpTransport(TransportSettings(tcp_quickack=False)) as transport:
        factory = await _aiohttp_factory(transport)
        assert isinstance(factory, functools.partial)
        assert factory.func is ResponseHandler


async def test_aiohttp_keeps_the_plain_protocol_without_platform_support(
    without_quickack: None,
) -> None:
    async with AiohttpTransport(TransportSettings()) as transport:
        factory = await _aiohttp_factory(transport)
        assert isinstance(factory, functools.partial)
        assert factory.func is ResponseHandler


# --- unexpected library internals degrade to plain behaviour ------------------------------------


@pytest.mark.parametrize(
    "transport",
    [SimpleNamespace(), SimpleNamespace(_pool=SimpleNamespace(_network_backend=object()))],
    ids=["no-pool", "foreign-pool"],
)
def test_httpx_internals_that_differ_leave_the_transport_plain_with_a_debug_log(
    transport: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mlflow_rest_sdk._runtime._sync.quickack")
    before = getattr(getattr(transport, "_pool", None), "_network_backend", None)
    _wrap_pool_backend(transport)
    assert getattr(getattr(transport, "_pool", None), "_network_backend", None) is before
    assert "TCP_QUICKACK tuning is off" in caplog.text


async def test_aiohttp_internals_that_differ_leave_the_connector_plain_with_a_debug_log(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG, logger="mlflow_rest_sdk._runtime.aiohttp_transport")
    connector = aiohttp.TCPConnector()
    foreign: functools.partial[dict[str, str]] = functools.partial(dict)
    monkeypatch.setattr(connector, "_factory", foreign)
    try:
        _install_quickack(connector)
        assert connector._factory is foreign  # type: ignore[comparison-overlap]
        assert "TCP_QUICKACK tuning is off" in caplog.text
    finally:
        await connector.close()


# -- is_readable: may an idle pooled socket be reused? ---------------------------------------


@pytest.fixture
def socket_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    yield ours, theirs
    ours.close()
    theirs.close()


def test_an_idle_open_socket_is_not_readable(socket_pair: tuple[socket.socket, ...]) -> None:
    ours, _ = socket_pair
    assert socket_tuning.is_readable(ours) is False


def test_a_socket_with_unsolicited_data_is_readable(socket_pair: tuple[socket.socket, ...]) -> None:
    ours, theirs = socket_pair
    theirs.sendall(b"x")
    assert socket_tuning.is_readable(ours) is True


def test_a_socket_the_peer_closed_is_readable(socket_pair: tuple[socket.socket, ...]) -> None:
    ours, theirs = socket_pair
    theirs.close()
    assert socket_tuning.is_readable(ours) is True


def test_a_closed_socket_or_one_without_descriptor_counts_as_readable() -> None:
    closed = socket.socket()
    closed.close()
    assert socket_tuning.is_readable(closed) is True
    assert socket_tuning.is_readable(object()) is True
