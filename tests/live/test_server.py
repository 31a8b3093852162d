"""The server's own routes: ``/health`` and ``/version``."""

from __future__ import annotations

from mlflow_rest_sdk import MLFLOW_VERSION, MlflowClient


def test_health_answers_ok(api: MlflowClient) -> None:
    assert api.health() == "OK"


def test_version_is_the_mlflow_version_the_sdk_was_generated_from(api: MlflowClient) -> None:
    assert api.version() == "3.17.2" == MLFLOW_VERSION
