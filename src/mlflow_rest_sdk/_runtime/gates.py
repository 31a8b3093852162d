"""Waiting for a request slot, one shim per world: a thread blocks on an event, a task awaits a
future. The request path (written once, in ``_async/client_base.py``) calls ``AsyncGate`` and
``async_lock``; its derived blocking twin calls ``Gate`` and ``sync_lock``. Queueing, limits and
statistics live in ``admission``."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass

from mlflow_rest_sdk._runtime.admission import Admission, Ticket
from mlflow_rest_sdk._runtime.load_limit import LoadStats, signal_of, stream_signal
from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse


@dataclass
class StreamSlot:
    """A slot held for a streamed exchange; the holder records the status it was answered."""

    status: int | None = None


class _GateCommon:
    def __init__(self, admission: Admission) -> None:
        self._admission = admission

    def leave(
        self,
        ticket: Ticket,
        request: HttpRequest,
        outcome: HttpResponse | BaseException,
        latency: float,
    ) -> None:
        """Free the slot; the outcome and its latency feed the load limit."""
        route = f"{request.method} {request.url.partition('?')[0]}"
        self._admission.leave(ticket, signal_of(outcome), latency, route)

    def release_stream(self, ticket: Ticket, request: HttpRequest, slot: StreamSlot) -> None:
        """Free a streamed exchange's slot; only an overload status feeds the limit."""
        route = f"{request.method} {request.url.partition('?')[0]}"
        self._admission.leave(ticket, stream_signal(slot.status), 0.0, route)

    def abandon(self, ticket: Ticket) -> None:
        self._admission.abandon(ticket)

    def stats(self) -> LoadStats:
        return self._admission.stats()


class Gate(_GateCommon):
    def enter(self, request: HttpRequest, timeout: float) -> Ticket:
        """A slot, after the requests queued before this one; waits at most ``timeout``."""
        woken = threading.Event()
        ticket = Ticket(woken.set)
        if self._admission.try_enter(ticket):
            return ticket
        started = time.monotonic()
        if woken.wait(max(timeout, 0.0)):
            return ticket
        self._admission.abandon(ticket)
        raise self._admission.timeout_error(time.monotonic() - started, request.url)


class AsyncGate(_GateCommon):
    async def enter(self, request: HttpRequest, timeout: float) -> Ticket:
        """A slot, after the requests queued before this one; waits at most ``timeout``."""
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            loop.call_soon_threadsafe(_resolve, woken)

        ticket = Ticket(wake)
        if self._admission.try_enter(ticket):
            return ticket
        started = time.monotonic()
        try:
            async with asyncio.timeout(max(timeout, 0.0)):
                await woken
        except TimeoutError:
            self._admission.abandon(ticket)
            raise self._admission.timeout_error(time.monotonic() - started, request.url) from None
        except BaseException:  # cancelled while queued, or just after being admitted
            self._admission.abandon(ticket)
            raise
        return ticket


def sync_lock() -> threading.Lock:
    """A lock for one thread at a time (the blocking twin of :func:`async_lock`)."""
    return threading.Lock()


def async_lock() -> asyncio.Lock:
    """A lock for one task at a time; bound to the event loop it is first awaited on."""
    return asyncio.Lock()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
