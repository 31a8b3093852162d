"""Downloads by URI, differentially: ``mlflow.artifacts.download_artifacts`` and the compat
module's twin resolve ``runs:/``, ``models:/name/version``, ``models:/name@alias``,
``models:/name/latest``, ``models:/<model_id>`` and ``mlflow-artifacts:/`` URIs to the same files,
placed the same way under ``dst_path``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import mlflow
import mlflow.artifacts
import pytest

import mlflow_rest_sdk.compat.artifacts
from mlflow_rest_sdk import MlflowClient as RestClient


def _tree(root: Path, landed: Path) -> tuple[str, dict[str, str]]:
    """Where a download landed (relative to ``root``) and every file under it, with contents."""
    files = (
        {
            path.relative_to(landed).as_posix(): path.read_text()
            for path in sorted(landed.rglob("*"))
            if path.is_file()
        }
        if landed.is_dir()
        else {landed.name: landed.read_text()}
    )
    return landed.relative_to(root).as_posix(), files


@pytest.fixture(scope="module")
def uris(tracking_uri: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A run with a model folder, registered as version 1 (alias champion), and a logged model."""
    client = mlflow.MlflowClient(tracking_uri)
    name = f"uri-dl-{uuid.uuid4().hex[:12]}"
    experiment_id = client.create_experiment(name)
    run = client.create_run(experiment_id)
    run_id = run.info.run_id
    model_dir = tmp_path_factory.mktemp("model")
    (model_dir / "MLmodel").write_text("flavors: {}\n")
    (model_dir / "data").mkdir()
    (model_dir / "data" / "weights.txt").write_text("0.5")
    client.log_artifacts(run_id, str(model_dir), "model")
    client.create_registered_model(name)
    client.create_model_version(name, f"{run.info.artifact_uri}/model", run_id)
    client.set_registered_model_alias(name, "champion", "1")
    logged = client.create_logged_model(experiment_id, "lm")
    with RestClient(tracking_uri) as rest:
        rest.log_model_artifact(logged.model_id, str(model_dir / "MLmodel"))
    return {
        "runs:/ file": f"runs:/{run_id}/model/MLmodel",
        "runs:/ folder": f"runs:/{run_id}/model",
        "models:/ version": f"models:/{name}/1",
        "models:/ alias": f"models:/{name}@champion",
        "models:/ latest": f"models:/{name}/latest",
        "models:/ logged model": f"models:/{logged.model_id}",
        "mlflow-artifacts:/ folder": f"{run.info.artifact_uri}/model/data",
    }


CASES = [
    "runs:/ file",
    "runs:/ folder",
    "models:/ version",
    "models:/ alias",
    "models:/ latest",
    "models:/ logged model",
    "mlflow-artifacts:/ folder",
]


@pytest.mark.parametrize("case", CASES)
def test_a_uri_downloads_the_same_files_to_the_same_place(
    case: str,
    uris: dict[str, str],
    tracking_uri: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # MLflow resolves logged models through its default tracking URI, whatever is passed.
    monkeypatch.setenv("MLFLOW_TRACKING_URI", tracking_uri)
    download: dict[str, Callable[..., str]] = {
        "mlflow": mlflow.artifacts.download_artifacts,
        "compat": mlflow_rest_sdk.compat.artifacts.download_artifacts,
    }
    landed = {}
    for label, function in download.items():
        root = tmp_path / label
        root.mkdir()
        path = function(
            artifact_uri=uris[case],
            dst_path=str(root),
            tracking_uri=tracking_uri,
            registry_uri=tracking_uri,
        )
        landed[label] = _tree(root, Path(path))

    assert landed["compat"] == landed["mlflow"]


def test_a_run_id_and_path_list_the_same_entries(uris: dict[str, str], tracking_uri: str) -> None:
    run_id = uris["runs:/ folder"].split("/")[1]

    ours = mlflow_rest_sdk.compat.artifacts.list_artifacts(
        run_id=run_id, artifact_path="model", tracking_uri=tracking_uri
    )
    theirs = mlflow.artifacts.list_artifacts(
        run_id=run_id, artifact_path="model", tracking_uri=tracking_uri
    )

    assert [dict(entry) for entry in ours] == [dict(entry) for entry in theirs]
