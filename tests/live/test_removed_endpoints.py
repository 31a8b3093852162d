"""``GET /api/2.0/mlflow/experiments/list`` was removed in MLflow 2.0; search replaces it.

The SDK has no method for the removed route, so the request goes through the transport that the
client of this test run uses, one level below the client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk._runtime._async.httpx_transport import AsyncHttpxTransport
from mlflow_rest_sdk._runtime._sync.httpx_transport import HttpxTransport
from mlflow_rest_sdk._runtime.aiohttp_transport import AiohttpTransport
from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse

LIST_EXPERIMENTS_PATH = "/api/2.0/mlflow/experiments/list"


def _send(transport_kind: str, request: HttpRequest) -> HttpResponse:
    if transport_kind == "httpx-sync":
        transport = HttpxTransport()
        try:
            return transport.send(request)
        finally:
            transport.close()

    async def send_async() -> HttpResponse:
        async_transport = (
            AsyncHttpxTransport() if transport_kind == "httpx-async" else AiohttpTransport()
        )
        try:
            return await async_transport.send(request)
        finally:
            await async_transport.aclose()

    return asyncio.run(send_async())


def test_removed_list_experiments_endpoint_answers_404(
    transport_kind: str, tracking_uri: str
) -> None:
    request = HttpRequest(
        method="GET",
        url=f"{tracking_uri}{LIST_EXPERIMENTS_PATH}",
        params=[("max_results", "10")],
        headers={"Accept": "application/json"},
    )

    response = _send(transport_kind, request)

    assert response.status_code == 404


def test_search_experiments_lists_what_list_experiments_used_to(
    api: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    prefix = unique_name("listed")
    created = {api.create_experiment(name=f"{prefix}-{i}").experiment_id for i in range(3)}

    found = api.search_experiments(filter=f"name LIKE '{prefix}-%'", max_results=10).experiments

    assert {experiment.experiment_id for experiment in found} == created
