"""Scenario 2: sequential latency per call against the stock ``mlflow server`` (4 workers).

Every contender makes the same calls one at a time, interleaved in this process, in an order
rotated each round. Raw httpx on one kept-alive connection and on a fresh ``Connection: close``
request per call bound what HTTP itself costs; the client ports each contender opened (from
/proc/net/tcp) show whether it reuses its connection.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from benchmarks.context import SDK_TRANSPORTS, Context
from benchmarks.ids import experiment_id, run_id
from benchmarks.netstat import peer_ports
from benchmarks.report import MLFLOW
from benchmarks.results import ScenarioResult
from benchmarks.servers import STOCK_WORKERS, stock_server
from benchmarks.targets import Kind, Target
from benchmarks.timing import rotate
from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

KEY = "2-latency"
TITLE = "sequential latency per call (stock mlflow server, 4 workers, sqlite)"
RAW_REUSED = "raw httpx reused"
RAW_FRESH = "raw httpx fresh"
OPERATIONS = ("get_experiment", "log_metric", "search_runs")
SEARCH_RUNS = 20
MS = 1e3

TARGETS = [
    target
    for operation in OPERATIONS
    for transport in SDK_TRANSPORTS
    for target in (
        Target(
            KEY, operation, f"sdk {transport}", Kind.AT_LEAST_RATIO, 5.0, (MLFLOW,), ">= 5x faster"
        ),
        Target(
            KEY,
            operation,
            f"sdk {transport}",
            Kind.AT_MOST_RATIO,
            1.3,
            (RAW_FRESH,),
            "<= 1.3x fresh-connection request",
        ),
    )
]

#: One call of an operation; the int is the call's index (a distinct step for log_metric).
Call = Callable[[int], Any]
Batch = Callable[[int], list[float]]


def _sync_batch(call: Call) -> Batch:
    def batch(n: int) -> list[float]:
        latencies = []
        for i in range(n):
            started = time.perf_counter()
            call(i)
            latencies.append((time.perf_counter() - started) * MS)
        return latencies

    return batch


def _async_batch(loop: asyncio.AbstractEventLoop, call: Callable[[int], Awaitable[Any]]) -> Batch:
    async def timed(n: int) -> list[float]:
        latencies = []
        for i in range(n):
            started = time.perf_counter()
            await call(i)
            latencies.append((time.perf_counter() - started) * MS)
        return latencies

    return lambda n: loop.run_until_complete(timed(n))


class _Ids:
    """The experiment and run every contender reads and writes."""

    def __init__(self, url: str) -> None:
        with MlflowClient(url) as client:
            self.experiment_id = experiment_id(client.create_experiment(name="bench-latency"))
            now = int(time.time() * 1000)
            for i in range(SEARCH_RUNS):
                created = client.create_run(experiment_id=self.experiment_id, start_time=now)
                client.log_batch(
                    run_id=run_id(created),
                    params=[{"key": f"p{j}", "value": str(i)} for j in range(5)],
                    metrics=[
                        {"key": f"m{j}", "value": i * 0.1, "timestamp": now, "step": 0}
                        for j in range(5)
                    ],
                    tags=[{"key": "index", "value": str(i)}],
                )
            self.run_id = run_id(
                client.create_run(experiment_id=self.experiment_id, start_time=now)
            )


def _raw(client: httpx.Client, ids: _Ids) -> dict[str, Call]:
    def log(i: int) -> Any:
        body = {"run_id": ids.run_id, "key": "raw", "value": 0.5, "timestamp": i, "step": i}
        return client.post("/api/2.0/mlflow/runs/log-metric", json=body).raise_for_status().json()

    return {
        "get_experiment": lambda i: (
            client.get(
                "/api/2.0/mlflow/experiments/get", params={"experiment_id": ids.experiment_id}
            )
            .raise_for_status()
            .json()
        ),
        "log_metric": log,
        "search_runs": lambda i: (
            client.post(
                "/api/2.0/mlflow/runs/search",
                json={"experiment_ids": [ids.experiment_id], "max_results": 100},
            )
            .raise_for_status()
            .json()
        ),
    }


def _contenders(
    url: str, ids: _Ids, loop: asyncio.AbstractEventLoop
) -> tuple[dict[str, dict[str, Batch]], list[Callable[[], Any]]]:
    from mlflow.tracking import MlflowClient as OfficialClient

    sdk = MlflowClient(url)
    official = OfficialClient(tracking_uri=url)
    reused = httpx.Client(base_url=url)
    fresh = httpx.Client(base_url=url, headers={"Connection": "close"})
    exp, run = ids.experiment_id, ids.run_id
    sync_calls: dict[str, dict[str, Call]] = {
        "sdk httpx-sync": {
            "get_experiment": lambda i: sdk.get_experiment(experiment_id=exp),
            "log_metric": lambda i: sdk.log_metric(
                run_id=run, key="sdk", value=0.5, timestamp=i, step=i
            ),
            "search_runs": lambda i: sdk.search_runs(experiment_ids=[exp], max_results=100),
        },
        MLFLOW: {
            "get_experiment": lambda i: official.get_experiment(exp),
            "log_metric": lambda i: official.log_metric(run, "official", 0.5, i, i),
            "search_runs": lambda i: official.search_runs([exp], max_results=100),
        },
        RAW_REUSED: _raw(reused, ids),
        RAW_FRESH: _raw(fresh, ids),
    }
    batches = {
        name: {op: _sync_batch(c) for op, c in ops.items()} for name, ops in sync_calls.items()
    }
    closers: list[Callable[[], Any]] = [sdk.close, reused.close, fresh.close]
    for transport in ("httpx", "aiohttp"):
        client = loop.run_until_complete(_make_async(url, transport))
        name = "sdk httpx-async" if transport == "httpx" else "sdk aiohttp"
        batches[name] = _async_operations(loop, client, ids)
        closers.append(_closer(loop, client))
    return batches, closers


def _async_operations(
    loop: asyncio.AbstractEventLoop, client: AsyncMlflowClient, ids: _Ids
) -> dict[str, Batch]:
    exp, run = ids.experiment_id, ids.run_id

    async def get_experiment(i: int) -> Any:
        return await client.get_experiment(experiment_id=exp)

    async def log_metric(i: int) -> Any:
        return await client.log_metric(run_id=run, key="sdk", value=0.5, timestamp=i, step=i)

    async def search_runs(i: int) -> Any:
        return await client.search_runs(experiment_ids=[exp], max_results=100)

    return {
        "get_experiment": _async_batch(loop, get_experiment),
        "log_metric": _async_batch(loop, log_metric),
        "search_runs": _async_batch(loop, search_runs),
    }


def _closer(loop: asyncio.AbstractEventLoop, client: AsyncMlflowClient) -> Callable[[], None]:
    return lambda: loop.run_until_complete(client.aclose())


async def _make_async(url: str, transport: str) -> AsyncMlflowClient:
    return AsyncMlflowClient(url, transport=transport)


def run(ctx: Context) -> ScenarioResult:
    result = ScenarioResult(KEY, TITLE)
    sizes = ctx.sizes
    loop = asyncio.new_event_loop()
    with stock_server(ctx.scratch("latency")) as server:
        ids = _Ids(server.url)
        batches, closers = _contenders(server.url, ids, loop)
        samples: dict[tuple[str, str], list[float]] = {}
        opened = dict.fromkeys(batches, 0)
        try:
            for operations in batches.values():  # warm up: imports, first connection
                for batch in operations.values():
                    batch(3)
            for round_index in range(sizes.latency_rounds):
                for contender in rotate(list(batches), round_index):
                    before = peer_ports(server.port)
                    for operation, batch in batches[contender].items():
                        latencies = batch(sizes.latency_calls)
                        samples.setdefault((operation, contender), []).extend(latencies)
                    opened[contender] += len(peer_ports(server.port) - before)
        finally:
            for close in closers:
                close()
            loop.close()
    calls = sizes.latency_rounds * sizes.latency_calls * len(OPERATIONS)
    for operation in OPERATIONS:
        for contender in batches:
            result.add(
                operation,
                contender,
                "ms/call",
                samples[(operation, contender)],
                connections_opened=opened[contender],
            )
    result.facts["connections opened per contender (for all its calls)"] = ", ".join(
        f"{name} {count}/{calls}" for name, count in opened.items()
    )
    result.notes.append(
        f"mlflow server defaults (uvicorn, sqlite), {STOCK_WORKERS} workers; "
        f"{sizes.latency_rounds} rounds x {sizes.latency_calls} calls per contender and "
        "operation; each sample is one call; search_runs reads "
        f"{SEARCH_RUNS} runs (max_results=100)."
    )
    result.notes.append(
        "MlflowClient with its defaults (MLFLOW_HTTP_REQUEST_MAX_RETRIES=7, timeout 120 s, "
        "a requests.Session per host); the SDK with its defaults (RetryPolicy(), keep-alive pool)."
    )
    return result
