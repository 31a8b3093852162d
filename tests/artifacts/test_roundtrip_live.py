"""Artifacts through a real server's proxy (local folder store), on every transport."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.artifacts import ArtifactEntry, ArtifactSettings, UnsafeArtifactPathError
from mlflow_rest_sdk.errors import NotFound, NotImplementedByServer

from .conftest import new_run_id


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def make_tree(root: Path) -> dict[str, bytes]:
    """A small tree with nesting, an empty file and non-ASCII names; returns path -> bytes."""
    files = {
        "top.txt": b"top level\n",
        "model/weights.bin": bytes(range(256)) * 4000,
        "model/empty.json": b"",
        "model/deeper/nested/ünïcødé ファイル.txt": "grüße\n".encode(),
    }
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return files


def test_a_single_file_round_trips_with_matching_sha256(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    source = tmp_path / "metrics.csv"
    source.write_bytes(b"step,rmse\n1,0.5\n" * 1000)

    uploaded = artifact_client.log_artifact(run_id, source, "reports")
    downloaded = artifact_client.download_artifacts(run_id, "reports/metrics.csv", tmp_path / "out")

    assert uploaded.path == "reports/metrics.csv"
    assert downloaded.path == (tmp_path / "out" / "reports" / "metrics.csv").resolve()
    assert downloaded.path.read_bytes() == source.read_bytes()
    assert downloaded.files[0].sha256 == uploaded.sha256 == sha256_of(source)


def test_a_folder_tree_round_trips_with_empty_files_and_unicode_names(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    files = make_tree(tmp_path / "src")

    uploaded = artifact_client.log_artifacts(run_id, tmp_path / "src")
    downloaded = artifact_client.download_artifacts(run_id, "", tmp_path / "out")

    assert {t.path for t in uploaded} == set(files)
    got = {
        p.relative_to(tmp_path / "out").as_posix(): p.read_bytes()
        for p in (tmp_path / "out").rglob("*")
        if p.is_file()
    }
    assert got == files
    assert {t.path: t.sha256 for t in downloaded.files} == {t.path: t.sha256 for t in uploaded}


def test_a_sub_folder_downloads_to_the_same_relative_place(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    files = make_tree(tmp_path / "src")
    artifact_client.log_artifacts(run_id, tmp_path / "src", "bundle")

    downloaded = artifact_client.download_artifacts(run_id, "bundle/model", tmp_path / "out")

    assert downloaded.path == (tmp_path / "out" / "bundle" / "model").resolve()
    assert sorted(t.path for t in downloaded.files) == sorted(
        f"bundle/{name}" for name in files if name.startswith("model/")
    )


def test_recursive_listing_names_every_folder_and_file_from_the_root(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    make_tree(tmp_path / "src")
    artifact_client.log_artifacts(run_id, tmp_path / "src")

    entries = artifact_client.list_artifacts_recursive(run_id)

    assert {e.path for e in entries if e.is_dir} == {"model", "model/deeper", "model/deeper/nested"}
    assert ArtifactEntry("top.txt", is_dir=False, file_size=10) in entries
    assert len([e for e in entries if not e.is_dir]) == 4


def test_the_generated_one_level_listing_stays_available(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    make_tree(tmp_path / "src")
    artifact_client.log_artifacts(run_id, tmp_path / "src")

    listing = artifact_client.list_artifacts(run_id=run_id)

    assert sorted(f.path or "" for f in listing.files) == ["model", "top.txt"]


def test_deleting_a_folder_removes_it_and_leaves_the_rest(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    make_tree(tmp_path / "src")
    artifact_client.log_artifacts(run_id, tmp_path / "src")

    artifact_client.delete_artifacts(run_id, "model")

    assert [e.path for e in artifact_client.list_artifacts_recursive(run_id)] == ["top.txt"]


def test_downloading_a_missing_artifact_raises_not_found_and_writes_nothing(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        artifact_client.download_artifacts(run_id, "no/such.file", tmp_path / "out")
    assert not any(p.is_file() for p in (tmp_path / "out").rglob("*"))


def test_a_local_folder_store_answers_501_to_multipart_and_the_upload_falls_back_to_put(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    root = f"{run_id}-probe"
    with pytest.raises(NotImplementedByServer):
        artifact_client.create_multipart_upload(artifact_path=root, path="x.bin", num_parts=1)
    source = tmp_path / "big.bin"
    source.write_bytes(b"\x01" * (6 * 1024 * 1024))

    uploaded = artifact_client.log_artifact(
        run_id, source, settings=ArtifactSettings(multipart_threshold=0)
    )

    assert uploaded.size == source.stat().st_size
    entries = artifact_client.list_artifacts_recursive(run_id)
    assert entries == [ArtifactEntry("big.bin", is_dir=False, file_size=uploaded.size)]


@pytest.mark.parametrize("artifact_path", ["../escape", "/abs", "a\\b", "C:x", "a\x00b"])
def test_unsafe_artifact_paths_from_the_caller_are_refused_before_sending(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path, artifact_path: str
) -> None:
    source = tmp_path / "f.txt"
    source.write_text("x")
    with pytest.raises(UnsafeArtifactPathError, match="from the caller"):
        artifact_client.log_artifact(run_id, source, artifact_path)
    assert artifact_client.list_artifacts_recursive(run_id) == []


def test_uploading_a_folder_with_a_symlink_to_outside_sends_nothing(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    (tmp_path / "secret.txt").write_text("private")
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.txt").write_text("fine")
    (folder / "b.txt").symlink_to(tmp_path / "secret.txt")

    with pytest.raises(UnsafeArtifactPathError, match="leads outside"):
        artifact_client.log_artifacts(run_id, folder)
    assert artifact_client.list_artifacts_recursive(run_id) == []


def test_a_logged_models_artifacts_round_trip(
    artifact_client: MlflowClient, unique_name: Callable[[str], str], tmp_path: Path
) -> None:
    run_id = new_run_id(artifact_client, unique_name("model-artifacts"))
    run = artifact_client.get_run(run_id=run_id).run
    assert run is not None and run.info is not None and run.info.experiment_id is not None
    model = artifact_client.create_logged_model(experiment_id=run.info.experiment_id).model
    assert model is not None and model.info is not None and model.info.model_id is not None
    files = make_tree(tmp_path / "src")

    artifact_client.log_model_artifacts(model.info.model_id, tmp_path / "src")
    downloaded = artifact_client.download_model_artifacts(
        model.info.model_id, "model", tmp_path / "out"
    )

    assert {t.path for t in downloaded.files} == {n for n in files if n.startswith("model/")}
    assert (tmp_path / "out" / "model" / "weights.bin").read_bytes() == files["model/weights.bin"]


def test_an_artifact_uri_downloads_under_its_last_name(
    artifact_client: MlflowClient, run_id: str, tmp_path: Path
) -> None:
    files = make_tree(tmp_path / "src")
    artifact_client.log_artifacts(run_id, tmp_path / "src")
    run = artifact_client.get_run(run_id=run_id).run
    assert run is not None and run.info is not None
    folder_uri = f"{run.info.artifact_uri}/model"

    folder = artifact_client.download_artifact_uri(folder_uri, tmp_path / "out")
    single = artifact_client.download_artifact_uri(f"{folder_uri}/weights.bin", tmp_path / "one")

    assert folder.path == (tmp_path / "out" / "model").resolve()
    assert {file.path for file in folder.files} == {
        name for name in files if name.startswith("model/")
    }
    assert single.path.read_bytes() == files["model/weights.bin"]
    assert single.path == (tmp_path / "one" / "weights.bin").resolve()
