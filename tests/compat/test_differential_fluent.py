"""The fluent API, differentially: each scenario of ``fluent_scenarios.py`` runs once through
MLflow's own fluent functions and once through ``import mlflow_rest_sdk.compat as mlflow``, each
in its own interpreter on its own fresh experiment; what the calls returned and what the server
holds afterwards (runs, statuses, system tags, params, metric histories) must agree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mlflow
import pytest

from .server_state import experiment_state
from .sides import SIDES, Side

SCRIPT = Path(__file__).with_name("fluent_scenarios.py")
REPOSITORY = Path(__file__).resolve().parents[2]


def run_side(label: str, scenario: str, experiment: str, tracking_uri: str) -> dict[str, Any]:
    """Run one scenario on one side in a fresh interpreter; its JSON report."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_")}
    environment["MLFLOW_TRACKING_URI"] = tracking_uri
    done = subprocess.run(
        [sys.executable, str(SCRIPT), label, scenario, experiment],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPOSITORY,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return report


def fluent_state(reader: mlflow.MlflowClient, side: Side) -> Any:
    """The side's experiment as plain data, runs in the order of their (aliased) names."""
    state = experiment_state(reader, side)
    state["runs"].sort(key=lambda entry: entry["run"]["info"]["run_name"])
    return state


@pytest.mark.parametrize(
    "scenario",
    [
        "tags_and_params",
        "statuses",
        "nested",
        "metrics",
        "environment",
        "registry",
        "management",
        "async_logging",
    ],
)
def test_fluent_scenario_stores_and_returns_what_mlflow_does(
    scenario: str,
    tracking_uri: str,
    mlflow_client: mlflow.MlflowClient,
    unique_name: Callable[[str], str],
) -> None:
    prefix = unique_name("fluent")
    sides = {label: Side(label, None, mlflow, prefix) for label in SIDES}
    reports = {}
    for label, side in sides.items():
        report = run_side(label, scenario, side.name("exp"), tracking_uri)
        for actual, placeholder in report["aliases"].items():
            side.recorder.alias(actual, placeholder)
        side.experiment_id = next(
            actual for actual, placeholder in report["aliases"].items() if placeholder == "exp"
        )
        side.recorder.alias(side.name("exp"), "exp-name")
        reports[label] = report

    assert reports["compat"]["mlflow"] is False  # the compat side never imported mlflow
    assert sides["compat"].recorder.plain(reports["compat"]["results"]) == sides[
        "mlflow"
    ].recorder.plain(reports["mlflow"]["results"])
    assert fluent_state(mlflow_client, sides["compat"]) == fluent_state(
        mlflow_client, sides["mlflow"]
    )
