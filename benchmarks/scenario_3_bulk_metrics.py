"""Scenario 3: logging many metrics to one run, against what the server itself can store.

The ceiling is the server's capacity: pre-serialized log-batch requests of 1000 metrics sent by
raw httpx with 1, 2, 4 and 8 in flight on fresh connections; the best of them is the reference.
Each contender logs the same values to its own new run, then the run is read back to check
that everything was stored (outside the timed part).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks.context import SDK_TRANSPORTS, Context
from benchmarks.ids import experiment_id, run_id
from benchmarks.report import MLFLOW
from benchmarks.results import ScenarioResult
from benchmarks.servers import InstantServer, stock_server
from benchmarks.targets import Kind, Target
from benchmarks.timing import rotate, time_sync
from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

KEY = "3-bulk-metrics"
TITLE = "logging many metrics to one run (stock server)"
CASE = "log metrics"
CLIENT_COST = "client cost per 1000-metric request (instant server)"
CAPACITY = tuple(f"raw capacity x{k}" for k in (1, 2, 4, 8))
BATCH = 1000

TARGETS = [
    Target(KEY, CASE, f"sdk {t}", Kind.AT_LEAST_RATIO, 0.9, CAPACITY, ">= 90% of capacity")
    for t in SDK_TRANSPORTS
]

Metrics = list[dict[str, Any]]


def _metrics(count: int, keys: int) -> Metrics:
    """``count`` values, step-major like a training loop: every key at step 0, then step 1..."""
    base = int(time.time() * 1000)
    return [
        {
            "key": f"k{i % keys}",
            "value": (i % 997) / 7.0,
            "timestamp": base + i // keys,
            "step": i // keys,
        }
        for i in range(count)
    ]


def _sdk_sync(url: str, run_id: str, metrics: Metrics) -> float:
    with MlflowClient(url) as client:
        started = time.perf_counter()
        client.log_batch_all(run_id, metrics=metrics)
        return time.perf_counter() - started


def _sdk_async(url: str, transport: str, run_id: str, metrics: Metrics) -> float:
    async def go() -> float:
        async with AsyncMlflowClient(url, transport=transport) as client:
            started = time.perf_counter()
            await client.log_batch_all(run_id, metrics=metrics)
            return time.perf_counter() - started

    return asyncio.run(go())


def _official(url: str, run_id: str, metrics: Metrics) -> float:
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient as OfficialClient

    client = OfficialClient(tracking_uri=url)
    entities = [Metric(m["key"], m["value"], m["timestamp"], m["step"]) for m in metrics]
    started = time.perf_counter()
    for start in range(0, len(entities), BATCH):
        client.log_batch(run_id, metrics=entities[start : start + BATCH])
    return time.perf_counter() - started


def _raw(url: str, run_id: str, metrics: Metrics, in_flight: int) -> float:
    bodies = [
        json.dumps({"run_id": run_id, "metrics": metrics[start : start + BATCH]}).encode()
        for start in range(0, len(metrics), BATCH)
    ]
    headers = {"Connection": "close", "Content-Type": "application/json"}

    async def go() -> float:
        pending = list(reversed(bodies))
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:

            async def worker() -> None:
                while pending:
                    body = pending.pop()
                    response = await client.post("/api/2.0/mlflow/runs/log-batch", content=body)
                    response.raise_for_status()

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(in_flight)))
            return time.perf_counter() - started

    return asyncio.run(go())


def _contenders(url: str) -> dict[str, Callable[[str, Metrics], float]]:
    contenders: dict[str, Callable[[str, Metrics], float]] = {
        "sdk httpx-sync": lambda run_id, m: _sdk_sync(url, run_id, m),
        "sdk httpx-async": lambda run_id, m: _sdk_async(url, "httpx", run_id, m),
        "sdk aiohttp": lambda run_id, m: _sdk_async(url, "aiohttp", run_id, m),
        MLFLOW: lambda run_id, m: _official(url, run_id, m),
    }
    for name, k in zip(CAPACITY, (1, 2, 4, 8), strict=True):
        contenders[name] = lambda run_id, m, k=k: _raw(url, run_id, m, k)  # type: ignore[misc]
    return contenders


def _stored(client: MlflowClient, run: str, keys: int, steps: int) -> bool:
    """The first and last key hold every step, and every key's latest value is the last step."""
    for key in {"k0", f"k{keys - 1}"}:
        history = list(client.get_metric_history_iter(run_id=run, metric_key=key))
        if sorted(m.step or 0 for m in history) != list(range(steps)):
            return False
    found = client.get_run(run_id=run).run
    latest = (found.data.metrics if found is not None and found.data is not None else None) or []
    return len(latest) == keys and all(m.step == steps - 1 for m in latest)


