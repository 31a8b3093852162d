"""``search_runs`` results as MLflow's pandas DataFrame: one row per run, the run's info
columns, then ``metrics.*``, ``params.*`` and ``tags.*`` columns (missing values: NaN for
metrics, None otherwise). pandas is imported only here, and only when installed."""

from __future__ import annotations

from typing import Any

from mlflow_rest_sdk.compat.entities.run import Run

__all__ = ["runs_frame"]


def _column(columns: dict[str, list[Any]], key: str, value: Any, row: int, missing: Any) -> None:
    if key not in columns:
        columns[key] = [missing] * row
    columns[key].append(value)


def _fill(columns: dict[str, list[Any]], rows: int, missing: Any) -> None:
    for values in columns.values():
        values.extend([missing] * (rows - len(values)))


def _time(pd: Any, millis: int | None) -> Any:
    """A UTC timestamp, or None for a run that has not ended (as MLflow's frame holds it)."""
    return None if millis is None else pd.to_datetime(millis, unit="ms", utc=True)


def runs_frame(runs: list[Run]) -> Any:
    """A DataFrame of ``runs`` shaped as MLflow's, or ``runs`` itself without pandas."""
    try:
        import pandas as pd
    except ImportError:
        return runs
    info: dict[str, list[Any]] = {
        name: []
        for name in ("run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time")
    }
    metrics: dict[str, list[Any]] = {}
    params: dict[str, list[Any]] = {}
    tags: dict[str, list[Any]] = {}
    for row, run in enumerate(runs):
        info["run_id"].append(run.info.run_id)
        info["experiment_id"].append(run.info.experiment_id)
        info["status"].append(run.info.status)
        info["artifact_uri"].append(run.info.artifact_uri)
        info["start_time"].append(_time(pd, run.info.start_time))
        info["end_time"].append(_time(pd, run.info.end_time))
        for group, values, missing in (
            (metrics, run.data.metrics, float("nan")),
            (params, run.data.params, None),
            (tags, run.data.tags, None),
        ):
            for key, value in values.items():
                _column(group, key, value, row, missing)
            _fill(group, row + 1, missing)
    data: dict[str, list[Any]] = dict(info)
    for prefix, group in (("metrics.", metrics), ("params.", params), ("tags.", tags)):
        data.update({prefix + key: values for key, values in group.items()})
    return pd.DataFrame(data)
