"""Entities: constructed with MLflow's parameters in MLflow's order, so code that builds
entities works unchanged; ``models:/`` URIs taken apart as MLflow takes them."""

from __future__ import annotations

import inspect

import mlflow.entities
import mlflow.entities.model_registry
import pytest

import mlflow_rest_sdk.compat.entities as entities
from mlflow_rest_sdk.compat import MlflowException
from mlflow_rest_sdk.compat._uris import ModelUri, parse_model_uri, parse_runs_uri

#: Names with no MLflow class to compare with (``PagedList`` lives in ``mlflow.store``), and
#: enums (their members are compared by the differential tests).
NOT_COMPARED = {"PagedList", "ModelVersionStatus", "ViewType", "RunStatus", "LifecycleStage"}
COMPARED = sorted(set(entities.__all__) - NOT_COMPARED)


def _mlflows(name: str) -> type:
    found = getattr(mlflow.entities, name, None) or getattr(
        mlflow.entities.model_registry, name, None
    )
    assert found is not None, f"mlflow has no entity {name}"
    return found


@pytest.mark.parametrize("name", COMPARED)
def test_constructor_parameters_equal_mlflows(name: str) -> None:
    ours = getattr(entities, name)
    theirs = _mlflows(name)
    if issubclass(ours, str):  # a string enum: compare the members instead
        assert {member.value for member in ours} == {member.value for member in theirs}
        return

    def names(cls: type) -> list[str]:
        return list(inspect.signature(cls.__init__).parameters)

    assert names(ours) == names(theirs)


def test_entities_built_by_position_read_as_mlflows() -> None:
    ours = entities.Metric("rmse", 0.4, 1_700_000_000_000, 3)
    theirs = mlflow.entities.Metric("rmse", 0.4, 1_700_000_000_000, 3)

    assert dict(ours) == dict(theirs)


def test_entities_are_equal_by_value() -> None:
    assert entities.Param("lr", "0.1") == entities.Param("lr", "0.1")
    assert entities.Param("lr", "0.1") != entities.Param("lr", "0.2")


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("models:/fleet/3", ModelUri(name="fleet", version="3")),
        ("models:/fleet@champion", ModelUri(name="fleet", alias="champion")),
        ("models:/fleet/Staging", ModelUri(name="fleet", stage="Staging")),
        ("models:/fleet/latest", ModelUri(name="fleet")),
        ("models:/fleet", ModelUri(name="fleet")),
        ("models:/m-0123abcd", ModelUri(model_id="m-0123abcd")),
    ],
)
def test_model_uris_are_taken_apart_as_mlflow_does(uri: str, expected: ModelUri) -> None:
    assert parse_model_uri(uri) == expected


@pytest.mark.parametrize(
    "uri", ["runs:/abc/model", "models:", "models:/", "models:/a/b/c", "models:/a/", "models:/@x"]
)
def test_improper_model_uris_are_refused(uri: str) -> None:
    with pytest.raises(MlflowException) as caught:
        parse_model_uri(uri)

    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"


def test_runs_uris_give_run_id_and_path() -> None:
    assert parse_runs_uri("runs:/0a1b/model/MLmodel") == ("0a1b", "model/MLmodel")
