"""A hostile server cannot make a download write outside its folder or leave a truncated file.

Each test body runs on every transport against the stub in :mod:`._hostile`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.artifacts import (
    ArtifactIntegrityError,
    ArtifactSettings,
    UnsafeArtifactPathError,
    UnsupportedArtifactLocationError,
)
from mlflow_rest_sdk.errors import APIConnectionError
from mlflow_rest_sdk.local_server import find_free_port

from ._hostile import ROOT, Body, Scenario, hostile_server
from .conftest import open_client

RUN_ID = "hostile-run"


@pytest.fixture
def scenario() -> Scenario:
    return Scenario()


@pytest.fixture
def hostile(
    transport_kind: str, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MlflowClient]:
    # The client's default retry policy, without the waits between attempts.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0")
    with hostile_server(scenario) as url, open_client(url, transport_kind) as client:
        yield client


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    """A folder that holds only the destination: anything else appearing in it escaped."""
    (tmp_path / "dst").mkdir()
    return tmp_path


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../x", "'..' segment"),
        ("/etc/passwd", "absolute"),
        ("a\\b", "backslash"),
        ("C:x", "drive letter"),
        ("a\x00b", "NUL byte"),
        ("sub/../../x", "'..' segment"),
        ("", "is empty"),
    ],
)
def test_a_hostile_listed_name_is_refused_and_nothing_is_written(
    hostile: MlflowClient, scenario: Scenario, sandbox: Path, name: str, reason: str
) -> None:
    scenario.listings[ROOT] = [
        {"path": "fine.txt", "is_dir": False, "file_size": 2},
        {"path": "sub", "is_dir": True},
    ]
    scenario.listings[f"{ROOT}/sub"] = [{"path": name, "is_dir": False, "file_size": 2}]
    scenario.bodies = {f"{ROOT}/fine.txt": Body(b"ok", 2), f"{ROOT}/sub/{name}": Body(b"xx", 2)}

    with pytest.raises(UnsafeArtifactPathError, match=reason) as caught:
        hostile.download_artifacts(RUN_ID, "", sandbox / "dst")

    assert caught.value.source == "server"
    assert files_under(sandbox) == []
    assert not any("/artifacts/" + ROOT + "/" in r for r in scenario.requests)


def test_a_symlink_in_the_destination_cannot_lead_a_download_outside(
    hostile: MlflowClient, scenario: Scenario, sandbox: Path
) -> None:
    outside = sandbox / "outside"
    outside.mkdir()
    (sandbox / "dst" / "link").symlink_to(outside)
    scenario.listings[ROOT] = [{"path": "link", "is_dir": True}]
    scenario.listings[f"{ROOT}/link"] = [{"path": "x.txt", "is_dir": False, "file_size": 2}]
    scenario.bodies[f"{ROOT}/link/x.txt"] = Body(b"xx", 2)

    with pytest.raises(UnsafeArtifactPathError, match="outside"):
        hostile.download_artifacts(RUN_ID, "", sandbox / "dst")

    assert files_under(outside) == []


def test_a_body_cut_short_of_its_content_length_leaves_no_file(
    hostile: MlflowClient, scenario: Scenario, sandbox: Path
) -> None:
    scenario.listings[ROOT] = [{"path": "model.bin", "is_dir": False, "file_size": 100_000}]
    scenario.bodies[f"{ROOT}/model.bin"] = Body(b"\x07" * 1000, declared=100_000)

    with pytest.raises((ArtifactIntegrityError, APIConnectionError), match=r"model\.bin"):
        hostile.download_artifacts(RUN_ID, "", sandbox / "dst")

    assert files_under(sandbox) == []
    assert sum("model.bin" in r for r in scenario.requests) == 5  # the default: 1 try + 4 retries


def test_a_download_cut_off_once_is_retried_and_completes(
    hostile: MlflowClient, scenario: Scenario, sandbox: Path
) -> None:
    content = bytes(range(256)) * 400
    scenario.listings[ROOT] = [{"path": "model.bin", "is_dir": False, "file_size": len(content)}]
    scenario.bodies[f"{ROOT}/model.bin"] = Body(content, declared=len(content), cut_first=1)

    downloaded = hostile.download_artifacts(RUN_ID, "", sandbox / "dst")

    assert (sandbox / "dst" / "model.bin").read_bytes() == content
    assert downloaded.files[0].sha256 == hashlib.sha256(content).hexdigest()
    assert files_under(sandbox) == ["dst/model.bin"]


def test_a_body_shorter_than_listed_leaves_no_file(
    hostile: MlflowClient, scenario: Scenario, sandbox: Path
) -> None:
    scenario.listings[ROOT] = [{"path": "model.bin", "is_dir": False, "file_size": 100_000}]
    scenario.bodies[f"{ROOT}/model.bin"] = Body(b"\x07" * 1000, declared=None)

    with pytest.raises(ArtifactIntegrityError, match=r"gave 1000 bytes, the listing said 100000"):
        hostile.download_artifacts(RUN_ID, "", sandbox / "dst")

    assert files_under(sandbox) == []


def test_a_complete_file_after_a_failed_one_is_not_mistaken_for_success(
    hostile: MlflowClient, scenario: Scenario, sandbox: Path
) -> None:
    scenario.listings[ROOT] = [
        {"path": "a.bin", "is_dir": False, "file_size": 3},
        {"path": "b.bin", "is_dir": False, "file_size": 10},
    ]
    scenario.bodies = {f"{ROOT}/a.bin": Body(b"abc", 3), f"{ROOT}/b.bin": Body(b"short", None)}

    with pytest.raises(ArtifactIntegrityError, match=r"b\.bin"):
        hostile.download_artifacts(RUN_ID, "", sandbox / "dst")

    assert files_under(sandbox) == ["dst/a.bin"]


def test_a_listing_that_nests_forever_is_cut_off(
    hostile: MlflowClient, scenario: Scenario, sandbox: Path
) -> None:
    scenario.list_forever = True

    with pytest.raises(ArtifactIntegrityError, match="nests deeper"):
        hostile.download_artifacts(RUN_ID, "", sandbox / "dst")

    assert files_under(sandbox) == []


@pytest.mark.parametrize(
    "artifact_uri", ["s3://bucket/0/run/artifacts", "/srv/mlruns/0/run/artifacts"]
)
def test_a_run_stored_outside_the_proxy_gets_an_error_naming_the_server_option(
    hostile: MlflowClient, scenario: Scenario, sandbox: Path, artifact_uri: str
) -> None:
    scenario.artifact_uri = artifact_uri

    with pytest.raises(UnsupportedArtifactLocationError, match="--serve-artifacts") as caught:
        hostile.download_artifacts(RUN_ID, "", sandbox / "dst")

    assert artifact_uri in str(caught.value)


def test_a_failed_part_upload_never_shows_the_presigned_signature(
    hostile: MlflowClient, scenario: Scenario, tmp_path: Path
) -> None:
    closed_port = find_free_port()
    scenario.part_url = f"http://127.0.0.1:{closed_port}/bucket/key?X-Amz-Signature=topsecret"
    source = tmp_path / "model.bin"
    source.write_bytes(b"weights")

    with pytest.raises(APIConnectionError) as caught:
        hostile.log_artifact(RUN_ID, source, settings=ArtifactSettings(multipart_threshold=0))

    assert "topsecret" not in str(caught.value)
    assert "/bucket/key" in str(caught.value)
    assert any(r.startswith("POST /api/2.0/mlflow-artifacts/mpu/abort/") for r in scenario.requests)


def test_an_upload_answered_503_is_sent_again_from_the_first_byte(
    hostile: MlflowClient, scenario: Scenario, tmp_path: Path
) -> None:
    scenario.put_failures = 2
    source = tmp_path / "model.bin"
    source.write_bytes(bytes(range(256)) * 4096)
    settings = ArtifactSettings(chunk_size=64 * 1024)

    sent = hostile.log_artifact(RUN_ID, source, "weights", settings=settings)

    assert scenario.uploaded == {f"{ROOT}/weights/model.bin": source.read_bytes()}
    assert sum(r.startswith("PUT ") for r in scenario.requests) == 3
    assert sent.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
