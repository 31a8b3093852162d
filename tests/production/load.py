"""Load under faults: many client processes against MLflow on PostgreSQL + S3, through faults.

``run_load`` starts :attr:`LoadConfig.processes` client processes (``python -m
tests.production.load --worker SPEC``). Each one puts a :class:`FaultProxy` of its own in front
of the server (so its fault counts are its own) and drives an :class:`AsyncMlflowClient` on
httpx or aiohttp (alternating by process) through it: it creates an experiment, then
``runs`` runs with ``batches`` metric batches each, ``in_flight`` runs at a time. The proxy
resets connections, answers 503 and 429, delays requests and drops responses after the server
acted, on a share of all requests, and on a fixed cycle of the ``runs/create`` requests (so
every process meets "ghost" creates). Each process reports its throughput, the retries the SDK
made (its ``sleep`` hook counts the waits between attempts), the faults its proxy injected and
the failures that reached the caller.

Then the server is read directly (never through a proxy): every run of every process must be
there once, and every metric point exactly once.

Stand-alone, for the numbers in ``docs/performance.md`` (starts its own PostgreSQL, S3 and
4-worker MLflow, writes ``build/load/report.json``)::

    .venv/bin/python -m tests.production.load            # the full size: 8 x 25 runs x 40
    .venv/bin/python -m tests.production.load --help
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from tests.faults.proxy import CyclingFaults, Fault, FaultProxy, FirstMatch, RandomFaults

from mlflow_rest_sdk import AsyncMlflowClient, RetryPolicy
from mlflow_rest_sdk.errors import MlflowRestError
from mlflow_rest_sdk.models import ViewType

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[2]
REPORT_PATH = REPO_ROOT / "build" / "load" / "report.json"
#: Each client process's stderr: tracebacks and warnings, if any.
LOG_DIR = REPORT_PATH.parent / "logs"

#: The share of all requests each fault hits (10% misbehave); the rest pass.
FAULT_SHARES: dict[Fault, float] = {
    Fault.RESET: 0.02,
    Fault.SERVICE_UNAVAILABLE: 0.02,
    Fault.DROP_RESPONSE: 0.02,
    Fault.DELAY: 0.02,
    Fault.REFUSE: 0.01,
    Fault.TOO_MANY_REQUESTS: 0.01,
}
#: In turn for each process's ``runs/create`` requests: a ghost create comes first, every time.
CREATE_PATH = "/api/2.0/mlflow/runs/create"
CREATE_FAULT_CYCLE = (
    Fault.DROP_RESPONSE,
    Fault.PASS,
    Fault.RESET,
    Fault.PASS,
    Fault.SERVICE_UNAVAILABLE,
    Fault.PASS,
    Fault.PASS,
    Fault.PASS,
)
DELAY_S = 0.05
#: Short waits (the proxy's Retry-After of 1 s is capped), many attempts, a bounded call.
POLICY = RetryPolicy(
    backoff_factor=0.02, backoff_max=0.3, max_attempts=10, retry_after_max=0.1, deadline=120.0
)
#: Generous: on two loaded cores the server may take seconds; a timeout would only add retries.
CLIENT_TIMEOUT_S = 30.0
TRANSPORTS = ("httpx", "aiohttp")
RUN_INDEX_TAG = "load.run_index"
METRIC_KEY = "load"
#: Bounds a whole load run; the processes are killed (and the run fails) past it.
PROCESS_TIMEOUT_S = 600.0

Point = tuple[int, float, int]  # step, value, timestamp


@dataclass(frozen=True)
class LoadConfig:
    """How much load: ``processes`` x ``runs`` x ``batches`` log_batch calls of
    ``metrics_per_batch`` points, ``in_flight`` runs at a time in each process."""

    processes: int = 8
    runs: int = 25
    batches: int = 40
    metrics_per_batch: int = 10
    in_flight: int = 8

    @property
    def operations_per_process(self) -> int:
        """Calls each process makes: one experiment, its runs, their batches."""
        return 1 + self.runs + self.runs * self.batches


@dataclass(frozen=True)
class WorkerSpec:
    """What one client process does (passed to it as JSON)."""

    index: int
    tracking_uri: str
    experiment_name: str
    transport: str
    config: LoadConfig


@dataclass
class WorkerReport:
    """What one client process did, as it saw it, and what its proxy injected."""

    index: int
    transport: str
    experiment_id: str | None = None
    started: float = 0.0  # time.time() at the first call
    finished: float = 0.0
    operations: int = 0  # calls that returned
    failures: int = 0  # calls that raised after the SDK gave up
    failure_samples: list[str] = field(default_factory=list)
    retries: int = 0  # waits between attempts: one per retry
    requests: int = 0  # requests the proxy saw
    faults: dict[str, int] = field(default_factory=dict)  # fault -> requests it hit
    run_ids: dict[int, str] = field(default_factory=dict)  # run index -> id, as reported

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def faults_injected(self) -> int:
        return sum(count for fault, count in self.faults.items() if fault != Fault.PASS)


@dataclass
class Verification:
    """What the server holds after the load, read directly."""

    runs_expected: int = 0
    runs_found: int = 0
    duplicated_runs: list[str] = field(default_factory=list)  # "process/run: n copies"
    missing_runs: list[str] = field(default_factory=list)  # reported done, not on the server
    points_expected: int = 0
    points_found: int = 0
    wrong_points: list[str] = field(default_factory=list)  # stored 0 or 2+ times (first 50)
    wrong_point_count: int = 0


@dataclass
class LoadReport:
    config: LoadConfig
    wall_seconds: float
    workers: list[WorkerReport]
    verification: Verification

    def totals(self) -> dict[str, Any]:
        span = max(w.finished for w in self.workers) - min(w.started for w in self.workers)
        operations = sum(w.operations for w in self.workers)
        batches = self.config.processes * self.config.runs * self.config.batches
        faults: Counter[str] = Counter()
        for worker in self.workers:
            faults.update(worker.faults)
        return {
            "load_seconds": round(span, 2),
            "operations": operations,
            "operations_per_s": round(operations / span, 1) if span else None,
            "metric_points_per_s": (
                round(batches * self.config.metrics_per_batch / span, 1) if span else None
            ),
            "requests": sum(w.requests for w in self.workers),
            "retries": sum(w.retries for w in self.workers),
            "faults_injected": sum(w.faults_injected for w in self.workers),
            "faults": dict(sorted(faults.items())),
            "failures_surfaced": sum(w.failures for w in self.workers),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": "load under faults: PostgreSQL + S3 + 4 workers",
            "config": asdict(self.config),
            "wall_seconds": round(self.wall_seconds, 2),
            "totals": self.totals(),
            "processes": [
                {
                    "index": w.index,
                    "transport": w.transport,
                    "seconds": round(w.seconds, 2),
                    "operations": w.operations,
                    "operations_per_s": round(w.operations / w.seconds, 1) if w.seconds else None,
                    "requests": w.requests,
                    "retries": w.retries,
                    "faults_injected": w.faults_injected,
                    "faults": w.faults,
                    "failures_surfaced": w.failures,
                    "failure_samples": w.failure_samples,
                }
                for w in self.workers
            ],
            "verification": asdict(self.verification),
        }

    def summary(self) -> str:
        t = self.totals()
        v = self.verification
        lines = [
            f"load under faults: {self.config.processes} processes x {self.config.runs} runs x "
            f"{self.config.batches} batches of {self.config.metrics_per_batch} metrics, "
            f"{self.config.in_flight} runs in flight per process",
            f"  {t['operations']} operations in {t['load_seconds']} s: "
            f"{t['operations_per_s']} ops/s, {t['metric_points_per_s']} metric points/s "
            f"(wall {self.wall_seconds:.1f} s with process start and checks)",
            f"  {t['requests']} requests, {t['faults_injected']} faults injected {t['faults']}, "
            f"{t['retries']} retries, {t['failures_surfaced']} failures surfaced",
            f"  server: {v.runs_found}/{v.runs_expected} runs, {len(v.duplicated_runs)} "
            f"duplicated, {len(v.missing_runs)} missing; {v.points_found}/{v.points_expected} "
            f"metric points, {v.wrong_point_count} not stored exactly once",
        ]
        lines += [
            f"  process {w.index} ({w.transport}): {w.operations} ops in {w.seconds:.1f} s, "
            f"{w.retries} retries, {w.faults_injected} faults, {w.failures} failures"
            for w in self.workers
        ]
        return "\n".join(lines)


# --- one client process ------------------------------------------------------------------------


def point(process: int, run: int, step: int, base_ms: int) -> Point:
    """A value unique to its process, run and step, so a misplaced point shows up as wrong."""
    return step, float(process * 1_000_000 + run * 1_000 + step), base_ms + step


def expected_points(process: int, run: int, config: LoadConfig, base_ms: int) -> list[Point]:
    """Every point one run logs, in step order."""
    steps = range(config.batches * config.metrics_per_batch)
    return [point(process, run, step, base_ms) for step in steps]


class _Worker:
    def __init__(self, spec: WorkerSpec, client: AsyncMlflowClient, report: WorkerReport) -> None:
        self.spec = spec
        self.client = client
        self.report = report

    async def call(self, what: str, make: Callable[[], Awaitable[T]]) -> T | None:
        try:
            result = await make()
        except MlflowRestError as error:
            self.report.failures += 1
            if len(self.report.failure_samples) < 10:
                self.report.failure_samples.append(f"{what}: {type(error).__name__}: {error}")
            return None
        self.report.operations += 1
        return result

    async def run(self, base_ms: int) -> None:
        config = self.spec.config
        created = await self.call(
            "create_experiment",
            lambda: self.client.create_experiment(name=self.spec.experiment_name),
        )
        if created is None or created.experiment_id is None:
            return
        experiment_id = created.experiment_id
        self.report.experiment_id = experiment_id
        pending = list(range(config.runs))

        async def lane() -> None:
            while pending:
                await self.one_run(experiment_id, pending.pop(0), base_ms)

        await asyncio.gather(*(lane() for _ in range(config.in_flight)))

    async def one_run(self, experiment_id: str, index: int, base_ms: int) -> None:
        config = self.spec.config
        created = await self.call(
            f"create_run {index}",
            lambda: self.client.create_run(
                experiment_id=experiment_id,
                run_name=run_name(self.spec.index, index),
                start_time=base_ms,
                tags=[{"key": RUN_INDEX_TAG, "value": str(index)}],
            ),
        )
        if created is None or created.run is None or created.run.info is None:
            return
        run_id = created.run.info.run_id
        assert run_id is not None
        self.report.run_ids[index] = run_id
        for batch in range(config.batches):
            first = batch * config.metrics_per_batch
            metrics = [
                {"key": METRIC_KEY, "step": step, "value": value, "timestamp": timestamp}
                for step, value, timestamp in (
                    point(self.spec.index, index, s, base_ms)
                    for s in range(first, first + config.metrics_per_batch)
                )
            ]
            await self.call(
                f"log_batch {index}/{batch}",
                functools.partial(self.client.log_batch, run_id=run_id, metrics=metrics),
            )


def run_name(process: int, run: int) -> str:
    return f"p{process}-r{run:03d}"


async def _drive(spec: WorkerSpec, proxy_url: str, report: WorkerReport, base_ms: int) -> None:
    async def counting_sleep(seconds: float) -> None:
        report.retries += 1
        await asyncio.sleep(seconds)

    async with AsyncMlflowClient(
        proxy_url,
        transport=spec.transport,
        retry=POLICY,
        timeout=CLIENT_TIMEOUT_S,
        env_file=False,
        sleep=counting_sleep,
    ) as client:
        await _Worker(spec, client, report).run(base_ms)


def run_worker(spec: WorkerSpec, base_ms: int) -> WorkerReport:
    """The whole life of one client process: its proxy, its client, its workload."""
    plan = FirstMatch(
        CyclingFaults(CREATE_FAULT_CYCLE, path_prefixes=(CREATE_PATH,)),
        RandomFaults(FAULT_SHARES, seed=1000 + spec.index),
    )
    report = WorkerReport(spec.index, spec.transport)
    with FaultProxy(spec.tracking_uri, plan, delay_s=DELAY_S, retry_after_s=1) as proxy:
        report.started = time.time()
        asyncio.run(_drive(spec, proxy.url, report, base_ms))
        report.finished = time.time()
        counts = proxy.counts()
    report.requests = sum(counts.values())
    report.faults = {str(fault): count for fault, count in sorted(counts.items())}
    return report


# --- the parent: processes, then the server read directly ----------------------------------------


def _spawn(spec: WorkerSpec, base_ms: int, log_dir: Path) -> subprocess.Popen[str]:
    """One client process; its stderr goes to ``log_dir/process-N.log`` (a pipe could fill up
    and stall it), its stdout carries its report as one JSON line."""
    payload = json.dumps({"spec": asdict(spec), "base_ms": base_ms})
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / f"process-{spec.index}.log").open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.production.load", "--worker", payload],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": path},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )


def _collect(
    processes: Sequence[subprocess.Popen[str]], deadline: float, log_dir: Path
) -> list[WorkerReport]:
    reports: list[WorkerReport] = []
    try:
        for index, process in enumerate(processes):
            log = log_dir / f"process-{index}.log"
            try:
                out, _ = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise RuntimeError(
                    f"load process {index} still running after {PROCESS_TIMEOUT_S:g} s; see {log}"
                ) from None
            if process.returncode != 0:
                raise RuntimeError(
                    f"load process {index} exited with {process.returncode}; last lines of "
                    f"{log}:\n{log.read_text()[-3000:]}"
                )
            reports.append(_report_from_json(json.loads(out.strip().splitlines()[-1])))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return reports


def _report_from_json(data: dict[str, Any]) -> WorkerReport:
    data["run_ids"] = {int(k): v for k, v in data["run_ids"].items()}
    return WorkerReport(**data)


async def verify(
    tracking_uri: str, config: LoadConfig, workers: Sequence[WorkerReport], base_ms: int
) -> Verification:
    """Read every process's runs and metric histories from the server itself."""
    result = Verification(runs_expected=config.processes * config.runs)
    limit = asyncio.Semaphore(8)
    async with AsyncMlflowClient(tracking_uri, env_file=False) as direct:

        async def history(run_id: str) -> Counter[Point]:
            async with limit:
                answer = await direct.get_metric_history(
                    run_id=run_id, metric_key=METRIC_KEY, max_results=25_000
                )
            return Counter(
                (int(m.step or 0), float(m.value or 0.0), int(m.timestamp or 0))
                for m in answer.metrics
            )

        for worker in workers:
            if worker.experiment_id is None:
                result.missing_runs.append(f"process {worker.index}: no experiment")
                continue
            by_index: dict[int, list[str]] = {}
            async for run in direct.search_runs_iter(
                experiment_ids=[worker.experiment_id], run_view_type=ViewType.ALL
            ):
                assert run.info is not None and run.info.run_id is not None
                tags = {t.key: t.value for t in (run.data.tags if run.data else [])}
                index = int(tags.get(RUN_INDEX_TAG) or -1)
                by_index.setdefault(index, []).append(run.info.run_id)
            result.runs_found += sum(len(ids) for ids in by_index.values())
            result.duplicated_runs += [
                f"{run_name(worker.index, index)}: {len(ids)} copies"
                for index, ids in sorted(by_index.items())
                if len(ids) > 1
            ]
            result.missing_runs += [
                run_name(worker.index, index)
                for index, run_id in sorted(worker.run_ids.items())
                if run_id not in by_index.get(index, [])
            ]
            indexes = sorted(worker.run_ids)
            stored = await asyncio.gather(*(history(worker.run_ids[i]) for i in indexes))
            for index, points in zip(indexes, stored, strict=True):
                expected = expected_points(worker.index, index, config, base_ms)
                result.points_expected += len(expected)
                result.points_found += sum(points.values())
                wanted = set(expected)
                wrong = [p for p in expected if points[p] != 1]
                wrong += [p for p in points if p not in wanted]
                result.wrong_point_count += len(wrong)
                result.wrong_points += [
                    f"{run_name(worker.index, index)} step {p[0]}: stored {points[p]} times"
                    for p in wrong[: max(0, 50 - len(result.wrong_points))]
                ]
    return result