def _client_cost(result: ScenarioResult, metrics: Metrics, rounds: int) -> None:
    """Each client's own cost for one 1000-metric request, against the instant server: what
    it takes from the two cores that the MLflow server would otherwise have."""
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient as OfficialClient

    batch = metrics[:BATCH]
    entities = [Metric(m["key"], m["value"], m["timestamp"], m["step"]) for m in batch]
    run = "0" * 32
    with InstantServer() as server, MlflowClient(server.url) as sdk:
        official = OfficialClient(tracking_uri=server.url)
        raw = httpx.Client(base_url=server.url)
        calls: dict[str, Callable[[], Any]] = {
            "sdk httpx-sync": lambda: sdk.log_batch_all(run, metrics=batch),
            MLFLOW: lambda: official.log_batch(run, metrics=entities),
            "raw httpx (json.dumps + post)": lambda: raw.post(
                "/api/2.0/mlflow/runs/log-batch",
                content=json.dumps({"run_id": run, "metrics": batch}),
            ),
        }
        samples: dict[str, list[float]] = {}
        try:
            for call in calls.values():
                time_sync(call, 2)
            for round_index in range(rounds):
                for name in rotate(list(calls), round_index):
                    samples.setdefault(name, []).append(time_sync(calls[name], 10) * 1e3)
        finally:
            raw.close()
    for name, values in samples.items():
        result.add(CLIENT_COST, name, "ms/1k metrics", values)


def run(ctx: Context) -> ScenarioResult:
    result = ScenarioResult(KEY, TITLE)
    sizes = ctx.sizes
    metrics = _metrics(sizes.metrics, sizes.metric_keys)
    capacity_metrics = metrics[: sizes.capacity_metrics]
    steps = sizes.metrics // sizes.metric_keys
    with stock_server(ctx.scratch("bulk")) as server, MlflowClient(server.url) as checker:
        contenders = _contenders(server.url)
        experiment = experiment_id(checker.create_experiment(name="bench-bulk"))
        # Warm up every contender (imports, first connections) on a small run of its own.
        for name, log in contenders.items():
            warm = checker.create_run(experiment_id=experiment, run_name=f"warm {name}")
            log(run_id(warm), metrics[:BATCH])
        samples: dict[str, list[float]] = {}
        verified: dict[str, bool] = {}
        for round_index in range(sizes.metrics_rounds):
            for name in rotate(list(contenders), round_index):
                sent = capacity_metrics if name in CAPACITY else metrics
                new_run = run_id(checker.create_run(experiment_id=experiment, run_name=name))
                seconds = contenders[name](new_run, sent)
                samples.setdefault(name, []).append(seconds * 1e3 * BATCH / len(sent))
                ok = _stored(checker, new_run, sizes.metric_keys, len(sent) // sizes.metric_keys)
                verified[name] = verified.get(name, True) and ok
    for name, values in samples.items():
        rate = BATCH / (min(values) / 1e3)
        count = sizes.capacity_metrics if name in CAPACITY else sizes.metrics
        result.add(
            CASE,
            name,
            "ms/1k metrics",
            values,
            stored_all=verified[name],
            metrics=count,
            best_metrics_per_s=rate,
        )
    _client_cost(result, metrics, max(3, sizes.metrics_rounds))
    result.facts["every metric stored (checked per contender)"] = ", ".join(
        f"{name} {'yes' if ok else 'NO'}" for name, ok in verified.items()
    )
    result.notes.append(
        f"{sizes.metrics:,} metrics ({sizes.metric_keys} keys x {steps:,} steps) per contender "
        f"and round, {sizes.metrics_rounds} round(s), each to a new run; requests of {BATCH} "
        "metrics; the SDK's log_batch_all keeps its default 4 requests in flight (worker "
        "threads on the blocking client, tasks on the asyncio clients)."
    )
    result.notes.append(
        "MlflowClient.log_batch in chunks of 1000 (Metric objects built before timing); raw "
        "capacity: pre-serialized bodies, `Connection: close`, k requests in flight, "
        f"{sizes.capacity_metrics:,} metrics per level. Figures are wall time per 1000 "
        "metrics, so contenders and probes of different sizes compare as throughput."
    )
    result.notes.append(
        f"'{CLIENT_COST}': one {BATCH}-metric request to the instant server, 10 per sample; "
        "the SDK through log_batch_all (planning and validation included), MlflowClient with "
        "prebuilt Metric objects."
    )
    return result
