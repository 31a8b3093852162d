"""Bursts of concurrent calls on one client, and what they left on the server."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient


async def burst_create_runs(client: AsyncMlflowClient, experiment_id: str, count: int) -> None:
    await asyncio.gather(
        *(client.create_run(experiment_id=experiment_id, run_name=f"run-{i}", start_time=1)
          for i in range(count))
    )  # fmt: skip


async def burst_log_batches(client: AsyncMlflowClient, run_id: str, count: int) -> None:
    """``count`` log_batch calls of 10 metrics each, keys distinct across calls."""
    await asyncio.gather(
        *(client.log_batch(run_id=run_id, metrics=metrics(call)) for call in range(count))
    )


def threaded_create_runs(client: MlflowClient, experiment_id: str, count: int) -> None:
    def create(i: int) -> None:
        client.create_run(experiment_id=experiment_id, run_name=f"run-{i}", start_time=1)

    with ThreadPoolExecutor(32) as pool:
        list(pool.map(create, range(count)))


def metrics(call: int) -> list[dict[str, object]]:
    return [
        {"key": f"m{call}-{j}", "value": float(j), "timestamp": 1, "step": 0} for j in range(10)
    ]


def stored_runs(client: MlflowClient, experiment_id: str) -> list[str]:
    return sorted(
        run.info.run_name or ""
        for run in client.search_runs_iter(experiment_ids=[experiment_id], max_results=1000)
        if run.info is not None
    )


def expected_names(count: int) -> list[str]:
    return sorted(f"run-{i}" for i in range(count))


def new_experiment(client: MlflowClient) -> str:
    return client.create_experiment(name=f"burst-{uuid.uuid4().hex}").experiment_id


def new_run(client: MlflowClient) -> str:
    run = client.create_run(experiment_id=new_experiment(client), start_time=1).run
    assert run is not None and run.info is not None and run.info.run_id is not None
    return run.info.run_id


def stored_metric_count(client: MlflowClient, run_id: str) -> int:
    stored = client.get_run(run_id=run_id).run
    assert stored is not None and stored.data is not None
    return len(stored.data.metrics or [])