def run_load(tracking_uri: str, config: LoadConfig, log_dir: Path = LOG_DIR) -> LoadReport:
    """The whole scenario against ``tracking_uri``; raises if a process crashes or hangs."""
    started = time.monotonic()
    session = uuid.uuid4().hex[:8]
    base_ms = int(time.time() * 1000)
    specs = [
        WorkerSpec(
            index=index,
            tracking_uri=tracking_uri,
            experiment_name=f"load-{session}-p{index}",
            transport=TRANSPORTS[index % len(TRANSPORTS)],
            config=config,
        )
        for index in range(config.processes)
    ]
    processes = [_spawn(spec, base_ms, log_dir) for spec in specs]
    workers = _collect(processes, time.monotonic() + PROCESS_TIMEOUT_S, log_dir)
    verification = asyncio.run(verify(tracking_uri, config, workers, base_ms))
    return LoadReport(config, time.monotonic() - started, workers, verification)


def write_report(report: LoadReport, path: Path = REPORT_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=2) + "\n")
    return path


# --- command line --------------------------------------------------------------------------------


def _worker_entry(payload: str) -> None:
    data = json.loads(payload)
    raw = data["spec"]
    spec = WorkerSpec(**{**raw, "config": LoadConfig(**raw["config"])})
    report = run_worker(spec, data["base_ms"])
    print(json.dumps(asdict(report)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.production.load", description=__doc__.split("\n\n")[0]
    )
    defaults = LoadConfig()
    parser.add_argument("--processes", type=int, default=defaults.processes)
    parser.add_argument("--runs", type=int, default=defaults.runs, help="per process")
    parser.add_argument("--batches", type=int, default=defaults.batches, help="per run")
    parser.add_argument("--metrics-per-batch", type=int, default=defaults.metrics_per_batch)
    parser.add_argument("--in-flight", type=int, default=defaults.in_flight, help="per process")
    parser.add_argument(
        "--tracking-uri", help="an existing server (default: start PostgreSQL + S3 + 4 workers)"
    )
    parser.add_argument("--report", type=Path, default=REPORT_PATH)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        _worker_entry(args.worker)
        return 0
    config = LoadConfig(
        args.processes, args.runs, args.batches, args.metrics_per_batch, args.in_flight
    )
    if args.tracking_uri:
        report = run_load(args.tracking_uri, config)
    else:
        from tests._infra.topology import ProductionTopology

        with (
            tempfile.TemporaryDirectory(prefix="mlflow-load-") as data_dir,
            ProductionTopology(Path(data_dir)) as topology,
        ):
            print(f"started {topology}", flush=True)
            report = run_load(topology.url, config)
    print(report.summary())
    print(f"report: {write_report(report, args.report)}")
    v = report.verification
    clean = not (v.duplicated_runs or v.missing_runs or v.wrong_point_count)
    return 0 if clean and report.totals()["failures_surfaced"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
