"""The naming resolver: every generated name comes from these rules."""

from __future__ import annotations

import pytest

from codegen.naming import (
    camel_case,
    class_name,
    module_name,
    package_prefix,
    resource_group,
    safe_attribute,
    snake_case,
)


@pytest.mark.parametrize(
    ("rpc", "method"),
    [
        ("createExperiment", "create_experiment"),
        ("logBatch", "log_batch"),
        ("getModelVersionDownloadUri", "get_model_version_download_uri"),
        ("getTraceInfoV3", "get_trace_info_v3"),
        ("searchTracesV3", "search_traces_v3"),
        ("getHTTPStatus", "get_http_status"),
        ("health", "health"),
    ],
)
def test_rpc_names_become_snake_case_methods(rpc: str, method: str) -> None:
    assert snake_case(rpc) == method


@pytest.mark.parametrize(
    ("wire", "python"),
    [
        ("name", "name"),
        ("from", "from_"),
        ("class", "class_"),
        ("schema", "schema_"),
        ("json", "json_"),
        ("copy", "copy_"),
        ("model_config", "model_config_"),
        ("model_id", "model_id"),
        ("request", "request_"),
        ("timeout", "timeout_"),
        ("match", "match_"),
        ("3d", "_3d"),
    ],
)
def test_wire_names_that_would_shadow_something_get_a_safe_attribute(
    wire: str, python: str
) -> None:
    assert safe_attribute(wire) == python


@pytest.mark.parametrize(
    ("full_name", "package", "expected"),
    [
        ("mlflow.CreateExperiment", "mlflow", "CreateExperiment"),
        ("mlflow.CreateExperiment.Response", "mlflow", "CreateExperimentResponse"),
        ("mlflow.artifacts.ListArtifacts", "mlflow.artifacts", "ListArtifacts"),
        ("auth.CreateUser.Response", "auth", "CreateUserResponse"),
    ],
)
def test_message_class_names_drop_the_package_and_join_nesting(
    full_name: str, package: str, expected: str
) -> None:
    assert class_name(full_name, package) == expected


@pytest.mark.parametrize(
    ("package", "prefix"),
    [
        ("mlflow.artifacts", "Artifacts"),
        ("mlflow.assessments", "Assessments"),
        ("opentelemetry.proto.trace.v1", "OtelTraceV1"),
        ("auth", "Auth"),
    ],
)
def test_colliding_names_take_a_prefix_from_their_package(package: str, prefix: str) -> None:
    assert package_prefix(package) == prefix


def test_camel_case_joins_words_and_keeps_capitals() -> None:
    assert camel_case("resource_does_not_exist") == "ResourceDoesNotExist"
    assert camel_case("search-datasets") == "SearchDatasets"
    assert camel_case("getTraceInfoV3") == "GetTraceInfoV3"


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("/api/2.0/mlflow/runs/create", "runs"),
        ("/api/2.0/mlflow/registered-models/get", "registered_models"),
        ("/api/3.0/mlflow/traces/{trace_id}/tags", "traces"),
        ("/api/2.0/mlflow-artifacts/mpu/create", "mpu"),
        ("/api/2.0/tiny-artifacts/{blob_path}", "tiny_artifacts"),
        ("/api/2.0/mlflow", "mlflow"),
        ("/health", "health"),
        ("/", "root"),
    ],
)
def test_a_route_is_grouped_by_the_resource_after_the_api_namespace(path: str, group: str) -> None:
    assert resource_group(path) == group


@pytest.mark.parametrize(
    ("segment", "module"),
    [("label-schemas", "label_schemas"), ("2fa", "m_2fa"), ("import", "import_"), ("-", "root")],
)
def test_path_segments_become_valid_module_names(segment: str, module: str) -> None:
    assert module_name(segment) == module
