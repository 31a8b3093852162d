"""Where the fluent API talks to, and what it reads: URIs, experiments, runs, searches and
model registration, with MLflow's fluent signatures."""

from __future__ import annotations

import posixpath
import threading
from pathlib import Path
from typing import Any

from mlflow_rest_sdk.compat.entities.experiment import Experiment
from mlflow_rest_sdk.compat.entities.lifecycle_stage import LifecycleStage
from mlflow_rest_sdk.compat.entities.model_registry import ModelVersion
from mlflow_rest_sdk.compat.entities.run import Run
from mlflow_rest_sdk.compat.entities.view_type import ViewType
from mlflow_rest_sdk.compat.exceptions import MlflowException
from mlflow_rest_sdk.compat.fluent import state
from mlflow_rest_sdk.compat.fluent.experiment import current_experiment_id
from mlflow_rest_sdk.compat.fluent.runs_frame import runs_frame

__all__ = [
    "create_experiment",
    "get_experiment",
    "get_experiment_by_name",
    "get_registry_uri",
    "get_run",
    "get_tracking_uri",
    "register_model",
    "search_experiments",
    "search_runs",
    "set_experiment",
    "set_registry_uri",
    "set_tracking_uri",
]

#: How many runs or experiments one search request asks for (the server's own limit).
PAGE_SIZE = 1000
_experiment_lock = threading.Lock()
#: The file that makes a folder of artifacts a model.
MLMODEL_FILE = "MLmodel"


def set_tracking_uri(uri: str | Path) -> None:
    """Talk to the server at ``uri`` from now on (an ``http(s)://`` URL)."""
    state.state.tracking_uri = str(uri)


def get_tracking_uri() -> str:
    """The tracking URI in use: set, else ``MLFLOW_TRACKING_URI``, else MLflow's default."""
    return state.tracking_uri()


def set_registry_uri(uri: str) -> None:
    """Send model registry calls to ``uri`` (default: the tracking server)."""
    state.state.registry_uri = uri


def get_registry_uri() -> str:
    return state.registry_uri()


def set_experiment(
    experiment_name: str | None = None,
    experiment_id: str | None = None,
    trace_location: Any = None,
) -> Experiment:
    """Make an experiment active, by name (created when missing) or by id; new runs go there.
    ``trace_location`` (a Unity Catalog trace table) is refused: Databricks only."""
    if trace_location is not None:
        raise MlflowException(
            "trace_location is not supported by mlflow_rest_sdk.compat", "NOT_IMPLEMENTED"
        )
    if (experiment_name is None) == (experiment_id is None):
        raise MlflowException(
            "Must specify exactly one of: `experiment_id` or `experiment_name`.",
            error_code="INVALID_PARAMETER_VALUE",
        )
    client = state.client()
    with _experiment_lock:
        if experiment_name is not None:
            experiment = client.get_experiment_by_name(experiment_name)
            if experiment is None:
                try:
                    experiment = client.get_experiment(client.create_experiment(experiment_name))
                except MlflowException as error:
                    if error.error_code != "RESOURCE_ALREADY_EXISTS":
                        raise
                    experiment = client.get_experiment_by_name(experiment_name)
                    assert experiment is not None  # made by another process just now
        else:
            experiment = client.get_experiment(str(experiment_id))
        if experiment.lifecycle_stage != LifecycleStage.ACTIVE:
            raise MlflowException(
                f"Cannot set a deleted experiment {experiment.name!r} as the active experiment. "
                "You can restore the experiment, or permanently delete the experiment to "
                "create a new one.",
                error_code="INVALID_PARAMETER_VALUE",
            )
        state.experiment_id_set(experiment.experiment_id)
    return experiment


def create_experiment(
    name: str,
    artifact_location: str | None = None,
    tags: dict[str, Any] | None = None,
    trace_location: Any = None,
) -> str:
    """Create an experiment and return its id (it does not become active)."""
    if trace_location is not None:
        raise MlflowException(
            "trace_location is not supported by mlflow_rest_sdk.compat", "NOT_IMPLEMENTED"
        )
    return state.client().create_experiment(name, artifact_location, tags)


def get_experiment(experiment_id: str) -> Experiment:
    return state.client().get_experiment(experiment_id)


def get_experiment_by_name(name: str) -> Experiment | None:
    """The experiment named ``name``, or None."""
    return state.client().get_experiment_by_name(name)


def get_run(run_id: str) -> Run:
    return state.client().get_run(run_id)


