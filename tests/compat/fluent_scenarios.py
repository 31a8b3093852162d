"""Fluent-API scenarios, run as a script in a fresh interpreter: ``python fluent_scenarios.py
<side> <scenario> <experiment name>`` with ``MLFLOW_TRACKING_URI`` set, where ``<side>`` is
``mlflow`` (MLflow's own fluent API, the oracle) or ``compat`` (``import mlflow_rest_sdk.compat
as mlflow``). Each side gets its own process, so MLflow's global state never leaks between them.

The script prints one JSON object: ``aliases`` (actual id or name -> placeholder) and
``results`` (what the scenario's calls returned, as plain data), for the test to compare.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from typing import Any

if sys.argv[1] == "mlflow":
    import mlflow
else:
    import mlflow_rest_sdk.compat as mlflow  # type: ignore[no-redef]

T0 = 1_700_000_000_000
aliases: dict[str, str] = {}
results: list[Any] = []


def alias(actual: str, placeholder: str) -> str:
    aliases[actual] = placeholder
    return actual


def run_alias(run: Any, label: str) -> str:
    """Name the run's id and its name (the server makes one up when none is given)."""
    alias(run.info.run_name, f"{label}-name")
    return alias(run.info.run_id, label)


def tags_and_params(name: str) -> None:
    experiment = mlflow.set_experiment(name)
    alias(experiment.experiment_id, "exp")
    with mlflow.start_run(run_name="a-tagged", tags={"team": "water"}, description="notes"):
        mlflow.set_tag("stage", "train")
        mlflow.set_tags({"epochs": 3, "model": "xgb"})
        mlflow.set_tag("temporary", "x")
        mlflow.delete_tag("temporary")
        results.append(mlflow.log_param("lr", 0.1))
        mlflow.log_params({"depth": 4, "subsample": 0.8})
        run = mlflow.active_run()
        run_alias(run, "run")
        results.append(run.info.status)
        results.append(mlflow.get_artifact_uri("model"))
    results.append(mlflow.active_run() is None)
    results.append(mlflow.last_active_run().info.status)


def statuses(name: str) -> None:
    alias(mlflow.set_experiment(name).experiment_id, "exp")
    with mlflow.start_run(run_name="a-finished") as run:
        first = run_alias(run, "finished")
    try:
        with mlflow.start_run(run_name="b-failed") as run:
            run_alias(run, "failed")
            raise ValueError("training diverged")
    except ValueError:
        results.append("raised")
    run_alias(mlflow.start_run(run_name="c-killed"), "killed")
    mlflow.end_run("KILLED")
    with mlflow.start_run(run_id=first) as resumed:
        results.append(resumed.info.status)
        mlflow.log_param("resumed", "yes")
    results.append(mlflow.get_run(first).info.status)
    run_alias(mlflow.start_run(), "unnamed")
    mlflow.end_run()


def nested(name: str) -> None:
    alias(mlflow.set_experiment(name).experiment_id, "exp")
    with mlflow.start_run(run_name="a-parent") as parent:
        run_alias(parent, "parent")
        for fold in range(2):
            with mlflow.start_run(run_name=f"b-fold-{fold}", nested=True) as child:
                run_alias(child, f"fold-{fold}")
                mlflow.log_metric("rmse", 0.5 - fold / 10)
                results.append(mlflow.active_run().info.run_id == child.info.run_id)
        results.append(mlflow.active_run().info.run_id == parent.info.run_id)
        try:
            mlflow.start_run(run_name="refused")
        except Exception as error:  # MLflow raises a bare Exception here
            results.append(isinstance(error, Exception))


def metrics(name: str) -> None:
    alias(mlflow.set_experiment(name).experiment_id, "exp")
    with mlflow.start_run(run_name="a-metrics") as run:
        run_alias(run, "run")
        for value in (0.9, 0.8, 0.7):
            mlflow.log_metric("loss", value)
        for step in range(4):
            mlflow.log_metric("rmse", 1.0 / (step + 1), step=step)
        mlflow.log_metric("acc", 0.5, step=2, timestamp=T0)
        mlflow.log_metrics({"f1": 0.6, "auc": 0.7}, step=5)
        mlflow.log_metrics({"f1": 0.65}, step=6, timestamp=T0 + 5)
        operations = mlflow.log_metric("late", 1.5, step=1, synchronous=False)
        results.append(operations.wait() is None)


