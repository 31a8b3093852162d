"""Transports that hold log-batch requests until a test opens the gate.

A real server cannot be made to stall on demand, so these wrap the real httpx transports (the
requests still reach the real server and are stored once the gate opens).
"""

from __future__ import annotations

import asyncio
import threading

from mlflow_rest_sdk.transport import AsyncHttpxTransport, HttpRequest, HttpResponse, HttpxTransport

GATE_TIMEOUT = 120.0


class GatedTransport:
    """Blocking transport whose log-batch requests wait for :attr:`gate`."""

    def __init__(self) -> None:
        self._inner = HttpxTransport()
        self.gate = threading.Event()

    def send(self, request: HttpRequest) -> HttpResponse:
        if request.url.endswith("/runs/log-batch"):
            assert self.gate.wait(GATE_TIMEOUT), "the test never opened the gate"
        return self._inner.send(request)

    def close(self) -> None:
        self._inner.close()


class AsyncGatedTransport:
    """Asyncio transport whose log-batch requests wait for :attr:`gate`."""

    def __init__(self) -> None:
        self._inner = AsyncHttpxTransport()
        self.gate = asyncio.Event()

    async def send(self, request: HttpRequest) -> HttpResponse:
        if request.url.endswith("/runs/log-batch"):
            await asyncio.wait_for(self.gate.wait(), GATE_TIMEOUT)
        return await self._inner.send(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class InFlightProbe:
    """A blocking transport that holds each log-batch request until ``expected`` are in flight.

    A client that sends fewer at a time never fills the barrier: its requests fail with
    ``BrokenBarrierError`` after :data:`GATE_TIMEOUT`.
    """

    def __init__(self, expected: int) -> None:
        self._inner = HttpxTransport()
        self._together = threading.Barrier(expected, timeout=GATE_TIMEOUT)

    def send(self, request: HttpRequest) -> HttpResponse:
        if request.url.endswith("/runs/log-batch"):
            self._together.wait()
        return self._inner.send(request)

    def close(self) -> None:
        self._inner.close()
