"""Which experiment a new fluent run goes to: the one ``set_experiment`` chose, else
``MLFLOW_EXPERIMENT_NAME`` (created when missing), else ``MLFLOW_EXPERIMENT_ID``, else the
default experiment ``"0"``, in MLflow's order."""

from __future__ import annotations

import os

from mlflow_rest_sdk.compat.exceptions import MlflowException
from mlflow_rest_sdk.compat.fluent import state

__all__ = ["DEFAULT_EXPERIMENT_ID", "current_experiment_id"]

DEFAULT_EXPERIMENT_ID = "0"


def _from_environment() -> str | None:
    name = os.environ.get("MLFLOW_EXPERIMENT_NAME")
    wanted_id = os.environ.get("MLFLOW_EXPERIMENT_ID")
    client = state.client()
    if name is not None:
        experiment = client.get_experiment_by_name(name)
        if experiment is None:
            return client.create_experiment(name)
        if wanted_id and wanted_id != experiment.experiment_id:
            raise MlflowException(
                f"The provided MLFLOW_EXPERIMENT_ID environment variable value `{wanted_id}` "
                f"does not match the experiment id `{experiment.experiment_id}` for experiment "
                f"name `{name}`",
                error_code="INVALID_PARAMETER_VALUE",
            )
        return experiment.experiment_id
    if wanted_id is not None:
        try:
            return client.get_experiment(wanted_id).experiment_id
        except MlflowException as error:
            raise MlflowException(
                f"The provided MLFLOW_EXPERIMENT_ID environment variable value `{wanted_id}` "
                "does not exist in the tracking server. Provide a valid experiment_id.",
                error_code="INVALID_PARAMETER_VALUE",
            ) from error
    return None


def current_experiment_id() -> str:
    """The experiment a run started now without ``experiment_id`` belongs to."""
    return state.state.experiment_id or _from_environment() or DEFAULT_EXPERIMENT_ID
