"""How ``mlflow_api_call`` maps the older code's paths to the SDK's operations."""

from __future__ import annotations

import pytest

from water_models.legacy_api import EndpointRemovedError, UnknownEndpointError, find_endpoint


@pytest.mark.parametrize(
    "path",
    [
        "mlflow/experiments/create",
        "/api/2.0/mlflow/experiments/create",
        "api/2.0/mlflow/experiments/create",
    ],
)
def test_short_and_full_paths_name_the_same_operation(path: str) -> None:
    assert find_endpoint(path, "post").operation == "create_experiment"


def test_the_method_picks_between_operations_on_one_path() -> None:
    assert find_endpoint("mlflow/runs/search", "POST").operation == "search_runs"


def test_a_removed_endpoint_names_its_replacement() -> None:
    with pytest.raises(EndpointRemovedError, match="registered-models/search instead"):
        find_endpoint("mlflow/registered-models/list", "GET")


def test_a_wrong_method_names_the_accepted_ones() -> None:
    with pytest.raises(UnknownEndpointError, match="does not accept GET; it accepts POST"):
        find_endpoint("mlflow/experiments/create", "GET")


def test_a_misspelled_endpoint_suggests_close_ones() -> None:
    with pytest.raises(UnknownEndpointError, match="did you mean mlflow/experiments/create"):
        find_endpoint("mlflow/experiment/create", "POST")
