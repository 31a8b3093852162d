"""Scenario 8: bursts of concurrent calls on one client, against a 1-worker and the stock server.

A burst is every call started at once (``asyncio.gather``, or a pool of threads on the blocking
clients), as a new user writes it. The SDK's clients keep their default, adaptive load limit; a
sweep of fixed limits on the aiohttp client finds, in the same run, the best level the caller
could have picked by hand; MLflow's client goes through a thread pool of 8, as MLflow users
parallelise it. Every contender writes into its own experiment (or runs), and what the server
stored is counted afterwards: a call that failed counts, and so does a run stored twice.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from benchmarks.context import Context
from benchmarks.ids import experiment_id, run_id
from benchmarks.report import MLFLOW
from benchmarks.results import ScenarioResult
from benchmarks.servers import STOCK_WORKERS
from benchmarks.targets import Kind, Target
from benchmarks.timing import rotate
from mlflow_rest_sdk import AsyncMlflowClient, LoadLimit, MlflowClient
from mlflow_rest_sdk.local_server import LocalMlflowServer

KEY = "8-bursts"
TITLE = "bursts of concurrent calls on one client (1-worker and stock servers)"

#: The default client on each transport; the blocking one shares a client between threads.
DEFAULTS = ("sdk httpx-async", "sdk aiohttp", "sdk httpx-sync 32 threads")
SWEEP = (1, 2, 4, 8, 16, 64)
FIXED = tuple(f"aiohttp fixed {n}" for n in SWEEP)
#: The sweep's top level fills the pool: on a 1-worker server each burst at it waits out MLflow's
#: 30 s store-pool timeouts until the calls' deadlines (180 s a burst), so it runs once per
#: server, in the first round of the smallest burst: enough to show what no limit does.
UNBOUNDED = FIXED[-1]
BLOCKING_THREADS = 32
MLFLOW_THREADS = 8
METRICS_PER_BATCH = 100
RUNS_FOR_BATCHES = 10
TOPOLOGIES = {"1 worker": 1, f"{STOCK_WORKERS} workers": STOCK_WORKERS}


def _cases(creates: tuple[int, ...]) -> list[str]:
    return [
        f"{kind}, {topology}"
        for topology in TOPOLOGIES
        for kind in (*(f"{n} create_run" for n in creates), "100 log_batch")
    ]


def _targets(cases: list[str]) -> list[Target]:
    targets: list[Target] = []
    for case in cases:
        for subject in DEFAULTS:
            targets += [
                Target(KEY, case, subject, Kind.AT_MOST_RATIO, 1.25, FIXED, "<= 1.25x best fixed"),
                Target(KEY, case, subject, Kind.AT_LEAST_RATIO, 1.0, (MLFLOW,), "faster"),
                Target(KEY, f"{case}: failed calls", subject, Kind.BELOW, 0.5, (), "none"),
            ]
    return targets


TARGETS = _targets(_cases((100, 1000)))


@dataclass
class Outcome:
    seconds: float
    failed: int


# -- one burst per contender ------------------------------------------------------------------


def _async_burst(url: str, transport: str, limit: LoadLimit | None, calls: list[Any]) -> Outcome:
    """``calls``: coroutine functions of a client, all started at once."""

    async def go() -> Outcome:
        options: dict[str, Any] = {} if limit is None else {"load_limit": limit}
        async with AsyncMlflowClient(url, transport=transport, **options) as client:
            started = time.perf_counter()
            answers = await asyncio.gather(*(c(client) for c in calls), return_exceptions=True)
            seconds = time.perf_counter() - started
        return Outcome(seconds, sum(isinstance(a, BaseException) for a in answers))

    return asyncio.run(go())


def _threaded_burst(client: Any, threads: int, calls: list[Any]) -> Outcome:
    def one(call: Callable[[Any], Any]) -> bool:
        try:
            call(client)
        except Exception:
            return False
        return True

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        succeeded = sum(pool.map(one, calls))
    return Outcome(time.perf_counter() - started, len(calls) - succeeded)


def _sdk_sync_burst(url: str, calls: list[Any]) -> Outcome:
    with MlflowClient(url) as client:
        return _threaded_burst(client, BLOCKING_THREADS, calls)


def _mlflow_burst(url: str, calls: list[Any]) -> Outcome:
    from mlflow.tracking import MlflowClient as OfficialClient

    return _threaded_burst(OfficialClient(tracking_uri=url), MLFLOW_THREADS, calls)


# -- what a burst is made of, for each kind of client -------------------------------------------


def _creates(experiment: str, count: int, official: bool) -> list[Any]:
    if official:
        return [lambda c, i=i: c.create_run(experiment, run_name=f"run-{i}") for i in range(count)]
    now = int(time.time() * 1000)
    return [
        lambda c, i=i: c.create_run(experiment_id=experiment, run_name=f"run-{i}", start_time=now)
        for i in range(count)
    ]


def _batch_metrics(call: int) -> list[tuple[str, float, int]]:
    """One call's metrics: key ``m``, steps that no other call to the same run uses."""
    first = (call // RUNS_FOR_BATCHES) * METRICS_PER_BATCH
    return [("m", float(step), step) for step in range(first, first + METRICS_PER_BATCH)]


def _batches(runs: list[str], count: int, official: bool) -> list[Any]:
    stamp = int(time.time() * 1000)
    calls: list[Any] = []
    for call in range(count):
        run, values = runs[call % len(runs)], _batch_metrics(call)
        if official:
            from mlflow.entities import Metric

            objects = [Metric(k, v, stamp, s) for k, v, s in values]
            calls.append(lambda c, run=run, objects=objects: c.log_batch(run, metrics=objects))
        else:
            dicts = [{"key": k, "value": v, "timestamp": stamp, "step": s} for k, v, s in values]
            calls.append(lambda c, run=run, dicts=dicts: c.log_batch(run_id=run, metrics=dicts))
    return calls


# -- the scenario -------------------------------------------------------------------------------


def _contenders(url: str) -> dict[str, Callable[[list[Any]], Outcome]]:
    contenders: dict[str, Callable[[list[Any]], Outcome]] = {
        "sdk httpx-async": lambda calls: _async_burst(url, "httpx", None, calls),
        "sdk aiohttp": lambda calls: _async_burst(url, "aiohttp", None, calls),
        "sdk httpx-sync 32 threads": lambda calls: _sdk_sync_burst(url, calls),
    }
    for name, level in zip(FIXED, SWEEP, strict=True):
        contenders[name] = functools.partial(_async_burst, url, "aiohttp", LoadLimit.fixed(level))
    contenders[MLFLOW] = lambda calls: _mlflow_burst(url, calls)
    return contenders


def _stored_runs(checker: MlflowClient, experiment: str) -> tuple[int, int]:
    """(runs stored, distinct run names among them)."""
    names = [
        run.info.run_name
        for run in checker.search_runs_iter(experiment_ids=[experiment], max_results=1000)
        if run.info is not None
    ]
    return len(names), len(set(names))


def _stored_metrics(checker: MlflowClient, runs: list[str]) -> int:
    return sum(
        1 for run in runs for _m in checker.get_metric_history_iter(run_id=run, metric_key="m")
    )


@dataclass(frozen=True)
class Case:
    """One case's rounds: ``prepare`` makes a contender's calls (and what to check after),
    ``stored`` says how many of them the server holds."""

    name: str
    rounds: int
    with_unbounded: bool
    prepare: Callable[[str, int], tuple[list[Any], Any]]
    stored: Callable[[Any], tuple[int, bool]]
    expected: int


def _run_case(result: ScenarioResult, case: Case, url: str) -> list[str]:
    """Every contender once per round, in an order rotated each round so that none always goes
    first; the pool-filling level only in the first round (see ``UNBOUNDED``)."""
    problems: list[str] = []
    contenders = _contenders(url)
    samples: dict[str, list[Outcome]] = {
        name: [] for name in contenders if case.with_unbounded or name != UNBOUNDED
    }
    for round_index in range(case.rounds):
        names = [n for n in samples if round_index == 0 or n != UNBOUNDED]
        for name in rotate(names, round_index):
            calls, made = case.prepare(name, round_index)
            outcome = contenders[name](calls)
            stored, exact = case.stored(made)
            samples[name].append(outcome)
            if not exact or stored != case.expected - outcome.failed:
                problems.append(f"{case.name}, {name}: {stored} stored of {case.expected}")
    for name, outcomes in samples.items():
        _record(result, case.name, name, outcomes)
    return problems


def _create_case(
    name: str, checker: MlflowClient, count: int, rounds: int, unbounded: bool
) -> Case:
    def prepare(contender: str, round_index: int) -> tuple[list[Any], Any]:
        experiment = experiment_id(
            checker.create_experiment(name=f"{name} {contender} {round_index}")
        )
        return _creates(experiment, count, official=contender == MLFLOW), experiment

    def stored(experiment: Any) -> tuple[int, bool]:
        runs, distinct = _stored_runs(checker, experiment)
        return runs, runs == distinct

    return Case(name, rounds, unbounded, prepare, stored, count)


def _batch_case(name: str, checker: MlflowClient, rounds: int) -> Case:
    def prepare(contender: str, round_index: int) -> tuple[list[Any], Any]:
        experiment = experiment_id(
            checker.create_experiment(name=f"{name} {contender} {round_index}")
        )
        runs = [
            run_id(checker.create_run(experiment_id=experiment, start_time=1))
            for _ in range(RUNS_FOR_BATCHES)
        ]
        return _batches(runs, 100, official=contender == MLFLOW), runs

    def stored(runs: Any) -> tuple[int, bool]:
        """Batches stored whole; a batch stored in part is not exact."""
        batches, partial = divmod(_stored_metrics(checker, runs), METRICS_PER_BATCH)
        return batches, partial == 0

    return Case(name, rounds, False, prepare, stored, 100)


def _record(result: ScenarioResult, case: str, name: str, outcomes: list[Outcome]) -> None:
    """Seconds per burst; failed calls as their own case for the SDK's defaults (the targets)."""
    failed = [o.failed for o in outcomes]
    result.add(case, name, "s", [o.seconds for o in outcomes], failed=failed)
    if name in DEFAULTS:
        result.add(f"{case}: failed calls", name, "calls", [float(max(failed))])


def run(ctx: Context) -> ScenarioResult:
    result = ScenarioResult(KEY, TITLE)
    problems: list[str] = []
    creates = ctx.sizes.burst_creates
    for topology, workers in TOPOLOGIES.items():
        server = LocalMlflowServer(
            data_dir=ctx.scratch(f"bursts-{workers}"), workers=workers, startup_timeout=180.0
        )
        with server, MlflowClient(server.url) as checker:
            for name, burst in _contenders(server.url).items():  # warm up: imports, connections
                experiment = experiment_id(checker.create_experiment(name=f"warm {name}"))
                burst(_creates(experiment, 2, official=name == MLFLOW))
            cases = [
                _create_case(
                    f"{count} create_run, {topology}",
                    checker,
                    count,
                    ctx.sizes.burst_rounds if count <= 100 else ctx.sizes.large_burst_rounds,
                    unbounded=count == min(creates),
                )
                for count in creates
            ]
            cases.append(_batch_case(f"100 log_batch, {topology}", checker, ctx.sizes.burst_rounds))
            for case in cases:
                problems += _run_case(result, case, server.url)
    result.facts["failed calls (any contender)"] = (
        "; ".join(
            f"{m.case} / {m.contender}: {m.extra['failed']}"
            for m in result.measurements
            if any(m.extra.get("failed", ()))
        )
        or "none"
    )
    result.facts["stored more or less than answered"] = "; ".join(problems) or "never"
    result.notes.append(
        f"Every contender runs {ctx.sizes.burst_rounds} rounds of each burst of 100 calls or "
        f"fewer and {ctx.sizes.large_burst_rounds} of larger ones, in an order rotated each "
        f"round (sizes {', '.join(map(str, creates))} "
        f"create_run and 100 log_batch of {METRICS_PER_BATCH} metrics over "
        f"{RUNS_FOR_BATCHES} runs). SDK clients keep their defaults (adaptive load limit, "
        f"retries on); 'aiohttp fixed N' is the same client with LoadLimit.fixed(N); "
        f"MLflow's client is shared by {MLFLOW_THREADS} threads. Figures are seconds per burst. "
        f"'{UNBOUNDED}' (the whole pool) runs once per server, in the first round of the "
        f"smallest burst: each of its bursts waits out the store's pool timeouts."
    )
    return result
