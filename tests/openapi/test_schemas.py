"""What the document says about single routes and fields, checked on known ones."""

from __future__ import annotations

from typing import Any

import pytest
from tests.openapi.conftest import Validator

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient


def _op(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][path][method.lower()]
    return operation


def _schema(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


@pytest.mark.parametrize("value", [123, "123", -5, "-5", 2**63 - 1, str(2**63 - 1)])
def test_an_int64_field_accepts_the_number_and_the_string_form(
    validator: Validator, value: int | str
) -> None:
    assert validator(_schema("RunInfo")).is_valid({"start_time": value})


@pytest.mark.parametrize("value", ["12a", "", 1.5, True, None, "1e3"])
def test_an_int64_field_rejects_what_is_not_an_integer(validator: Validator, value: object) -> None:
    assert not validator(_schema("RunInfo")).is_valid({"start_time": value})


@pytest.mark.parametrize("value", [1.5, 3, "NaN", "Infinity", "-Infinity"])
def test_a_double_accepts_numbers_and_protobufs_non_finite_strings(
    validator: Validator, value: float | str
) -> None:
    assert validator(_schema("Metric")).is_valid({"key": "loss", "value": value})


def test_an_enum_accepts_its_names_only(validator: Validator) -> None:
    assert validator(_schema("RunInfo")).is_valid({"status": "FINISHED"})
    assert not validator(_schema("RunInfo")).is_valid({"status": "DONE"})


def test_required_fields_of_the_protos_are_required(
    document: dict[str, Any], validator: Validator
) -> None:
    assert "name" in document["components"]["schemas"]["CreateExperiment"]["required"]
    assert not validator(_schema("CreateExperiment")).is_valid({"artifact_location": "x"})
    assert validator(_schema("CreateExperiment")).is_valid({"name": "exp"})
    history = _op(document, "GET", "/api/2.0/mlflow/metrics/get-history")["parameters"]
    metric_key = next(p for p in history if p["name"] == "metric_key")
    assert metric_key == {
        "in": "query",
        "name": "metric_key",
        "required": True,
        "schema": {"type": "string"},
    }


def test_every_required_flag_of_a_request_message_reaches_the_document(
    document: dict[str, Any], spec_data: dict[str, Any]
) -> None:
    classes = {s["x-proto-message"]: s for s in document["components"]["schemas"].values()
               if "x-proto-message" in s}  # fmt: skip
    for name, message in spec_data["messages"].items():
        required = [f["name"] for f in message["fields"] if f["required"]]
        assert classes[name].get("required", []) == required, name


def test_unknown_fields_are_allowed_in_messages(validator: Validator) -> None:
    # A newer server may add fields: a response must not fail on them.
    assert validator(_schema("RunInfo")).is_valid({"run_id": "r", "added_later": 1})


def test_a_delete_route_of_mlflow_takes_a_json_body(document: dict[str, Any]) -> None:
    op = _op(document, "DELETE", "/api/2.0/mlflow/registered-models/delete")
    assert op["requestBody"]["required"] is True
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert schema == _schema("DeleteRegisteredModel")
    assert "parameters" not in op


def test_delete_bodies_match_the_spec(document: dict[str, Any], spec_data: dict[str, Any]) -> None:
    with_body = {e["path"] for e in spec_data["endpoints"]
                 if e["method"] == "DELETE" and e["request_body"] == "json"}  # fmt: skip
    in_document = {path for path, item in document["paths"].items()
                   if "requestBody" in item.get("delete", {})}  # fmt: skip
    assert in_document == with_body
    assert len(with_body) == 22


def test_get_fields_are_query_parameters_and_repeated_ones_explode(
    document: dict[str, Any],
) -> None:
    op = _op(document, "GET", "/api/2.0/mlflow/registered-models/get-latest-versions")
    stages = next(p for p in op["parameters"] if p["name"] == "stages")
    assert stages["in"] == "query"
    assert (stages["style"], stages["explode"]) == ("form", True)
    assert stages["schema"] == {"type": "array", "items": {"type": "string"}}
    assert "requestBody" not in op


def test_a_field_bound_to_the_path_is_a_path_parameter_not_a_body_field(
    document: dict[str, Any],
) -> None:
    op = _op(document, "PATCH", "/api/2.0/mlflow/logged-models/{model_id}/tags")
    assert [(p["name"], p["in"], p["required"]) for p in op["parameters"]] == [
        ("model_id", "path", True)
    ]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert "model_id" not in body["properties"] and "tags" in body["properties"]


def test_artifact_paths_keep_their_slashes(document: dict[str, Any]) -> None:
    op = _op(document, "GET", "/api/2.0/mlflow-artifacts/artifacts/{artifact_path}")
    (param,) = op["parameters"]
    assert param["x-mlflow-path-kind"] == "path"
    assert "application/octet-stream" in op["responses"]["200"]["content"]


@pytest.mark.parametrize(
    ("method", "path", "method_name"),
    [
        ("POST", "/api/2.0/mlflow/runs/create", "create_run"),
        ("GET", "/api/2.0/mlflow/experiments/get-by-name", "get_experiment_by_name"),
        ("POST", "/api/2.0/mlflow/registered-models/create", "create_registered_model"),
    ],
)
def test_operation_ids_are_the_sdk_method_names(
    document: dict[str, Any], method: str, path: str, method_name: str
) -> None:
    assert _op(document, method, path)["operationId"] == method_name
    assert callable(getattr(MlflowClient, method_name))
    assert callable(getattr(AsyncMlflowClient, method_name))


def test_every_operation_id_of_a_preferred_route_is_a_client_method(
    document: dict[str, Any],
) -> None:
    for item in document["paths"].values():
        for op in item.values():
            name = op.get("x-mlflow-sdk-method", op["operationId"])
            assert callable(getattr(MlflowClient, name)), name


def test_the_get_twin_of_a_post_search_names_the_method_that_covers_it(
    document: dict[str, Any],
) -> None:
    op = _op(document, "GET", "/api/2.0/mlflow/experiments/search")
    assert op["operationId"] == "search_experiments_get"
    assert op["x-mlflow-sdk-method"] == "search_experiments"
    assert _op(document, "POST", "/api/2.0/mlflow/experiments/search")["operationId"] == (
        "search_experiments"
    )


def test_extension_fields_carry_idempotency_pagination_and_the_api_version(
    document: dict[str, Any],
) -> None:
    create = _op(document, "POST", "/api/2.0/mlflow/runs/create")
    assert create["x-mlflow-idempotent"] is False
    assert create["x-mlflow-rest-api-version"] == "2.0"
    assert create["x-mlflow-rpc"] == "MlflowService.createRun"
    search = _op(document, "POST", "/api/2.0/mlflow/runs/search")
    assert search["x-mlflow-idempotent"] is True
    assert search["x-mlflow-pagination"] == {
        "token_field": "page_token",
        "token_in": "body",
        "next_token_field": "next_page_token",
        "items_field": "runs",
        "max_results_field": "max_results",
    }
    logged = _op(document, "POST", "/api/2.0/mlflow/logged-models/search")
    assert logged["x-mlflow-rest-api-version"] == "2.0"
    assert _op(document, "GET", "/api/3.0/mlflow/server-info")["x-mlflow-rest-api-version"] == (
        "3.0"
    )
    experiments = _op(document, "POST", "/api/2.0/mlflow/experiments/search")
    assert experiments["x-mlflow-client-defaults"] == {"max_results": 1000}


def test_routes_and_fields_carry_their_first_mlflow_release_from_the_history(
    document: dict[str, Any],
) -> None:
    # Logged models are REST API 2.0 but first shipped in MLflow 3.0; webhooks in 3.3.
    logged = _op(document, "POST", "/api/2.0/mlflow/logged-models")
    assert (logged["x-mlflow-rest-api-version"], logged["x-mlflow-first-release"]) == (
        "2.0",
        "3.0.0",
    )
    assert _op(document, "POST", "/api/2.0/mlflow/webhooks")["x-mlflow-first-release"] == "3.3.0"
    assert _op(document, "POST", "/api/2.0/mlflow/runs/create")["x-mlflow-first-release"] == (
        "2.0.0"
    )
    metric = document["components"]["schemas"]["LogMetric"]["properties"]
    assert metric["run_id"]["x-mlflow-first-release"] == "2.0.0"
    assert metric["model_id"]["x-mlflow-first-release"] == "3.0.0"


def test_every_route_the_history_dates_says_its_first_release(
    document: dict[str, Any], spec_data: dict[str, Any]
) -> None:
    dated = {
        (endpoint["method"].lower(), endpoint["path"]): endpoint["first_release"]
        for endpoint in spec_data["endpoints"]
        if endpoint.get("first_release")
    }
    assert dated
    for (method, path), release in dated.items():
        assert document["paths"][path][method]["x-mlflow-first-release"] == release


def test_errors_have_mlflows_body(document: dict[str, Any], validator: Validator) -> None:
    not_found = document["components"]["responses"]["Error404"]
    assert "RESOURCE_DOES_NOT_EXIST" in not_found["x-mlflow-error-codes"]
    schema = not_found["content"]["application/json"]["schema"]
    body = {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run 'x' not found"}
    assert validator(schema).is_valid(body)
    assert validator(schema).is_valid({**body, "details": {"why": 1}, "sqlstate": "42P01"})
    assert not validator(schema).is_valid({"message": "no code"})


def test_security_schemes_are_basic_and_bearer_and_optional(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert {name: (s["type"], s["scheme"]) for name, s in schemes.items()} == {
        "basic": ("http", "basic"),
        "bearer": ("http", "bearer"),
    }
    assert {} in document["security"]
    assert _op(document, "GET", "/health")["security"] == [{}]


def test_answers_from_outside_mlflows_json_handler_are_documented(
    document: dict[str, Any], validator: Validator
) -> None:
    responses = document["components"]["responses"]
    for status in ("401", "403", "404", "500"):
        assert "text/html" in responses[f"Error{status}"]["content"], status
    not_found = responses["Error404"]["content"]["application/json"]["schema"]
    assert validator(not_found).is_valid({"detail": "Not Found"})
    assert "text/html" not in responses["Error400"]["content"]
    version = _op(document, "GET", "/version")["responses"]["200"]["content"]
    assert set(version) == {"text/plain", "text/html"}
