"""spec/openapi.json: a valid OpenAPI 3.1 document of exactly the routes MLflow serves, committed
as the generator writes it, shipped in the package and printed by ``mlflow-rest openapi``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator
from tests._infra.routes import DELIBERATELY_LEFT_OUT, Route, all_routes, api_routes
from tests.openapi.conftest import OPENAPI_PATH, PACKAGE_COPY, ROOT, SPEC_PATH

from codegen.openapi import build_openapi, dump_openapi
from codegen.spec import Spec
from mlflow_rest_sdk import cli

METHODS = frozenset({"get", "put", "post", "delete", "patch"})
TINY_SPEC = ROOT / "tests" / "generator" / "fixtures" / "tiny_spec.yaml"


def _routes(document: dict[str, Any]) -> set[Route]:
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1.")
    validate(document, cls=OpenAPIV31SpecValidator)


def test_the_document_from_the_tiny_fixture_spec_is_valid_too() -> None:
    validate(build_openapi(Spec.load(TINY_SPEC)), cls=OpenAPIV31SpecValidator)


def test_the_committed_document_is_what_the_generator_writes_byte_for_byte(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "codegen", "openapi", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    committed = OPENAPI_PATH.read_bytes()
    assert (tmp_path / "spec" / "openapi.json").read_bytes() == committed
    assert (tmp_path / PACKAGE_COPY.relative_to(ROOT)).read_bytes() == committed
    assert PACKAGE_COPY.read_bytes() == committed


def test_dumping_is_stable_sorted_and_ends_in_a_newline() -> None:
    spec = Spec.load(SPEC_PATH)
    first, second = dump_openapi(build_openapi(spec)), dump_openapi(build_openapi(spec))
    assert first == second
    assert first.endswith("}\n") and not first.endswith("\n\n")
    assert first == json.dumps(json.loads(first), indent=2, sort_keys=True, ensure_ascii=False) + (
        "\n"
    )


def test_its_routes_are_the_specs_routes(
    document: dict[str, Any], spec_data: dict[str, Any]
) -> None:
    in_spec = {(e["method"], e["path"]) for e in spec_data["endpoints"]}
    assert len(in_spec) == len(spec_data["endpoints"]) == 217
    assert _routes(document) == in_spec


def test_its_api_routes_are_exactly_those_the_server_serves(
    document: dict[str, Any], served: dict[str, Any]
) -> None:
    # The basic-auth table is the tracking app's routes plus the ones the auth app adds.
    api = {route for route in _routes(document) if route[1].startswith("/api/")}
    served_api = api_routes(served["basic_auth"]) - DELIBERATELY_LEFT_OUT.keys()
    assert sorted(api - served_api) == []
    assert sorted(served_api - api) == []


def test_its_routes_outside_the_api_are_health_and_version_and_served(
    document: dict[str, Any], served: dict[str, Any]
) -> None:
    outside = {route for route in _routes(document) if not route[1].startswith("/api/")}
    assert outside == {("GET", "/health"), ("GET", "/version")}
    assert outside <= all_routes(served["tracking"])


def test_basic_auth_routes_need_basic_credentials_and_are_only_served_with_the_auth_app(
    document: dict[str, Any], served: dict[str, Any]
) -> None:
    basic_only = {
        (method, path)
        for method, path, op in _operations(document)
        if op.get("security") == [{"basic": []}]
    }
    added = api_routes(served["basic_auth"]) - api_routes(served["tracking"])
    assert basic_only == added - DELIBERATELY_LEFT_OUT.keys()
    assert len(basic_only) == 25


def test_operation_ids_are_unique_and_tags_are_declared(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in _operations(document)]
    assert len(ids) == len(set(ids))
    declared = [tag["name"] for tag in document["tags"]]
    assert declared == sorted(declared)
    used = {tag for _, _, op in _operations(document) for tag in op["tags"]}
    assert used == set(declared)


def test_every_operation_has_a_success_and_the_mlflow_error_responses(
    document: dict[str, Any],
) -> None:
    for method, path, op in _operations(document):
        responses = op["responses"]
        assert "200" in responses, (method, path)
        assert responses["default"] == {"$ref": "#/components/responses/Error"}
        for status in ("400", "401", "403", "404", "409", "429", "500", "503"):
            assert responses[status] == {"$ref": f"#/components/responses/Error{status}"}
        assert isinstance(op["x-mlflow-idempotent"], bool), (method, path)


def test_mlflow_rest_openapi_prints_the_shipped_document(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["openapi"]) == cli.EXIT_OK
    printed = capsys.readouterr().out
    assert printed == OPENAPI_PATH.read_text(encoding="utf-8")
    assert json.loads(printed)["info"]["title"] == "MLflow REST API"


def test_the_mlflow_rest_console_script_prints_valid_json() -> None:
    script = Path(sys.executable).with_name("mlflow-rest")
    assert script.exists(), f"{script}: the console script is not installed (make venv)"
    done = subprocess.run(
        [str(script), "openapi"], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == OPENAPI_PATH.read_text(encoding="utf-8")
    assert json.loads(done.stdout)["openapi"] == "3.1.0"
