"""Fixtures for the artifact tests: the client surface on every transport, against any server.

``artifact_client`` reuses the live suite's :class:`BlockingAsyncClient` facade, so each test
body runs unchanged on httpx (sync), httpx (async) and aiohttp (async).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from tests._infra.s3 import MotoS3
from tests.live._support import now_ms
from tests.live.blocking import TRANSPORT_KINDS, blocking_client

from mlflow_rest_sdk import MlflowClient

ClientFactory = Callable[[str], MlflowClient]
#: The bucket of :func:`s3_server`.
S3_BUCKET = "mlflow-artifacts"


def open_client(url: str, transport_kind: str) -> AbstractContextManager[MlflowClient]:
    """A blocking view of the client for ``transport_kind`` talking to ``url``."""
    return blocking_client(url, transport_kind)


@pytest.fixture(scope="module", params=TRANSPORT_KINDS)
def transport_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture(scope="module")
def artifact_client(transport_kind: str, tracking_uri: str) -> Iterator[MlflowClient]:
    """The client on ``transport_kind``, against the session's real MLflow server."""
    with open_client(tracking_uri, transport_kind) as client:
        yield client


def new_run_id(client: MlflowClient, name: str) -> str:
    """A fresh run in a fresh experiment called ``name``."""
    experiment_id = client.create_experiment(name=name).experiment_id
    run = client.create_run(experiment_id=experiment_id, start_time=now_ms()).run
    assert run is not None and run.info is not None and run.info.run_id is not None
    return run.info.run_id


@pytest.fixture
def run_id(artifact_client: MlflowClient, unique_name: Callable[[str], str]) -> str:
    return new_run_id(artifact_client, unique_name("artifacts"))


@pytest.fixture(scope="module")
def s3_server() -> Iterator[MotoS3]:
    """moto's S3 server on a free loopback port with :data:`S3_BUCKET` created (the shared
    helper of ``tests/_infra/s3.py``: its ``server_env()`` is what an MLflow server needs)."""
    with MotoS3(S3_BUCKET) as server:
        yield server
