"""Error mapping against the real server, and requests refused before anything is sent.

The expected classes are the ones MLflow 3.17.2 really answers with: for example a run created in
a missing experiment is ``404 RESOURCE_DOES_NOT_EXIST``, not an invalid parameter.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.errors import (
    BadRequest,
    InvalidParameterValue,
    MlflowApiError,
    NotFound,
    RequestValidationError,
    ResourceAlreadyExists,
    ResourceDoesNotExist,
)

MISSING_RUN_ID = "0" * 32
MISSING_EXPERIMENT_ID = "999999999"


def _assert_api_error(
    error: MlflowApiError, *, status_code: int, error_code: str, says: str
) -> None:
    assert (error.status_code, error.error_code) == (status_code, error_code)
    assert says in error.message


def test_missing_run_raises_resource_does_not_exist(api: MlflowClient) -> None:
    with pytest.raises(ResourceDoesNotExist) as raised:
        api.get_run(run_id=MISSING_RUN_ID)

    assert isinstance(raised.value, NotFound)
    _assert_api_error(
        raised.value, status_code=404, error_code="RESOURCE_DOES_NOT_EXIST", says=MISSING_RUN_ID
    )


def test_duplicate_experiment_name_raises_resource_already_exists(
    api: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("exp")
    api.create_experiment(name=name)

    with pytest.raises(ResourceAlreadyExists) as raised:
        api.create_experiment(name=name)

    assert isinstance(raised.value, BadRequest)
    _assert_api_error(
        raised.value, status_code=400, error_code="RESOURCE_ALREADY_EXISTS", says=name
    )


def test_invalid_search_filter_raises_invalid_parameter_value(
    api: MlflowClient, experiment_id: str
) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        api.search_runs(experiment_ids=[experiment_id], filter="params.model_type ==== 'xgb'")

    _assert_api_error(
        raised.value, status_code=400, error_code="INVALID_PARAMETER_VALUE", says="===="
    )


def test_negative_max_results_raises_invalid_parameter_value(
    api: MlflowClient, experiment_id: str
) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        api.search_runs(experiment_ids=[experiment_id], max_results=-1)

    _assert_api_error(
        raised.value, status_code=400, error_code="INVALID_PARAMETER_VALUE", says="max_results"
    )


def test_run_in_missing_experiment_raises_resource_does_not_exist(api: MlflowClient) -> None:
    with pytest.raises(ResourceDoesNotExist) as raised:
        api.create_run(experiment_id=MISSING_EXPERIMENT_ID)

    _assert_api_error(
        raised.value,
        status_code=404,
        error_code="RESOURCE_DOES_NOT_EXIST",
        says=MISSING_EXPERIMENT_ID,
    )


def test_model_version_source_outside_the_run_raises_invalid_parameter_value(
    api: MlflowClient, registered_model_name: str, run_id: str
) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        api.create_model_version(
            name=registered_model_name, source="/tmp/not-under-the-run/model", run_id=run_id
        )

    _assert_api_error(
        raised.value, status_code=400, error_code="INVALID_PARAMETER_VALUE", says="source"
    )


def test_wrong_field_type_is_refused_before_sending(
    api: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("never-created")

    with pytest.raises(RequestValidationError) as raised:
        api.create_experiment(name=name, tags="team=water")  # type: ignore[arg-type]

    assert raised.value.field == "tags"
    assert "tags" in str(raised.value)
    with pytest.raises(ResourceDoesNotExist):
        api.get_experiment_by_name(experiment_name=name)


def test_missing_required_field_is_refused_before_sending(api: MlflowClient, run_id: str) -> None:
    with pytest.raises(RequestValidationError) as raised:
        api.log_metric(run_id=run_id, key="rmse", value=0.5)  # type: ignore[call-overload]

    assert raised.value.field == "timestamp"
    run = api.get_run(run_id=run_id).run
    assert run is not None and run.data is not None
    assert run.data.metrics == []
