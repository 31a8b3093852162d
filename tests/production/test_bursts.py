"""Bursts on one async client against PostgreSQL + S3 + 4 workers: all succeed, each acts once."""

from __future__ import annotations

import pytest
from tests._infra.topology import ProductionTopology
from tests.load.bursts import (
    burst_create_runs,
    burst_log_batches,
    expected_names,
    new_experiment,
    new_run,
    stored_metric_count,
    stored_runs,
)

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

BURST = 100


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_a_burst_of_creates_all_succeed_once(
    production_server: ProductionTopology, transport: str
) -> None:
    with MlflowClient(production_server.url) as reader:
        experiment = new_experiment(reader)
        async with AsyncMlflowClient(production_server.url, transport=transport) as client:
            await burst_create_runs(client, experiment, BURST)
        assert stored_runs(reader, experiment) == expected_names(BURST)


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_a_burst_of_log_batches_stores_every_metric(
    production_server: ProductionTopology, transport: str
) -> None:
    with MlflowClient(production_server.url) as reader:
        run_id = new_run(reader)
        async with AsyncMlflowClient(production_server.url, transport=transport) as client:
            await burst_log_batches(client, run_id, BURST)
        assert stored_metric_count(reader, run_id) == BURST * 10
