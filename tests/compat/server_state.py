"""What the server holds for each side's experiment, read by MLflow's own client for both.

The same reader for both sides, and MLflow's at that: a difference found here is in what was
stored, not in how either client reads it back.
"""

from __future__ import annotations

from typing import Any

import mlflow
from mlflow.entities import ViewType

from .sides import Side


def experiment_state(reader: mlflow.MlflowClient, side: Side) -> Any:
    """The side's experiment, every run in it (deleted ones too) and each run's metric
    histories, as plain data with the side's placeholders."""
    runs = reader.search_runs([side.experiment_id], run_view_type=ViewType.ALL, max_results=1000)
    entries = [
        {
            "run": run,
            "histories": {
                key: sorted(
                    reader.get_metric_history(run.info.run_id, key),
                    key=lambda metric: (metric.step, metric.timestamp, metric.value),
                )
                for key in sorted(run.data.metrics)
            },
        }
        for run in runs
    ]
    entries.sort(key=lambda entry: entry["run"].info.run_name)
    state = {"experiment": reader.get_experiment(side.experiment_id), "runs": entries}
    return side.recorder.plain(state)


def assert_same_server_state(reader: mlflow.MlflowClient, sides: dict[str, Side]) -> None:
    """Both sides' experiments hold the same experiment, runs, params, tags and metrics."""
    assert experiment_state(reader, sides["compat"]) == experiment_state(reader, sides["mlflow"])
