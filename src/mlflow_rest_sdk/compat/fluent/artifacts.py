"""Artifacts of the active run, with MLflow's fluent signatures (files, folders, text, dicts,
figures, images) and ``get_artifact_uri``."""

from __future__ import annotations

import posixpath
from typing import Any

from mlflow_rest_sdk.compat.fluent import state
from mlflow_rest_sdk.compat.fluent.active_run import run_stack
from mlflow_rest_sdk.compat.fluent.run_logging import active_run_id

__all__ = [
    "get_artifact_uri",
    "log_artifact",
    "log_artifacts",
    "log_dict",
    "log_figure",
    "log_image",
    "log_text",
]


def log_artifact(
    local_path: str, artifact_path: str | None = None, run_id: str | None = None
) -> None:
    """Upload a local file into the run's artifacts (under ``artifact_path`` when given)."""
    state.client().log_artifact(active_run_id(run_id), local_path, artifact_path)


def log_artifacts(
    local_dir: str, artifact_path: str | None = None, run_id: str | None = None
) -> None:
    """Upload a local folder's files, keeping their layout."""
    state.client().log_artifacts(active_run_id(run_id), local_dir, artifact_path)


def log_text(text: str, artifact_file: str, run_id: str | None = None) -> None:
    """Store ``text`` as the artifact ``artifact_file`` (UTF-8)."""
    state.client().log_text(active_run_id(run_id), text, artifact_file)


def log_dict(dictionary: dict[str, Any], artifact_file: str, run_id: str | None = None) -> None:
    """Store ``dictionary`` as JSON, or YAML for a ``.yml``/``.yaml`` name."""
    state.client().log_dict(active_run_id(run_id), dictionary, artifact_file)


def log_figure(
    figure: Any, artifact_file: str, *, save_kwargs: dict[str, Any] | None = None
) -> None:
    """Store a matplotlib or plotly figure as ``artifact_file``."""
    state.client().log_figure(active_run_id(), figure, artifact_file, save_kwargs=save_kwargs)


def log_image(
    image: Any,
    artifact_file: str | None = None,
    key: str | None = None,
    step: int | None = None,
    timestamp: int | None = None,
    synchronous: bool | None = False,
) -> None:
    """Store a numpy or PIL image as ``artifact_file``, or as step ``step`` of the series
    ``key`` (with MLflow's names, thumbnail and ``mlflow.loggedImages`` tag)."""
    state.client().log_image(
        active_run_id(), image, artifact_file, key, step, timestamp, synchronous
    )


def get_artifact_uri(artifact_path: str | None = None) -> str:
    """The active run's artifact URI (starting a run when none is active, as MLflow does),
    or the URI of ``artifact_path`` under it."""
    active_run_id()  # the active run, or a new one
    root = run_stack()[-1].info.artifact_uri or ""
    if not artifact_path:
        return root
    return posixpath.join(root, artifact_path)