def search_experiments(
    view_type: int = ViewType.ACTIVE_ONLY,
    max_results: int | None = None,
    filter_string: str | None = None,
    order_by: list[str] | None = None,
) -> list[Experiment]:
    """Every matching experiment (all pages), or the first ``max_results``."""
    found: list[Experiment] = []
    token: str | None = None
    while max_results is None or len(found) < max_results:
        wanted = PAGE_SIZE if max_results is None else min(PAGE_SIZE, max_results - len(found))
        page = state.client().search_experiments(view_type, wanted, filter_string, order_by, token)
        found.extend(page)
        token = page.token
        if not token:
            break
    return found


def _search_ids(
    experiment_ids: list[str] | None,
    search_all_experiments: bool,
    experiment_names: list[str] | None,
) -> list[str]:
    if experiment_ids and experiment_names:
        raise MlflowException(
            "Only experiment_ids or experiment_names can be used, but not both",
            error_code="INVALID_PARAMETER_VALUE",
        )
    if experiment_ids:
        return [str(experiment_id) for experiment_id in experiment_ids]
    if experiment_names:
        found = [get_experiment_by_name(name) for name in experiment_names if name is not None]
        return [experiment.experiment_id for experiment in found if experiment is not None]
    if search_all_experiments:
        return [experiment.experiment_id for experiment in search_experiments()]
    return [current_experiment_id()]


def search_runs(
    experiment_ids: list[str] | None = None,
    filter_string: str = "",
    run_view_type: int = ViewType.ACTIVE_ONLY,
    max_results: int = 100000,
    order_by: list[str] | None = None,
    output_format: str = "pandas",
    search_all_experiments: bool = False,
    experiment_names: list[str] | None = None,
) -> Any:
    """Matching runs of the given experiments (default: the active one), all pages up to
    ``max_results``: a pandas DataFrame shaped as MLflow's (``output_format="pandas"``, when
    pandas is installed; a list of runs otherwise) or a list (``"list"``)."""
    if output_format not in ("pandas", "list"):
        raise ValueError(
            f"Unsupported output format: {output_format}. Supported string values are "
            "'pandas' or 'list'"
        )
    ids = _search_ids(experiment_ids, search_all_experiments, experiment_names)
    runs: list[Run] = []
    token: str | None = None
    while ids and len(runs) < max_results:
        wanted = min(PAGE_SIZE, max_results - len(runs))
        page = state.client().search_runs(
            ids, filter_string, run_view_type, wanted, order_by, token
        )
        runs.extend(page)
        token = page.token
        if not token:
            break
    return runs_frame(runs) if output_format == "pandas" else runs


def _model_source(model_uri: str) -> tuple[str, str | None, str | None]:
    """``(source, run_id, model_id)`` of a model URI: a ``runs:/<run_id>/<path>`` URI stands
    for that folder of the run's artifacts, which must hold an ``MLmodel`` file (MLflow also
    looks for a logged model of that name, which model flavors make: not offered here); a
    ``models:/<model_id>`` URI for that logged model."""
    if model_uri.startswith("runs:/"):
        run_id, _, path = model_uri.removeprefix("runs:/").strip("/").partition("/")
        client = state.client()
        files = client.list_artifacts(run_id, path or None)
        if MLMODEL_FILE not in (posixpath.basename(file.path) for file in files):
            # MLflow 3.17.2 means NOT_FOUND here, but its exception reads that name as
            # INTERNAL_ERROR; the code is what moved-over code compares against.
            raise MlflowException(
                f"Unable to find a logged_model with artifact_path {path} under run {run_id}",
                error_code="INTERNAL_ERROR",
            )
        root = client.get_run(run_id).info.artifact_uri or ""
        return (f"{root}/{path}" if path else root), run_id, None
    if model_uri.startswith("models:/m-"):
        return model_uri, None, model_uri.removeprefix("models:/").strip("/")
    return model_uri, None, None


def register_model(
    model_uri: Any,
    name: Any,
    await_registration_for: Any = 300,
    *,
    tags: dict[str, Any] | None = None,
    env_pack: Any = None,
) -> ModelVersion:
    """Register the model at ``model_uri`` as a new version of ``name`` (the registered model
    is created when missing) and wait up to ``await_registration_for`` seconds for it to be
    ready. ``env_pack`` (Databricks serving) is refused."""
    if env_pack is not None:
        raise MlflowException(
            "env_pack is not supported by mlflow_rest_sdk.compat", "NOT_IMPLEMENTED"
        )
    client = state.client()
    try:
        client.create_registered_model(name)
    except MlflowException as error:
        if error.error_code not in ("RESOURCE_ALREADY_EXISTS", "ALREADY_EXISTS"):
            raise
    source, run_id, model_id = _model_source(str(model_uri))
    return client.create_model_version(
        name,
        source,
        run_id,
        tags,
        await_creation_for=await_registration_for,
        model_id=model_id,
    )
