"""Multipart upload for real: an MLflow server whose proxy stores artifacts in S3 (moto's server
on loopback), so ``mpu/create`` answers with presigned part URLs instead of 501."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from moto.server import ThreadedMotoServer
from tests.conftest import SERVER_STARTUP_TIMEOUT

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.artifacts import ArtifactSettings
from mlflow_rest_sdk.local_server import LocalMlflowServer, find_free_port

from .conftest import new_run_id, open_client

BUCKET = "mlflow-artifacts"
MiB = 1024 * 1024
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}

pytestmark = pytest.mark.xdist_group("artifacts-s3")


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port, with the artifact bucket created."""
    port = find_free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        s3_client(url).create_bucket(Bucket=BUCKET)
        yield url
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        region_name=AWS_ENV["AWS_DEFAULT_REGION"],
    )


@pytest.fixture(scope="module")
def s3_tracking_uri(s3_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second real MLflow server whose artifact proxy writes to the S3 bucket."""
    server = LocalMlflowServer(
        data_dir=tmp_path_factory.mktemp("mlflow-s3-server"),
        artifacts_destination=f"s3://{BUCKET}/artifacts",
        workers=1,  # one uvicorn worker: a much cheaper start, and enough for these tests
        startup_timeout=SERVER_STARTUP_TIMEOUT,
        extra_env={"MLFLOW_S3_ENDPOINT_URL": s3_endpoint, **AWS_ENV},
    )
    with server:
        yield server.url


@pytest.fixture(scope="module")
def s3_client_on(transport_kind: str, s3_tracking_uri: str) -> Iterator[MlflowClient]:
    with open_client(s3_tracking_uri, transport_kind) as client:
        yield client


def test_a_large_file_goes_up_in_parts_and_comes_back_intact(
    s3_client_on: MlflowClient, s3_endpoint: str, transport_kind: str, tmp_path: Path
) -> None:
    client = s3_client_on
    run_id = new_run_id(client, f"multipart-{transport_kind}-{tmp_path.name}")
    source = tmp_path / "model.bin"
    with source.open("wb") as handle:
        for index in range(12):
            handle.write(bytes([index]) * MiB)
    settings = ArtifactSettings(multipart_threshold=1, part_size=5 * MiB)

    uploaded = client.log_artifact(run_id, source, "weights", settings=settings)
    downloaded = client.download_artifacts(run_id, "weights/model.bin", tmp_path / "out")

    with source.open("rb") as handle:
        expected = hashlib.file_digest(handle, "sha256").hexdigest()
    assert uploaded.sha256 == downloaded.files[0].sha256 == expected
    run = client.get_run(run_id=run_id).run
    assert run is not None and run.info is not None and run.info.artifact_uri is not None
    experiment_id = run.info.experiment_id
    key = f"artifacts/{experiment_id}/{run_id}/artifacts/weights/model.bin"
    head = s3_client(s3_endpoint).head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] == 12 * MiB
    # S3 gives a multipart object the ETag "<md5 of part md5s>-<number of parts>".
    assert head["ETag"].strip('"').endswith("-3")


def test_a_small_file_below_the_threshold_goes_up_in_one_put(
    s3_client_on: MlflowClient, s3_endpoint: str, transport_kind: str, tmp_path: Path
) -> None:
    client = s3_client_on
    run_id = new_run_id(client, f"single-put-{transport_kind}-{tmp_path.name}")
    source = tmp_path / "small.txt"
    source.write_bytes(b"tiny")

    client.log_artifact(run_id, source)

    run = client.get_run(run_id=run_id).run
    assert run is not None and run.info is not None
    key = f"artifacts/{run.info.experiment_id}/{run_id}/artifacts/small.txt"
    head = s3_client(s3_endpoint).head_object(Bucket=BUCKET, Key=key)
    assert "-" not in head["ETag"]
