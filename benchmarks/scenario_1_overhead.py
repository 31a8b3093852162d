"""Scenario 1: what a call costs the client, against a server that answers at once.

The instant server (a separate process) makes the server's share next to nothing, so the time
per call is the client's: building and validating the request, the HTTP round trip on a kept-
alive loopback connection, decoding and validating the answer. All contenders run interleaved
in this process, in an order rotated each round.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from benchmarks.context import Context
from benchmarks.netstat import peer_ports
from benchmarks.report import MLFLOW
from benchmarks.results import ScenarioResult
from benchmarks.servers import InstantServer
from benchmarks.targets import Kind, Target
from benchmarks.timing import rotate, time_async, time_sync
from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

KEY = "1-overhead"
TITLE = "client overhead per call (instant loopback server)"
RAW = "raw httpx"
SDK_SYNC = "sdk httpx-sync"
RUN_ID = "0123456789abcdef0123456789abcdef"
TIMESTAMP = 1_700_000_000_000
US = 1e6

TARGETS = [
    target
    for case in ("log_metric sync", "get_run sync")
    for target in (
        Target(KEY, case, SDK_SYNC, Kind.AT_MOST_RATIO, 1.3, (RAW,), "<= 1.3x raw httpx"),
        Target(KEY, case, SDK_SYNC, Kind.AT_LEAST_RATIO, 2.5, (MLFLOW,), ">= 2.5x faster"),
    )
]

_METRIC: dict[str, Any] = {
    "run_id": RUN_ID,
    "key": "loss",
    "value": 0.25,
    "timestamp": TIMESTAMP,
    "step": 1,
}


def _sync_calls(url: str) -> tuple[dict[str, dict[str, Callable[[], Any]]], list[Any]]:
    """``{contender: {operation: call}}`` for the blocking clients, and what to close."""
    from mlflow.tracking import MlflowClient as OfficialClient

    sdk = MlflowClient(url)
    raw = httpx.Client(base_url=url)
    official = OfficialClient(tracking_uri=url)
    calls: dict[str, dict[str, Callable[[], Any]]] = {
        SDK_SYNC: {
            "log_metric": lambda: sdk.log_metric(**_METRIC),
            "get_run": lambda: sdk.get_run(run_id=RUN_ID),
        },
        RAW: {
            "log_metric": lambda: raw.post("/api/2.0/mlflow/runs/log-metric", json=_METRIC).json(),
            "get_run": lambda: raw.get(
                "/api/2.0/mlflow/runs/get", params={"run_id": RUN_ID}
            ).json(),
        },
        MLFLOW: {
            "log_metric": lambda: official.log_metric(RUN_ID, "loss", 0.25, TIMESTAMP, 1),
            "get_run": lambda: official.get_run(RUN_ID),
        },
    }
    return calls, [sdk, raw]


AsyncCall = Callable[[], Awaitable[Any]]


def _async_calls(url: str) -> tuple[dict[str, dict[str, AsyncCall]], list[Any]]:
    httpx_sdk = AsyncMlflowClient(url, transport="httpx")
    aiohttp_sdk = AsyncMlflowClient(url, transport="aiohttp")
    raw = httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=64))

    async def raw_log() -> Any:
        return (await raw.post("/api/2.0/mlflow/runs/log-metric", json=_METRIC)).json()

    async def raw_get() -> Any:
        return (await raw.get("/api/2.0/mlflow/runs/get", params={"run_id": RUN_ID})).json()

    calls: dict[str, dict[str, AsyncCall]] = {
        f"sdk {name}": {
            "log_metric": lambda client=client: client.log_metric(**_METRIC),  # type: ignore[misc]
            "get_run": lambda client=client: client.get_run(run_id=RUN_ID),  # type: ignore[misc]
        }
        for name, client in (("httpx-async", httpx_sdk), ("aiohttp", aiohttp_sdk))
    }
    calls["raw httpx-async"] = {"log_metric": raw_log, "get_run": raw_get}
    return calls, [httpx_sdk, aiohttp_sdk, raw]


def _measure_sync(url: str, ctx: Context, result: ScenarioResult) -> None:
    calls, closers = _sync_calls(url)
    sizes = ctx.sizes
    samples: dict[tuple[str, str], list[float]] = {}
    opened: dict[str, int] = dict.fromkeys(calls, 0)
    port = int(url.rsplit(":", 1)[1])
    try:
        for operations in calls.values():  # warm up: imports, first connection
            for call in operations.values():
                time_sync(call, 5)
        for round_index in range(sizes.overhead_rounds):
            for contender in rotate(list(calls), round_index):
                before = peer_ports(port)
                for operation, call in calls[contender].items():
                    per_call = time_sync(call, sizes.overhead_calls)
                    samples.setdefault((operation, contender), []).append(per_call * US)
                opened[contender] += len(peer_ports(port) - before)
    finally:
        for closer in closers:
            closer.close()
    for (operation, contender), values in sorted(samples.items()):
        result.add(f"{operation} sync", contender, "us/call", values, connections=opened[contender])
    result.facts["new connections per blocking contender during the timed rounds"] = ", ".join(
        f"{name} {count}" for name, count in opened.items()
    )


async def _measure_async(url: str, ctx: Context, result: ScenarioResult) -> None:
    calls, closers = _async_calls(url)
    sizes = ctx.sizes
    samples: dict[tuple[str, str], list[float]] = {}
    try:
        for operations in calls.values():
            for call in operations.values():
                await time_async(call, 40, 32)
        for round_index in range(sizes.overhead_rounds):
            for contender in rotate(list(calls), round_index):
                for operation, call in calls[contender].items():
                    for concurrency in (1, 32):
                        per_call = await time_async(call, sizes.overhead_calls, concurrency)
                        key = (f"{operation} async x{concurrency}", contender)
                        samples.setdefault(key, []).append(per_call * US)
    finally:
        for closer in closers:
            await closer.aclose()
    for (case, contender), values in sorted(samples.items()):
        result.add(case, contender, "us/call", values)


def run(ctx: Context) -> ScenarioResult:
    result = ScenarioResult(KEY, TITLE)
    with InstantServer() as server:
        _measure_sync(server.url, ctx, result)
        asyncio.run(_measure_async(server.url, ctx, result))
    result.notes.append(
        f"{ctx.sizes.overhead_rounds} rounds x {ctx.sizes.overhead_calls} calls per contender "
        "and case; a sample is one round's wall time per call (async: wall time / calls)."
    )
    result.notes.append(
        "The server answers from memory with TCP_NODELAY and one write per response; "
        "`connections` counts client ports opened (from /proc/net/tcp)."
    )
    return result
