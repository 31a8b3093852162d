"""Bursts on one async client against PostgreSQL + S3 + 4 workers: all succeed, each acts once."""

from __future__ import annotations

import uuid

import pytest
from tests._infra.topology import ProductionTopology
from tests.load.bursts import burst_create_runs, burst_log_batches, expected_names, stored_runs

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

BURST = 100


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_a_burst_of_creates_all_succeed_once(
    production_server: ProductionTopology, transport: str
) -> None:
    with MlflowClient(production_server.url) as reader:
        experiment = reader.create_experiment(name=f"burst-{uuid.uuid4().hex}").experiment_id
        async with AsyncMlflowClient(production_server.url, transport=transport) as client:
            await burst_create_runs(client, experiment, BURST)
        assert stored_runs(reader, experiment) == expected_names(BURST)


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_a_burst_of_log_batches_stores_every_metric(
    production_server: ProductionTopology, transport: str
) -> None:
    with MlflowClient(production_server.url) as reader:
        experiment = reader.create_experiment(name=f"burst-{uuid.uuid4().hex}").experiment_id
        run = reader.create_run(experiment_id=experiment, start_time=1).run
        assert run is not None and run.info is not None and run.info.run_id is not None
        async with AsyncMlflowClient(production_server.url, transport=transport) as client:
            await burst_log_batches(client, run.info.run_id, BURST)
        stored = reader.get_run(run_id=run.info.run_id).run
        assert stored is not None and stored.data is not None
        assert len(stored.data.metrics or []) == BURST * 10
