"""The production topology is real: runs are rows in PostgreSQL, artifacts are objects in S3.

The live suite's ``postgres-s3`` tests would pass just the same against a server that quietly
fell back to sqlite and a local folder; these tests look behind the server, at the database and
the bucket themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import psycopg2  # type: ignore[import-untyped]
import pytest
from tests._infra.topology import ProductionTopology
from tests.live._support import now_ms

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.models import Run


@pytest.fixture(scope="module")
def client(production_server: ProductionTopology) -> Iterator[MlflowClient]:
    with MlflowClient(production_server.url, env_file=False) as opened:
        yield opened


@pytest.fixture
def run(client: MlflowClient, unique_name: Callable[[str], str]) -> Run:
    experiment_id = client.create_experiment(name=unique_name("topology")).experiment_id
    created = client.create_run(experiment_id=experiment_id, start_time=now_ms()).run
    assert created is not None and created.info is not None
    return created


def test_a_run_created_through_the_sdk_is_a_row_in_postgresql(
    production_server: ProductionTopology, run: Run
) -> None:
    assert run.info is not None
    database = production_server.postgres
    with (
        psycopg2.connect(
            host="127.0.0.1", port=database.port, user=database.user, dbname=database.database
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT experiment_id FROM runs WHERE run_uuid = %s", (run.info.run_id,))
        rows = cursor.fetchall()

    assert rows == [(int(run.info.experiment_id or -1),)]


def test_an_artifact_uploaded_through_the_sdk_is_an_object_in_the_s3_bucket(
    production_server: ProductionTopology, client: MlflowClient, run: Run
) -> None:
    assert run.info is not None and run.info.artifact_uri is not None
    # mlflow-artifacts:/<experiment>/<run>/artifacts: the proxy stores it under its prefix
    relative = run.info.artifact_uri.removeprefix("mlflow-artifacts:/")
    content = b"step,loss\n1,0.5\n"

    client.upload_artifact(artifact_path=f"{relative}/data/sample.csv", content=content)

    key = f"{production_server.prefix}/{relative}/data/sample.csv"
    s3 = production_server.s3
    stored = s3.client().get_object(Bucket=production_server.bucket, Key=key)["Body"].read()
    assert (
        s3.keys(production_server.bucket, f"{production_server.prefix}/{relative}/"),
        stored,
    ) == (
        [key],
        content,
    )
