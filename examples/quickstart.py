"""Quickstart (`make demo`): track a run and register a model through mlflow-rest-sdk.

Uses the server named by ``MLFLOW_TRACKING_URI`` when it is set; otherwise starts a throwaway
local ``mlflow server`` with its data in ``.mlflow-demo/`` at the repository root, and stops it
at the end unless ``--keep-server`` is given. Safe to run again and again: the experiment and the
registered model are reused, each run adds one run and one model version, and the ``champion``
alias moves to the newest version.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.errors import ResourceDoesNotExist
from mlflow_rest_sdk.local_server import LocalMlflowServer

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DATA_DIR = REPO_ROOT / ".mlflow-demo"
EXPERIMENT_NAME = "mlflow-rest-sdk-quickstart"
MODEL_NAME = "mlflow-rest-sdk-quickstart-model"
ALIAS = "champion"
STEPS = 5

T = TypeVar("T")


@dataclass(frozen=True)
class DemoResult:
    experiment_id: str
    run_id: str
    model_version: str
    final_loss: float


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--keep-server",
        action="store_true",
        help="leave the local server running afterwards (ignored with MLFLOW_TRACKING_URI)",
    )
    args = parser.parse_args(argv)

    tracking_uri = os.environ.get("MLFLOW_TRACKING_URI")
    if tracking_uri:
        print(f"Using the MLflow server at {tracking_uri} (from MLFLOW_TRACKING_URI)")
        report(tracking_uri, run_demo(tracking_uri))
        return 0

    server = LocalMlflowServer(data_dir=DEMO_DATA_DIR)
    print(f"Starting a local MLflow server (data in {DEMO_DATA_DIR}); this takes 10-30 s...")
    server.start()
    try:
        report(server.url, run_demo(server.url))
    finally:
        if not args.keep_server:
            server.stop()
            print(
                "\nStopped the local MLflow server, so those links are dead now: run again with "
                "--keep-server to browse them."
            )
    if args.keep_server:
        # The server runs in its own process group: one signal to the group stops all of it.
        print(
            f"\nThe MLflow server keeps running at {server.url} (pid {server.pid}, "
            f"log in {server.log_path}).\nStop it with: kill -TERM -- -{server.pid}"
        )
    return 0


def run_demo(tracking_uri: str) -> DemoResult:
    """One short training run, tracked and registered: what a real pipeline does, in small."""
    with MlflowClient(tracking_uri=tracking_uri) as client:
        experiment_id = ensure_experiment(client, EXPERIMENT_NAME)

        run = client.create_run(
            experiment_id=experiment_id,
            run_name=f"quickstart-{time.strftime('%H%M%S')}",
            start_time=now_ms(),
        ).run
        run_info = required(run.info if run else None, "run info")
        run_id = required(run_info.run_id, "run id")
        artifact_uri = required(run_info.artifact_uri, "run artifact uri")

        params = {"learning_rate": "0.1", "max_depth": "6", "n_estimators": str(STEPS)}
        client.log_batch(run_id=run_id, params=[{"key": k, "value": v} for k, v in params.items()])
        loss = math.inf
        for step in range(STEPS):
            loss = round(1.0 / (step + 1) + 0.05, 4)  # a pretend training curve
            accuracy = round(1.0 - loss / 2, 4)
            timestamp = now_ms()
            client.log_batch(
                run_id=run_id,
                metrics=[
                    {"key": "loss", "value": loss, "timestamp": timestamp, "step": step},
                    {"key": "accuracy", "value": accuracy, "timestamp": timestamp, "step": step},
                ],
            )
        client.update_run(run_id=run_id, status="FINISHED", end_time=now_ms())

        ensure_registered_model(client, MODEL_NAME)
        # A version's source must lie under its run's artifact location.
        created = client.create_model_version(
            name=MODEL_NAME, source=f"{artifact_uri}/model", run_id=run_id
        ).model_version
        version = required(created.version if created else None, "model version")
        client.set_registered_model_alias(name=MODEL_NAME, alias=ALIAS, version=version)

        return DemoResult(experiment_id, run_id, version, loss)


def ensure_experiment(client: MlflowClient, name: str) -> str:
    """The id of experiment ``name``: found, restored from the bin, or created."""
    try:
        found = client.get_experiment_by_name(experiment_name=name).experiment
    except ResourceDoesNotExist:
        return required(client.create_experiment(name=name).experiment_id, "experiment id")
    experiment = required(found, "experiment")
    experiment_id = required(experiment.experiment_id, "experiment id")
    if experiment.lifecycle_stage == "deleted":
        client.restore_experiment(experiment_id=experiment_id)
    return experiment_id


def ensure_registered_model(client: MlflowClient, name: str) -> None:
    """Create registered model ``name`` unless it exists already."""
    try:
        client.get_registered_model(name=name)
    except ResourceDoesNotExist:
        client.create_registered_model(name=name, description="Created by the quickstart.")


def report(tracking_uri: str, result: DemoResult) -> None:
    model = urllib.parse.quote(MODEL_NAME, safe="")
    print(
        f"\nExperiment {EXPERIMENT_NAME!r} (id {result.experiment_id})\n"
        f"  run {result.run_id}: {STEPS} steps, final loss {result.final_loss}\n"
        f"Registered model {MODEL_NAME!r}: version {result.model_version}, "
        f"alias {ALIAS!r} -> version {result.model_version}\n"
        f"\nSee them in the MLflow UI:\n"
        f"  run:   {tracking_uri}/#/experiments/{result.experiment_id}/runs/{result.run_id}\n"
        f"  model: {tracking_uri}/#/models/{model}/versions/{result.model_version}"
    )


def required(value: T | None, what: str) -> T:
    """Narrow an optional response field that the server always fills in."""
    if value is None:
        raise RuntimeError(f"the server's answer lacks the {what}")
    return value


def now_ms() -> int:
    return int(time.time() * 1000)


if __name__ == "__main__":
    sys.exit(main())
