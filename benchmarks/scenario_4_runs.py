"""Scenario 4: creating many runs, each with params and tags.

Each run is one ``create_run`` (with its tags) and one ``log_batch`` (its params), the same two
requests for every contender. The SDK's asyncio client keeps a bounded number of runs in flight;
MLflow's client goes one run after another, as its blocking API does. Every contender writes
into its own experiment, counted afterwards.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks.context import Context
from benchmarks.ids import experiment_id, run_id
from benchmarks.report import MLFLOW
from benchmarks.results import ScenarioResult
from benchmarks.servers import stock_server
from benchmarks.targets import Kind, Target
from benchmarks.timing import in_flight, rotate
from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

KEY = "4-runs"
TITLE = "creating runs with params and tags (stock server)"
CASE = "create runs"
PARAMS = 10
TAGS = 5

TARGETS = [
    Target(KEY, CASE, f"sdk {t}", Kind.AT_LEAST_RATIO, 4.0, (MLFLOW,), ">= 4x faster")
    for t in ("httpx-async", "aiohttp")
]


def _params(i: int) -> list[dict[str, str]]:
    return [{"key": f"param_{j}", "value": f"{i * j}"} for j in range(PARAMS)]


def _tags(i: int) -> list[dict[str, str]]:
    return [{"key": f"tag_{j}", "value": f"run {i} tag {j}"} for j in range(TAGS)]


def _sdk_async(url: str, transport: str, experiment: str, runs: int, concurrency: int) -> float:
    async def go() -> float:
        async with AsyncMlflowClient(url, transport=transport) as client:
            counter = iter(range(runs))

            async def one() -> None:
                i = next(counter)
                created = await client.create_run(
                    experiment_id=experiment,
                    run_name=f"run-{i}",
                    start_time=int(time.time() * 1000),
                    tags=_tags(i),
                )
                await client.log_batch(run_id=run_id(created), params=_params(i))

            started = time.perf_counter()
            await in_flight(one, runs, concurrency)
            return time.perf_counter() - started

    return asyncio.run(go())


def _sdk_sync(url: str, experiment: str, runs: int) -> float:
    with MlflowClient(url) as client:
        started = time.perf_counter()
        for i in range(runs):
            created = client.create_run(
                experiment_id=experiment,
                run_name=f"run-{i}",
                start_time=int(time.time() * 1000),
                tags=_tags(i),
            )
            client.log_batch(run_id=run_id(created), params=_params(i))
        return time.perf_counter() - started


def _official(url: str, experiment: str, runs: int) -> float:
    from mlflow.entities import Param
    from mlflow.tracking import MlflowClient as OfficialClient

    client = OfficialClient(tracking_uri=url)
    started = time.perf_counter()
    for i in range(runs):
        tags = {t["key"]: t["value"] for t in _tags(i)}
        run = client.create_run(experiment, tags=tags, run_name=f"run-{i}")
        client.log_batch(run.info.run_id, params=[Param(p["key"], p["value"]) for p in _params(i)])
    return time.perf_counter() - started


def run(ctx: Context) -> ScenarioResult:
    result = ScenarioResult(KEY, TITLE)
    sizes = ctx.sizes
    concurrency = sizes.runs_in_flight
    with stock_server(ctx.scratch("runs")) as server, MlflowClient(server.url) as checker:
        url = server.url
        contenders: dict[str, Any] = {
            "sdk httpx-async": lambda exp, n: _sdk_async(url, "httpx", exp, n, concurrency),
            "sdk aiohttp": lambda exp, n: _sdk_async(url, "aiohttp", exp, n, concurrency),
            MLFLOW: lambda exp, n: _official(url, exp, n),
        }
        if sizes.runs_blocking_sdk:
            contenders["sdk httpx-sync"] = lambda exp, n: _sdk_sync(url, exp, n)
        for name, create in contenders.items():  # warm up: imports, first connections
            create(experiment_id(checker.create_experiment(name=f"warm {name}")), 3)
        samples: dict[str, list[float]] = {}
        counted: dict[str, list[str]] = {}
        for round_index in range(sizes.runs_rounds):
            for name in rotate(list(contenders), round_index):
                runs = sizes.runs_official if name == MLFLOW else sizes.runs
                exp = experiment_id(checker.create_experiment(name=f"{name} {round_index}"))
                seconds = contenders[name](exp, runs)
                samples.setdefault(name, []).append(seconds * 1e3 / runs)
                stored = sum(1 for _run in checker.search_runs_iter(experiment_ids=[exp]))
                counted.setdefault(name, []).append(f"{stored}/{runs}")
    for name, values in samples.items():
        result.add(CASE, name, "ms/run", values, runs_stored=counted[name])
    result.facts["runs stored / created, per contender and round"] = ", ".join(
        f"{name} {' '.join(counted[name])}" for name in samples
    )
    result.notes.append(
        f"{sizes.runs:,} runs per SDK contender and round, {sizes.runs_official:,} for "
        f"MLflow's client ({sizes.runs_rounds} round(s)); figures are wall time per run. Each "
        f"run has {TAGS} tags at creation and {PARAMS} params in one log_batch; asyncio clients "
        f"keep {concurrency} runs in flight; the blocking clients go one after another."
    )
    return result
