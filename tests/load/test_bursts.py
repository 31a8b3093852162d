"""Bursts on one client against a 1-worker server: every call succeeds and acts exactly once.

Without the load limit, 100 concurrent creates on this server take about 60 s and a third of
them fail with the store's pool timeout (HTTP 400) or a connect timeout.
"""

from __future__ import annotations

import pytest
from tests.faults.proxy import Fault, FaultProxy, RandomFaults
from tests.load.bursts import (
    burst_create_runs,
    burst_log_batches,
    expected_names,
    new_experiment,
    new_run,
    stored_metric_count,
    stored_runs,
    threaded_create_runs,
)

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient
from mlflow_rest_sdk.local_server import LocalMlflowServer

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("single-worker-bursts")]

BURST = 100
FAULTS = {
    Fault.DROP_RESPONSE: 0.05,
    Fault.RESET: 0.05,
    Fault.SERVICE_UNAVAILABLE: 0.05,
    Fault.TOO_MANY_REQUESTS: 0.05,
}


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_a_burst_of_creates_on_one_async_client_all_succeed_once(
    single_worker_server: LocalMlflowServer, transport: str
) -> None:
    with MlflowClient(single_worker_server.url) as reader:
        experiment = new_experiment(reader)
        async with AsyncMlflowClient(single_worker_server.url, transport=transport) as client:
            await burst_create_runs(client, experiment, BURST)
            assert client.load_stats.in_flight == 0
        assert stored_runs(reader, experiment) == expected_names(BURST)


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_a_burst_of_log_batches_on_one_async_client_stores_every_metric(
    single_worker_server: LocalMlflowServer, transport: str
) -> None:
    with MlflowClient(single_worker_server.url) as reader:
        run_id = new_run(reader)
        async with AsyncMlflowClient(single_worker_server.url, transport=transport) as client:
            await burst_log_batches(client, run_id, BURST)
        assert stored_metric_count(reader, run_id) == BURST * 10


def test_a_burst_of_creates_from_many_threads_on_one_blocking_client_all_succeed_once(
    single_worker_server: LocalMlflowServer,
) -> None:
    with MlflowClient(single_worker_server.url) as client:
        experiment = new_experiment(client)
        threaded_create_runs(client, experiment, BURST)
        assert client.load_stats.peak_in_flight <= client.config.transport.limits.max_connections
        assert stored_runs(client, experiment) == expected_names(BURST)


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_a_burst_of_creates_through_faults_all_succeed_once(
    single_worker_server: LocalMlflowServer, transport: str
) -> None:
    plan = RandomFaults(FAULTS, seed=7, path_prefixes=("/api/2.0/mlflow/runs/create",))
    with (
        MlflowClient(single_worker_server.url) as reader,
        FaultProxy(single_worker_server.url, plan) as proxy,
    ):
        experiment = new_experiment(reader)
        async with AsyncMlflowClient(proxy.url, transport=transport) as client:
            await burst_create_runs(client, experiment, BURST)
        assert stored_runs(reader, experiment) == expected_names(BURST)
