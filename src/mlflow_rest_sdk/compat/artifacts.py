"""``mlflow.artifacts.download_artifacts`` and ``list_artifacts`` with MLflow's arguments:
``from mlflow_rest_sdk.compat.artifacts import download_artifacts``.

Each call opens a compat client on ``tracking_uri`` (else ``MLFLOW_TRACKING_URI``) and closes
it; a program that downloads often should keep one ``MlflowClient`` instead.
"""

from __future__ import annotations

from mlflow_rest_sdk.compat._sync.client import MlflowClient
from mlflow_rest_sdk.compat._uris import parse_runs_uri
from mlflow_rest_sdk.compat.entities.file_info import FileInfo
from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = ["download_artifacts", "list_artifacts"]


def _check_source(artifact_uri: str | None, run_id: str | None, artifact_path: str | None) -> None:
    if artifact_uri is not None and (run_id is not None or artifact_path is not None):
        raise MlflowException.invalid_parameter_value(
            "If the `artifact_uri` argument is specified, the `run_id` and `artifact_path` "
            "arguments must not be specified."
        )
    if artifact_uri is None and run_id is None:
        raise MlflowException.invalid_parameter_value(
            "Either `run_id` or `artifact_uri` must be specified."
        )


def download_artifacts(
    artifact_uri: str | None = None,
    run_id: str | None = None,
    artifact_path: str | None = None,
    dst_path: str | None = None,
    tracking_uri: str | None = None,
    registry_uri: str | None = None,
) -> str:
    """Download a run's artifact (``run_id`` and ``artifact_path``) or what an
    ``artifact_uri`` names (``runs:/``, ``models:/name/version``, ``models:/name@alias``,
    ``models:/<model_id>``, ``mlflow-artifacts:/``); returns the local path."""
    _check_source(artifact_uri, run_id, artifact_path)
    with MlflowClient(tracking_uri, registry_uri) as client:
        if artifact_uri is not None:
            return client._download_artifact_uri(artifact_uri, dst_path)
        return client.download_artifacts(run_id or "", artifact_path or "", dst_path)


def list_artifacts(
    artifact_uri: str | None = None,
    run_id: str | None = None,
    artifact_path: str | None = None,
    tracking_uri: str | None = None,
) -> list[FileInfo]:
    """The files and folders directly under a run's ``artifact_path`` (or ``runs:/`` URI)."""
    _check_source(artifact_uri, run_id, artifact_path)
    if artifact_uri is not None:
        run_id, artifact_path = parse_runs_uri(artifact_uri)
    with MlflowClient(tracking_uri) as client:
        return client.list_artifacts(run_id or "", artifact_path or None)
