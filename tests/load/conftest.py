"""A 1-worker MLflow server (sqlite) of its own: the easiest server to overload with a burst."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mlflow_rest_sdk.local_server import LocalMlflowServer


@pytest.fixture(scope="session")
def single_worker_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMlflowServer]:
    with LocalMlflowServer(tmp_path_factory.mktemp("single-worker"), workers=1) as server:
        yield server
