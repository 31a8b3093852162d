"""Typed access to ids in the SDK's answers, whose generated fields are all optional."""

from __future__ import annotations

from mlflow_rest_sdk.models import CreateExperimentResponse, CreateRunResponse

__all__ = ["experiment_id", "run_id"]


def run_id(created: CreateRunResponse) -> str:
    """The new run's id; a server that leaves it out is broken, so fail loudly."""
    if created.run is None or created.run.info is None or not created.run.info.run_id:
        raise RuntimeError(f"create_run answered without a run id: {created!r}")
    return created.run.info.run_id


def experiment_id(created: CreateExperimentResponse) -> str:
    """The new experiment's id."""
    if not created.experiment_id:
        raise RuntimeError(f"create_experiment answered without an id: {created!r}")
    return created.experiment_id
