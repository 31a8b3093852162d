"""The rest of MLflow's fluent tracking functions: deleting and restoring experiments and
runs, experiment tags (of the active experiment), streams, registry searches and tags, logged
models, and the flushes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO, TypeVar

from mlflow_rest_sdk.compat.entities.logged_model import LoggedModel
from mlflow_rest_sdk.compat.entities.model_registry import ModelVersion, RegisteredModel
from mlflow_rest_sdk.compat.entities.paged_list import PagedList
from mlflow_rest_sdk.compat.entities.run import Run
from mlflow_rest_sdk.compat.entities.run_outputs import LoggedModelOutput
from mlflow_rest_sdk.compat.fluent import state
from mlflow_rest_sdk.compat.fluent.async_logging import flush_all
from mlflow_rest_sdk.compat.fluent.experiment import current_experiment_id
from mlflow_rest_sdk.compat.fluent.run_logging import active_run_id

__all__ = [
    "delete_experiment",
    "delete_experiment_tag",
    "delete_logged_model_tag",
    "delete_run",
    "flush_artifact_async_logging",
    "flush_async_logging",
    "get_logged_model",
    "get_parent_run",
    "log_outputs",
    "log_stream",
    "restore_experiment",
    "restore_run",
    "search_model_versions",
    "search_registered_models",
    "set_experiment_tag",
    "set_experiment_tags",
    "set_logged_model_tags",
    "set_model_version_tag",
]

Item = TypeVar("Item")
#: How many registry entries one search request asks for.
REGISTRY_PAGE_SIZE = 1000


def delete_experiment(experiment_id: str) -> None:
    state.client().delete_experiment(experiment_id)


def restore_experiment(experiment_id: str) -> None:
    state.client().restore_experiment(experiment_id)


def delete_run(run_id: str) -> None:
    state.client().delete_run(run_id)


def restore_run(run_id: str) -> None:
    state.client().restore_run(run_id)


def get_parent_run(run_id: str) -> Run | None:
    """The run ``run_id`` is nested under, or None."""
    return state.client().get_parent_run(run_id)


def set_experiment_tag(key: str, value: Any) -> None:
    """Tag the active experiment (the value as a string)."""
    state.client().set_experiment_tag(current_experiment_id(), key, value)


def set_experiment_tags(tags: dict[str, Any]) -> None:
    experiment_id = current_experiment_id()
    for key, value in tags.items():
        state.client().set_experiment_tag(experiment_id, key, value)


def delete_experiment_tag(key: str) -> None:
    state.client().delete_experiment_tag(current_experiment_id(), key)


def log_stream(stream: BinaryIO, artifact_file: str, run_id: str | None = None) -> None:
    """Store what a binary stream holds as the artifact ``artifact_file``."""
    state.client().log_stream(active_run_id(run_id), stream, artifact_file)


def _every_page(
    search: Callable[[int, str | None], PagedList[Item]], max_results: int | None
) -> list[Item]:
    found: list[Item] = []
    token: str | None = None
    while max_results is None or len(found) < max_results:
        wanted = REGISTRY_PAGE_SIZE if max_results is None else max_results - len(found)
        page = search(min(wanted, REGISTRY_PAGE_SIZE), token)
        found.extend(page)
        token = page.token
        if not token:
            break
    return found


def search_model_versions(
    max_results: int | None = None,
    filter_string: str | None = None,
    order_by: list[str] | None = None,
) -> list[ModelVersion]:
    """Every matching model version (all pages), or the first ``max_results``."""
    client = state.client()
    return _every_page(
        lambda size, token: client.search_model_versions(filter_string, size, order_by, token),
        max_results,
    )


def search_registered_models(
    max_results: int | None = None,
    filter_string: str | None = None,
    order_by: list[str] | None = None,
) -> list[RegisteredModel]:
    """Every matching registered model (all pages), or the first ``max_results``."""
    client = state.client()
    return _every_page(
        lambda size, token: client.search_registered_models(filter_string, size, order_by, token),
        max_results,
    )


def set_model_version_tag(
    name: str, version: str | None = None, key: str | None = None, value: Any = None
) -> None:
    state.client().set_model_version_tag(name, version, key, value)


def get_logged_model(model_id: str) -> LoggedModel:
    return state.client().get_logged_model(model_id)


def set_logged_model_tags(model_id: str, tags: dict[str, Any]) -> None:
    state.client().set_logged_model_tags(model_id, tags)


def delete_logged_model_tag(model_id: str, key: str) -> None:
    state.client().delete_logged_model_tag(model_id, key)


def log_outputs(models: list[LoggedModelOutput] | None = None) -> None:
    """Record logged models as outputs of the active run (a run is started when none is)."""
    state.client().log_outputs(active_run_id(), models or [])


def flush_async_logging() -> None:
    """Send every value queued with ``synchronous=False``; raises ``BatchLoggingError``
    naming what could not be stored."""
    flush_all()


def flush_artifact_async_logging() -> None:
    """Nothing to wait for: every artifact was uploaded before its call returned."""