def environment(name: str) -> None:
    """The experiment from ``MLFLOW_EXPERIMENT_NAME`` (created), then a run resumed by
    ``MLFLOW_RUN_ID``; ``search_runs`` of the active experiment."""
    os.environ["MLFLOW_EXPERIMENT_NAME"] = name
    with mlflow.start_run(run_name="a-env") as run:
        run_id = run_alias(run, "run")
        alias(run.info.experiment_id, "exp")
    os.environ["MLFLOW_RUN_ID"] = run_id
    with mlflow.start_run() as resumed:
        results.append(resumed.info.run_id == run_id)
        mlflow.log_metric("after", 1.0)
    results.append("MLFLOW_RUN_ID" in os.environ)
    found = mlflow.search_runs(output_format="list")
    results.append([found_run.info.run_id for found_run in found])
    frame = mlflow.search_runs([run.info.experiment_id])
    # The SDK's idempotency tag is a documented difference (docs/migrating.md).
    results.append(sorted(set(frame.columns) - {"tags.mlflow_rest_sdk.idempotency_key"}))
    results.append(frame["run_id"].tolist())
    results.append(frame["status"].tolist())


def registry(name: str) -> None:
    """A run's model registered twice by its ``runs:/`` URI: the model is made once."""
    alias(mlflow.set_experiment(name).experiment_id, "exp")
    model_name = alias(f"{name}-model", "model")
    with mlflow.start_run(run_name="a-model") as run:
        run_alias(run, "run")
        mlflow.log_text("{}", "model/MLmodel")
    for tags in (None, {"k": "v"}):
        version = mlflow.register_model(f"runs:/{run.info.run_id}/model", model_name, tags=tags)
        results.append([version.name, int(version.version), version.source, version.run_id])
        results.append(version.tags.get("k"))
    try:
        mlflow.register_model(f"runs:/{run.info.run_id}/missing", model_name)
    except mlflow.MlflowException as error:
        results.append(error.error_code)


def management(name: str) -> None:
    """Experiment tags of the active experiment, runs deleted and restored, the parent of a
    nested run, registry searches."""
    alias(mlflow.set_experiment(name).experiment_id, "exp")
    mlflow.set_experiment_tag("owner", "water")
    mlflow.set_experiment_tags({"site": 7, "kind": "turbidity"})
    mlflow.delete_experiment_tag("kind")
    with mlflow.start_run(run_name="a-parent") as parent:
        run_alias(parent, "parent")
        with mlflow.start_run(run_name="b-child", nested=True) as child:
            run_alias(child, "child")
            mlflow.log_stream(io.BytesIO(b"{}"), "model/MLmodel")
    results.append(mlflow.get_parent_run(child.info.run_id).info.run_id)
    results.append(mlflow.get_parent_run(parent.info.run_id))
    mlflow.delete_run(child.info.run_id)
    results.append(len(mlflow.search_runs(output_format="list")))
    mlflow.restore_run(child.info.run_id)
    results.append(len(mlflow.search_runs(output_format="list")))
    model_name = alias(f"{name}-model", "model")
    mlflow.register_model(f"runs:/{child.info.run_id}/model", model_name)
    mlflow.set_model_version_tag(model_name, "1", "checked", True)
    found = mlflow.search_model_versions(filter_string=f"name = '{model_name}'")
    results.append([(version.name, version.tags) for version in found])
    models = mlflow.search_registered_models(filter_string=f"name = '{model_name}'")
    results.append([model.name for model in models])
    mlflow.flush_async_logging()


def async_logging(name: str) -> None:
    """``synchronous=False`` and ``MLFLOW_ENABLE_ASYNC_LOGGING``: everything is stored by
    ``wait()``, ``flush_async_logging()`` and ``end_run``."""
    alias(mlflow.set_experiment(name).experiment_id, "exp")
    with mlflow.start_run(run_name="a-async") as run:
        run_alias(run, "run")
        results.append(type(mlflow.log_param("lr", 0.1, synchronous=False)).__name__)
        mlflow.log_params({"depth": 4}, synchronous=False)
        mlflow.set_tag("stage", "train", synchronous=False)
        mlflow.set_tags({"team": "water"}, synchronous=False)
        for step in range(50):
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step, synchronous=False)
        operations = mlflow.log_metrics({"f1": 0.5, "auc": 0.6}, step=7, synchronous=False)
        results.append(operations.wait())
        os.environ["MLFLOW_ENABLE_ASYNC_LOGGING"] = "true"
        for step in range(20):
            mlflow.log_metric("rmse", step / 10, step=step, timestamp=T0 + step)
        mlflow.flush_async_logging()
        results.append(sorted(mlflow.get_run(run.info.run_id).data.metrics))
        mlflow.log_metric("last", 1.0, step=3)  # sent by end_run


SCENARIOS: dict[str, Callable[[str], None]] = {
    "tags_and_params": tags_and_params,
    "statuses": statuses,
    "nested": nested,
    "metrics": metrics,
    "environment": environment,
    "registry": registry,
    "management": management,
    "async_logging": async_logging,
}

if __name__ == "__main__":
    SCENARIOS[sys.argv[2]](sys.argv[3])
    print(json.dumps({"aliases": aliases, "results": results, "mlflow": "mlflow" in sys.modules}))
