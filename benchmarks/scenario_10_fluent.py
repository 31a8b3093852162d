"""Scenario 10: a training loop through the fluent API, MLflow's and the compat one.

A run with 20 params and one ``log_metric`` per step, then ``end_run``, on the stock server: as
MLflow code writes it, once with ``import mlflow`` and once with ``import mlflow_rest_sdk.compat as
mlflow``, each synchronous and with ``synchronous=False`` (values queued, all sent by
``end_run``). The floor is the SDK's own blocking ``log_metric``, one request per step: a
synchronous fluent call cannot be faster than the server answering it. Each loop runs in a fresh
process (the fluent state is global); every contender's run is checked to hold every value.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.context import Context
from benchmarks.ids import experiment_id, run_id
from benchmarks.results import ScenarioResult
from benchmarks.servers import stock_server
from benchmarks.targets import Kind, Target
from mlflow_rest_sdk import MlflowClient

KEY = "10-fluent"
TITLE = "a fluent training loop (20 params, one log_metric per step, end_run; stock server)"
CASE = "training loop"
ROOT = Path(__file__).resolve().parent.parent

MLFLOW_SYNC = "mlflow fluent"
MLFLOW_ASYNC = "mlflow fluent synchronous=False"
COMPAT_SYNC = "compat fluent"
COMPAT_ASYNC = "compat fluent synchronous=False"
FLOOR = "sdk log_metric per call"
LOOPS = {
    MLFLOW_SYNC: ("mlflow", "sync"),
    MLFLOW_ASYNC: ("mlflow", "async"),
    COMPAT_SYNC: ("mlflow_rest_sdk.compat", "sync"),
    COMPAT_ASYNC: ("mlflow_rest_sdk.compat", "async"),
}

TARGETS = [
    Target(KEY, CASE, COMPAT_SYNC, Kind.AT_MOST_RATIO, 1.1, (FLOOR,), "<= 1.1x the SDK per call"),
    Target(KEY, CASE, COMPAT_SYNC, Kind.AT_LEAST_RATIO, 1.0, (MLFLOW_SYNC,), "not slower"),
    Target(KEY, CASE, COMPAT_ASYNC, Kind.AT_LEAST_RATIO, 20.0, (MLFLOW_ASYNC,), ">= 20x faster"),
]


def _fluent_loop(
    module: str, mode: str, url: str, experiment: str, steps: int
) -> tuple[float, str]:
    answer = subprocess.run(
        [sys.executable, "-m", "benchmarks.fluent_loop", module, url, experiment, str(steps), mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    printed = json.loads(answer.stdout.strip().splitlines()[-1])
    return float(printed["seconds"]), str(printed["run_id"])


def _floor_loop(client: MlflowClient, experiment: str, steps: int) -> tuple[float, str]:
    started = time.perf_counter()
    run = run_id(client.create_run(experiment_id=experiment, start_time=int(time.time() * 1000)))
    client.log_batch(run_id=run, params=[{"key": f"param_{i}", "value": str(i)} for i in range(20)])
    for step in range(steps):
        stamp = int(time.time() * 1000)
        client.log_metric(
            run_id=run, key="loss", value=1.0 / (step + 1), timestamp=stamp, step=step
        )
    client.update_run(run_id=run, status="FINISHED", end_time=int(time.time() * 1000))
    return time.perf_counter() - started, run


def _stored(client: MlflowClient, run: str) -> tuple[int, int]:
    """(metric values, params) the server holds for ``run``."""
    metrics = sum(1 for _ in client.get_metric_history_iter(run_id=run, metric_key="loss"))
    found = client.get_run(run_id=run).run
    params = len(found.data.params) if found and found.data else 0
    return metrics, params


def run(ctx: Context) -> ScenarioResult:
    result = ScenarioResult(KEY, TITLE)
    steps = ctx.sizes.fluent_steps
    contenders = [*LOOPS, FLOOR]
    stored: dict[str, str] = {}
    with stock_server(ctx.scratch("fluent")) as server, MlflowClient(server.url) as client:
        for name in contenders:
            experiment = f"fluent {name} {time.time_ns()}"
            if name == FLOOR:
                seconds, run = _floor_loop(
                    client, experiment_id(client.create_experiment(name=experiment)), steps
                )
            else:
                module, mode = LOOPS[name]
                seconds, run = _fluent_loop(module, mode, server.url, experiment, steps)
            metrics, params = _stored(client, run)
            stored[name] = f"{metrics}/{steps} values, {params}/20 params"
            result.add(CASE, name, "s", [seconds], complete=metrics == steps and params == 20)
    result.facts["stored per contender"] = "; ".join(f"{k}: {v}" for k, v in stored.items())
    result.notes.append(
        f"One loop per contender: 20 params and {steps} log_metric calls (one per step) in one "
        "run, then end_run, each fluent loop in a fresh process, timed from start_run to the end "
        "of end_run. 'synchronous=False' queues the values, and every value is checked stored "
        f"after the process ends. '{FLOOR}' is the SDK's blocking client, one request per step."
    )
    return result
