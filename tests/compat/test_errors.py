"""Errors: the same failing calls through MLflow's client and the compat client raise
``MlflowException`` with the same ``error_code`` and HTTP status; the compat client's are also
the SDK's own error classes, so code written for either catches them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mlflow
import pytest
from mlflow.exceptions import MlflowException as MlflowsException

import mlflow_rest_sdk.compat
from mlflow_rest_sdk import errors as sdk_errors
from mlflow_rest_sdk.compat import MlflowException

Call = Callable[[Any, str], object]

#: Failing calls, each made on both clients with a name unique to that client.
FAILING_CALLS: dict[str, Call] = {
    "get_run, missing run": lambda client, name: client.get_run("0" * 32),
    "log_metric, missing run": lambda client, name: client.log_metric("0" * 32, "m", 1.0),
    "get_run, malformed id": lambda client, name: client.get_run("../etc"),
    "create_experiment, duplicate": lambda client, name: [
        client.create_experiment(name),
        client.create_experiment(name),
    ],
    "get_experiment, missing": lambda client, name: client.get_experiment("987654321"),
    "search_runs, bad filter": lambda client, name: client.search_runs(["0"], "metrics.x >>> 1"),
    "create_experiment, runs:/ location": lambda client, name: client.create_experiment(
        name, artifact_location="runs:/abc/x"
    ),
    "get_registered_model, missing": lambda client, name: client.get_registered_model(name),
    "create_registered_model, duplicate": lambda client, name: [
        client.create_registered_model(name),
        client.create_registered_model(name),
    ],
    "get_model_version_by_alias, missing": lambda client, name: [
        client.create_registered_model(name),
        client.get_model_version_by_alias(name, "nope"),
    ],
    "get_logged_model, missing": lambda client, name: client.get_logged_model("m-" + "0" * 32),
    "set_model_version_tag, neither version nor stage": lambda client, name: (
        client.set_model_version_tag(name, key="k", value="v")
    ),
}


def _failure(call: Call, client: Any, name: str) -> MlflowsException | MlflowException:
    with pytest.raises((MlflowsException, MlflowException)) as caught:
        call(client, name)
    return caught.value


@pytest.mark.parametrize("case", sorted(FAILING_CALLS))
def test_the_same_error_code_as_mlflows(
    case: str,
    mlflow_client: mlflow.MlflowClient,
    compat_client: mlflow_rest_sdk.compat.MlflowClient,
    unique_name: Callable[[str], str],
) -> None:
    name = unique_name("err")
    theirs = _failure(FAILING_CALLS[case], mlflow_client, f"{name}-mlflow")
    ours = _failure(FAILING_CALLS[case], compat_client, f"{name}-compat")

    assert isinstance(ours, MlflowException)
    assert (ours.error_code, ours.get_http_status_code()) == (
        theirs.error_code,
        theirs.get_http_status_code(),
    )


#: Bad arguments MLflow's client lets Python refuse, with the built-in class it raises.
PYTHON_ERRORS: dict[str, tuple[Call, type[Exception]]] = {
    "log_metric, not a number": (
        lambda client, name: client.log_metric("0" * 32, "m", "high"),
        TypeError,
    ),
    "search_experiments, bad view type": (
        lambda client, name: client.search_experiments(7),
        ValueError,
    ),
}


@pytest.mark.parametrize("case", sorted(PYTHON_ERRORS))
def test_a_bad_argument_mlflow_leaves_to_python_is_that_error_and_an_mlflow_exception(
    case: str,
    mlflow_client: mlflow.MlflowClient,
    compat_client: mlflow_rest_sdk.compat.MlflowClient,
) -> None:
    call, builtin = PYTHON_ERRORS[case]
    with pytest.raises(builtin):
        call(mlflow_client, "unused")

    with pytest.raises(builtin) as caught:
        call(compat_client, "unused")

    assert isinstance(caught.value, MlflowException)
    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"


def test_a_missing_run_is_also_the_sdks_resource_does_not_exist(
    compat_client: mlflow_rest_sdk.compat.MlflowClient,
) -> None:
    with pytest.raises(sdk_errors.ResourceDoesNotExist) as caught:
        compat_client.get_run("0" * 32)

    assert isinstance(caught.value, MlflowException)
    assert caught.value.status_code == 404


def test_a_duplicate_experiment_is_also_the_sdks_resource_already_exists(
    compat_client: mlflow_rest_sdk.compat.MlflowClient, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("dup")
    compat_client.create_experiment(name)

    with pytest.raises(sdk_errors.ResourceAlreadyExists) as caught:
        compat_client.create_experiment(name)

    assert caught.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_a_refused_connection_is_an_mlflow_exception() -> None:
    with (
        mlflow_rest_sdk.compat.MlflowClient("http://127.0.0.1:9") as client,
        pytest.raises(MlflowException) as caught,
    ):
        client.get_experiment("0")

    assert isinstance(caught.value, sdk_errors.MlflowRestError)


@pytest.mark.parametrize("uri", ["sqlite:///mlflow.db", "file:///tmp/mlruns", "databricks"])
def test_a_tracking_uri_that_is_no_server_is_refused_clearly(uri: str) -> None:
    with pytest.raises(MlflowException) as caught:
        mlflow_rest_sdk.compat.MlflowClient(uri)

    assert isinstance(caught.value, sdk_errors.ConfigurationError)
    assert caught.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "http" in str(caught.value)
