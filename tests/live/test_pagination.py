"""``*_iter`` methods walk every page against the real server, on every transport."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

RUNS = 2500
MODELS = 250
CONCURRENCY = 16


async def _create_runs(tracking_uri: str, experiment_id: str) -> None:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with AsyncMlflowClient(tracking_uri) as client:

        async def one(index: int) -> None:
            async with limit:
                await client.create_run(experiment_id=experiment_id, run_name=f"run-{index:04d}")

        await asyncio.gather(*(one(i) for i in range(RUNS)))


async def _create_models(tracking_uri: str, prefix: str) -> None:
    limit = asyncio.Semaphore(CONCURRENCY)
    async with AsyncMlflowClient(tracking_uri) as client:

        async def one(index: int) -> None:
            async with limit:
                await client.create_registered_model(name=f"{prefix}-{index:03d}")

        await asyncio.gather(*(one(i) for i in range(MODELS)))


@pytest.fixture(scope="module")
def many_runs(tracking_uri: str) -> str:
    """An experiment holding 2,500 runs (created once for the module)."""
    with MlflowClient(tracking_uri) as client:
        experiment_id = client.create_experiment(name=f"pages-{uuid.uuid4().hex}").experiment_id
    assert experiment_id is not None
    asyncio.run(_create_runs(tracking_uri, experiment_id))
    return experiment_id


@pytest.fixture(scope="module")
def many_models(tracking_uri: str) -> str:
    """A name prefix shared by 250 registered models (created once for the module)."""
    prefix = f"pages-model-{uuid.uuid4().hex[:12]}"
    asyncio.run(_create_models(tracking_uri, prefix))
    return prefix


def _run_names_sync(tracking_uri: str, experiment_id: str, **kwargs: int) -> list[str]:
    with MlflowClient(tracking_uri) as client:
        return [
            run.info.run_name or ""
            for run in client.search_runs_iter(experiment_ids=[experiment_id], **kwargs)
            if run.info is not None
        ]


def _run_names_async(
    tracking_uri: str, transport: str, experiment_id: str, **kwargs: int
) -> list[str]:
    async def walk() -> list[str]:
        async with AsyncMlflowClient(tracking_uri, transport=transport) as client:
            return [
                run.info.run_name or ""
                async for run in client.search_runs_iter(experiment_ids=[experiment_id], **kwargs)
                if run.info is not None
            ]

    return asyncio.run(walk())


WALKERS: dict[str, Callable[..., list[str]]] = {
    "httpx-sync": _run_names_sync,
    "httpx-async": lambda uri, exp, **kw: _run_names_async(uri, "httpx", exp, **kw),
    "aiohttp-async": lambda uri, exp, **kw: _run_names_async(uri, "aiohttp", exp, **kw),
}


@pytest.mark.parametrize("transport", sorted(WALKERS))
def test_search_runs_iter_yields_all_2500_runs_across_pages(
    transport: str, tracking_uri: str, many_runs: str
) -> None:
    names = WALKERS[transport](tracking_uri, many_runs, max_results=400)
    assert len(names) == RUNS
    assert sorted(names) == [f"run-{i:04d}" for i in range(RUNS)]


@pytest.mark.parametrize("transport", sorted(WALKERS))
def test_max_items_stops_the_walk_early(transport: str, tracking_uri: str, many_runs: str) -> None:
    names = WALKERS[transport](tracking_uri, many_runs, max_results=100, max_items=150)
    assert len(names) == 150
    assert len(set(names)) == 150


def test_search_registered_models_iter_yields_all_250_models(
    tracking_uri: str, many_models: str
) -> None:
    with MlflowClient(tracking_uri) as client:
        names = [
            model.name
            for model in client.search_registered_models_iter(
                filter=f"name LIKE '{many_models}-%'", max_results=100
            )
        ]
    assert sorted(n or "" for n in names) == [f"{many_models}-{i:03d}" for i in range(MODELS)]


async def test_async_registered_model_pages_match_the_sync_walk(
    tracking_uri: str, many_models: str
) -> None:
    for transport in ("httpx", "aiohttp"):
        async with AsyncMlflowClient(tracking_uri, transport=transport) as client:
            names = [
                model.name
                async for model in client.search_registered_models_iter(
                    filter=f"name LIKE '{many_models}-%'", max_results=60
                )
            ]
        assert len(names) == MODELS, transport
        assert len(set(names)) == MODELS, transport
