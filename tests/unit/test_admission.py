"""Admission to request slots: first come first served, bounded waits, no slot ever leaked."""

from __future__ import annotations

import asyncio
import threading

import pytest

from mlflow_rest_sdk._runtime.admission import Admission, LoadLimitTimeout, Ticket
from mlflow_rest_sdk._runtime.gates import AsyncGate, Gate
from mlflow_rest_sdk._runtime.load_limit import LoadLimit, Signal
from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse

REQUEST = HttpRequest("POST", "http://127.0.0.1:5000/api/2.0/mlflow/runs/create")
OK = HttpResponse(200, {}, b"{}")


def admission(limit: int = 2) -> Admission:
    return Admission(LoadLimit.fixed(limit), pool_size=64, clock=lambda: 0.0)


def test_waiters_are_admitted_in_the_order_they_came() -> None:
    gate = admission(1)
    order: list[int] = []
    first = Ticket(lambda: None)
    assert gate.try_enter(first)
    queued = [Ticket(lambda i=i: order.append(i)) for i in range(3)]  # type: ignore[misc]
    assert not any(gate.try_enter(ticket) for ticket in queued)
    gate.leave(first, Signal.OK, 0.01, "r")
    gate.leave(queued[0], Signal.OK, 0.01, "r")
    gate.leave(queued[1], Signal.OK, 0.01, "r")
    assert order == [0, 1, 2]


def test_a_newcomer_does_not_overtake_the_queue() -> None:
    gate = admission(1)
    holder, waiting = Ticket(lambda: None), Ticket(lambda: None)
    gate.try_enter(holder)
    gate.try_enter(waiting)
    gate.leave(holder, Signal.OK, 0.01, "r")  # the slot goes to the waiter
    assert not gate.try_enter(Ticket(lambda: None))


def test_an_abandoned_waiter_leaves_the_queue() -> None:
    gate = admission(1)
    holder, waiting = Ticket(lambda: None), Ticket(lambda: None)
    gate.try_enter(holder)
    gate.try_enter(waiting)
    gate.abandon(waiting)
    assert gate.stats().waiting == 0


def test_an_abandoned_admitted_ticket_frees_its_slot() -> None:
    gate = admission(1)
    ticket = Ticket(lambda: None)
    gate.try_enter(ticket)
    gate.abandon(ticket)
    assert gate.stats().in_flight == 0
    assert gate.try_enter(Ticket(lambda: None))


def test_the_stats_count_what_went_through() -> None:
    gate = admission(2)
    tickets = [Ticket(lambda: None) for _ in range(3)]
    for ticket in tickets:
        gate.try_enter(ticket)
    stats = gate.stats()
    assert (stats.limit, stats.in_flight, stats.waiting, stats.peak_in_flight) == (2, 2, 1, 2)
    gate.leave(tickets[0], Signal.OVERLOAD, 0.01, "r")
    assert (gate.stats().completed, gate.stats().overloads) == (1, 1)


def test_with_the_limit_off_nothing_waits() -> None:
    gate = Admission(LoadLimit.off(), pool_size=64)
    assert all(gate.try_enter(Ticket(lambda: None)) for _ in range(100))
    assert gate.stats().limit == 64


def test_a_blocking_waiter_gets_a_slot_when_one_frees() -> None:
    gate = Gate(admission(1))
    held = gate.enter(REQUEST, 1.0)
    got: list[Ticket] = []
    waiter = threading.Thread(target=lambda: got.append(gate.enter(REQUEST, 5.0)))
    waiter.start()
    gate.leave(held, REQUEST, OK, 0.01)
    waiter.join(5.0)
    assert got and got[0].admitted


def test_a_blocking_waiter_gives_up_at_its_deadline_naming_the_limit() -> None:
    gate = Gate(admission(1))
    gate.enter(REQUEST, 1.0)
    with pytest.raises(LoadLimitTimeout, match="load limit of 1"):
        gate.enter(REQUEST, 0.05)
    assert gate.stats().waiting == 0


async def test_an_asyncio_waiter_gets_a_slot_when_one_frees() -> None:
    gate = AsyncGate(admission(1))
    held = await gate.enter(REQUEST, 1.0)
    waiter = asyncio.create_task(gate.enter(REQUEST, 5.0))
    await asyncio.sleep(0)
    gate.leave(held, REQUEST, OK, 0.01)
    assert (await waiter).admitted


async def test_an_asyncio_waiter_gives_up_at_its_deadline() -> None:
    gate = AsyncGate(admission(1))
    await gate.enter(REQUEST, 1.0)
    with pytest.raises(LoadLimitTimeout):
        await gate.enter(REQUEST, 0.05)
    assert gate.stats().waiting == 0


async def test_a_cancelled_asyncio_waiter_leaks_no_slot() -> None:
    gate = AsyncGate(admission(1))
    held = await gate.enter(REQUEST, 1.0)
    waiter = asyncio.create_task(gate.enter(REQUEST, 5.0))
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    gate.leave(held, REQUEST, OK, 0.01)
    assert (gate.stats().in_flight, gate.stats().waiting) == (0, 0)
