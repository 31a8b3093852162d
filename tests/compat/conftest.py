"""Fixtures of the compat tests: MLflow's own client (the oracle) and the compat client, side by
side on the shared live server (``tracking_uri`` of ``tests/conftest.py``: one real MLflow
3.17.2 server per xdist worker)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import mlflow
import mlflow.entities
import pytest

import mlflow_rest_sdk.compat
import mlflow_rest_sdk.compat.entities

from .sides import Side


@pytest.fixture(scope="module")
def mlflow_client(tracking_uri: str) -> mlflow.MlflowClient:
    return mlflow.MlflowClient(tracking_uri)


@pytest.fixture(scope="module")
def compat_client(tracking_uri: str) -> Iterator[mlflow_rest_sdk.compat.MlflowClient]:
    with mlflow_rest_sdk.compat.MlflowClient(tracking_uri) as client:
        yield client


@pytest.fixture
def sides(
    mlflow_client: mlflow.MlflowClient,
    compat_client: mlflow_rest_sdk.compat.MlflowClient,
    unique_name: Callable[[str], str],
) -> dict[str, Side]:
    """Both sides, sharing one name prefix so that their names differ only by the side."""
    prefix = unique_name("cmp")
    return {
        "mlflow": Side("mlflow", mlflow_client, mlflow.entities, prefix),
        "compat": Side("compat", compat_client, mlflow_rest_sdk.compat.entities, prefix),
    }
