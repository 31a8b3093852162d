"""The asyncio client's run logger against the real server, on both asyncio transports."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient
from mlflow_rest_sdk.batching import BatchLoggingError

from .conftest import metric_history, stored_params_and_tags
from .gates import AsyncGatedTransport

#: 100,000 values (10 keys x 10,000 steps) on aiohttp; on httpx-async a fifth of that, to keep
#: the suite's time in bounds on a loaded two-core machine (see docs/batching.md, measurements).
VOLUMES = [
    pytest.param("aiohttp", 10_000, id="aiohttp-100k"),
    pytest.param("httpx", 2_000, id="httpx-20k"),
]
KEYS = 10


@pytest.mark.parametrize(("transport", "steps"), VOLUMES)
async def test_metrics_through_the_async_logger_are_all_stored(
    transport: str, steps: int, tracking_uri: str, client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    async with AsyncMlflowClient(tracking_uri, transport=transport) as api:
        async with api.run_logger(run_id) as logger:
            for step in range(steps):
                for k in range(KEYS):
                    await logger.log_metric(f"metric_{k}", step + k / 100, step=step)

        async def history(k: int) -> list[tuple[int | None, float | None]]:
            return [
                (m.step, m.value)
                async for m in api.get_metric_history_iter(
                    run_id=run_id, metric_key=f"metric_{k}", max_results=5000
                )
            ]

        histories = await asyncio.gather(*(history(k) for k in range(KEYS)))
    for k, stored in enumerate(histories):
        assert sorted(stored) == [(step, step + k / 100) for step in range(steps)]


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_params_and_tags_through_the_async_logger_are_stored(
    transport: str, tracking_uri: str, client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    async with (
        AsyncMlflowClient(tracking_uri, transport=transport) as api,
        api.run_logger(run_id, batch_size=40, max_concurrency=4) as logger,
    ):
        await logger.log_params({f"p{i}": i for i in range(120)})
        for i in range(130):  # tag requests are sent in order even with concurrency
            await logger.set_tag("phase", f"epoch-{i}")
            await logger.log_metric("loss", 1.0 / (i + 1), step=i)
    params, tags = stored_params_and_tags(client, run_id)
    assert params == {f"p{i}": str(i) for i in range(120)}
    assert tags["phase"] == "epoch-129"
    assert len(metric_history(client, run_id, "loss")) == 130


async def test_log_metric_waits_when_the_queue_is_full(
    tracking_uri: str, client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    transport = AsyncGatedTransport()
    accepted = 0
    async with (
        AsyncMlflowClient(tracking_uri, transport=transport) as api,
        api.run_logger(run_id, batch_size=2, max_queue_size=4, flush_interval=60) as logger,
    ):

        async def produce() -> None:
            nonlocal accepted
            for step in range(20):
                await logger.log_metric("loss", float(step), step=step)
                accepted += 1

        producer = asyncio.create_task(produce())
        for _ in range(600):
            if accepted >= 4:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # time enough to take more, if it could
        # Four values accepted and not yet stored is the bound: the fifth waits.
        assert not producer.done()
        assert accepted == 4
        transport.gate.set()
        await asyncio.wait_for(producer, 60)
    assert len(metric_history(client, run_id, "loss")) == 20


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_flush_on_a_deleted_run_raises_naming_the_lost_keys(
    transport: str, tracking_uri: str, client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    client.delete_run(run_id=run_id)
    async with AsyncMlflowClient(tracking_uri, transport=transport) as api:
        logger = api.run_logger(run_id, batch_size=3)
        for step in range(5):
            await logger.log_metric("loss", 1.0 / (step + 1), step=step)
        await logger.set_tag("phase", "train")
        with pytest.raises(BatchLoggingError, match="'active' state") as caught:
            await logger.flush()
        assert caught.value.metric_keys == ["loss"]
        assert caught.value.tag_keys == ["phase"]
        assert sum(group.metrics["loss"].count for group in caught.value.lost) == 5
        await logger.aclose()
