"""The shim pair behind ``log_batch_all``'s unordered requests (``batching/fan_out.py``), and the
order ``log_batch_all`` sends in, on both clients, without a server."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from typing import Any

import pytest

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient
from mlflow_rest_sdk.batching import BatchLoggingError
from mlflow_rest_sdk.batching.fan_out import fan_out_async, fan_out_sync
from mlflow_rest_sdk.batching.losses import NOT_SENT
from mlflow_rest_sdk.errors import InvalidParameterValue

ITEMS = list(range(40))
#: How long each fake send holds its slot: long enough that every slot fills.
HOLD = 0.02


class Boom(Exception):
    pass


class InFlight:
    """Counts sends running at once (thread-safe, so it serves both worlds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.sent: list[int] = []

    def enter(self, item: int) -> None:
        with self._lock:
            self.sent.append(item)
            self.now += 1
            self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        with self._lock:
            self.now -= 1


# -- blocking -----------------------------------------------------------------------------------


def sync_sender(probe: InFlight, hold: float = 0.0, fail_on: int | None = None) -> Any:
    def send(item: int) -> None:
        probe.enter(item)
        try:
            time.sleep(hold)
            if item == fail_on:
                raise Boom(item)
        finally:
            probe.leave()

    return send


@pytest.mark.parametrize("max_concurrency", [1, 3, 100])
def test_sync_sends_each_item_once(max_concurrency: int) -> None:
    probe = InFlight()
    fan_out_sync(sync_sender(probe), ITEMS, max_concurrency)
    assert Counter(probe.sent) == Counter(ITEMS)


def test_sync_with_one_slot_keeps_the_items_order_on_the_calling_thread() -> None:
    threads: list[threading.Thread] = []
    sent: list[int] = []

    def send(item: int) -> None:
        threads.append(threading.current_thread())
        sent.append(item)

    fan_out_sync(send, ITEMS, 1)
    assert sent == ITEMS
    assert set(threads) == {threading.current_thread()}


@pytest.mark.parametrize("max_concurrency", [2, 4])
def test_sync_runs_up_to_max_concurrency_at_once(max_concurrency: int) -> None:
    probe = InFlight()
    fan_out_sync(sync_sender(probe, hold=HOLD), ITEMS[:12], max_concurrency)
    assert probe.peak == max_concurrency
    assert probe.now == 0


def test_sync_exception_from_send_propagates_after_running_sends_end() -> None:
    probe = InFlight()
    with pytest.raises(Boom):
        fan_out_sync(sync_sender(probe, hold=HOLD, fail_on=2), ITEMS, 3)
    assert probe.now == 0  # no worker still sending
    assert len(probe.sent) < len(ITEMS)  # sends not yet started were cancelled
    assert Counter(probe.sent).most_common(1)[0][1] == 1


def test_sync_exception_from_send_propagates_with_one_slot() -> None:
    probe = InFlight()
    with pytest.raises(Boom):
        fan_out_sync(sync_sender(probe, fail_on=5), ITEMS, 1)
    assert probe.sent == ITEMS[:6]


def test_sync_with_no_items_sends_nothing() -> None:
    fan_out_sync(sync_sender(InFlight(), fail_on=0), [], 4)


@pytest.mark.parametrize("bad", [0, -1, True])
def test_sync_refuses_a_bad_max_concurrency(bad: int) -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        fan_out_sync(sync_sender(InFlight()), ITEMS, bad)


# -- asyncio ------------------------------------------------------------------------------------


def async_sender(probe: InFlight, hold: float = 0.0, fail_on: int | None = None) -> Any:
    async def send(item: int) -> None:
        probe.enter(item)
        try:
            await asyncio.sleep(hold)
            if item == fail_on:
                raise Boom(item)
        finally:
            probe.leave()

    return send


@pytest.mark.parametrize("max_concurrency", [1, 3, 100])
async def test_async_sends_each_item_once(max_concurrency: int) -> None:
    probe = InFlight()
    await fan_out_async(async_sender(probe), ITEMS, max_concurrency)
    assert Counter(probe.sent) == Counter(ITEMS)


async def test_async_with_one_slot_keeps_the_items_order() -> None:
    probe = InFlight()
    await fan_out_async(async_sender(probe, hold=0.001), ITEMS, 1)
    assert probe.sent == ITEMS
    assert probe.peak == 1


@pytest.mark.parametrize("max_concurrency", [2, 4])
async def test_async_runs_up_to_max_concurrency_at_once(max_concurrency: int) -> None:
    probe = InFlight()
    await fan_out_async(async_sender(probe, hold=HOLD), ITEMS[:12], max_concurrency)
    assert probe.peak == max_concurrency
    assert probe.now == 0


async def test_async_exception_from_send_propagates_and_cancels_the_rest() -> None:
    probe = InFlight()
    before = asyncio.all_tasks()
    with pytest.raises(Boom):
        await fan_out_async(async_sender(probe, hold=HOLD, fail_on=2), ITEMS, 3)
    assert probe.now == 0  # no task still sending
    assert len(probe.sent) < len(ITEMS)
    assert Counter(probe.sent).most_common(1)[0][1] == 1
    assert asyncio.all_tasks() == before  # no task outlives the call


async def test_async_exception_from_send_propagates_with_one_slot() -> None:
    probe = InFlight()
    with pytest.raises(Boom):
        await fan_out_async(async_sender(probe, fail_on=5), ITEMS, 1)
    assert probe.sent == ITEMS[:6]


async def test_async_with_no_items_sends_nothing() -> None:
    await fan_out_async(async_sender(InFlight(), fail_on=0), [], 4)


@pytest.mark.parametrize("bad", [0, -1, True])
async def test_async_refuses_a_bad_max_concurrency(bad: int) -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        await fan_out_async(async_sender(InFlight()), ITEMS, bad)


# -- log_batch_all on both clients, with log_batch replaced -------------------------------------

RUN_ID = "0123456789abcdef0123456789abcdef"
#: 250 tags (3 ordered requests: 100 + 100 + 50 tags, the last one topped up with metrics),
#: then 5,000 metrics (5 or 6 unordered requests).
TAGS = [{"key": f"t{i:03d}", "value": "v"} for i in range(250)]
METRICS = [{"key": "m", "value": i, "step": i, "timestamp": 1} for i in range(5000)]


def refused() -> InvalidParameterValue:
    return InvalidParameterValue("refused", status_code=400, error_code="INVALID_PARAMETER_VALUE")


class RecordingClient(MlflowClient):
    def __init__(self, fail: bool = False) -> None:
        super().__init__("http://127.0.0.1:9")
        self.sent: list[Any] = []
        self.fail = fail
        self.lock = threading.Lock()

    def log_batch(self, request: Any = None, /, **kwargs: Any) -> Any:  # type: ignore[override]
        time.sleep(0.005)
        with self.lock:
            self.sent.append(request)
        if self.fail:
            raise refused()


class AsyncRecordingClient(AsyncMlflowClient):
    def __init__(self, fail: bool = False) -> None:
        super().__init__("http://127.0.0.1:9")
        self.sent: list[Any] = []
        self.fail = fail

    async def log_batch(self, request: Any = None, /, **kwargs: Any) -> Any:  # type: ignore[override]
        await asyncio.sleep(0.005)
        self.sent.append(request)
        if self.fail:
            raise refused()


def check_order(sent: list[Any], requests: int) -> None:
    assert len(sent) == requests
    tagged = [i for i, batch in enumerate(sent) if batch.tags]
    assert tagged == list(range(len(tagged)))  # tag requests first...
    assert [tag.key for batch in sent for tag in batch.tags] == [t["key"] for t in TAGS]
    assert sorted(m.step for batch in sent for m in batch.metrics) == list(range(5000))


def test_sync_log_batch_all_sends_tag_requests_first_in_order() -> None:
    with RecordingClient() as client:
        requests = client.log_batch_all(RUN_ID, metrics=METRICS, tags=TAGS, max_concurrency=4)
        check_order(client.sent, requests)


async def test_async_log_batch_all_sends_tag_requests_first_in_order() -> None:
    async with AsyncRecordingClient() as client:
        requests = await client.log_batch_all(RUN_ID, metrics=METRICS, tags=TAGS, max_concurrency=4)
        check_order(client.sent, requests)


def test_sync_log_batch_all_records_every_loss_from_worker_threads() -> None:
    with RecordingClient(fail=True) as client, pytest.raises(BatchLoggingError) as raised:
        client.log_batch_all(RUN_ID, metrics=METRICS * 4, max_concurrency=8)
    planned = sum(group.requests for group in raised.value.lost)
    assert planned == 20  # every request is accounted for, refused or not sent
    assert {group.reason for group in raised.value.lost} >= {NOT_SENT}
    assert raised.value.metric_keys == ["m"]


async def test_async_log_batch_all_records_every_loss() -> None:
    async with AsyncRecordingClient(fail=True) as client:
        with pytest.raises(BatchLoggingError) as raised:
            await client.log_batch_all(RUN_ID, metrics=METRICS * 4, max_concurrency=8)
    assert sum(group.requests for group in raised.value.lost) == 20
    assert raised.value.metric_keys == ["m"]
