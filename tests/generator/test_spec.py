"""The committed spec: complete, stable, and what the clients are generated from."""

from __future__ import annotations

import inspect
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from codegen.__main__ import HISTORY_OVERLAY_PATH, HISTORY_PATH, OVERLAY_PATH, SPEC_PATH
from codegen.drift import compare
from codegen.proto_import import import_services
from codegen.proto_pool import ProtoPool
from codegen.spec import Spec
from codegen.spec_build import build_spec, dump_spec, load_overlay
from codegen.spec_history import load_history_inputs
from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

PROTO_SERVICES = {
    "MlflowService",
    "ModelRegistryService",
    "MlflowArtifactsService",
    "WebhookService",
}


@pytest.fixture(scope="module")
def spec() -> Spec:
    return Spec.load(SPEC_PATH)


def _import_installed() -> dict[str, object]:
    """What `make import-proto` writes: the installed protos, both overlays, the history."""
    protos = ProtoPool.installed()
    history = load_history_inputs(HISTORY_PATH, HISTORY_OVERLAY_PATH)
    return build_spec(import_services(protos), load_overlay(OVERLAY_PATH), protos.release, history)


@pytest.fixture(scope="module")
def fresh_import() -> dict[str, object]:
    return _import_installed()


def test_a_fresh_import_is_byte_identical_to_the_committed_spec(
    fresh_import: dict[str, object],
) -> None:
    assert dump_spec(fresh_import) == SPEC_PATH.read_text(encoding="utf-8")


def test_importing_twice_gives_the_same_bytes(fresh_import: dict[str, object]) -> None:
    again = _import_installed()
    assert dump_spec(again) == dump_spec(fresh_import)


def test_drift_against_the_same_mlflow_reports_nothing(fresh_import: dict[str, object]) -> None:
    committed = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    report = compare(committed, fresh_import)  # type: ignore[arg-type]
    assert not report.changed, report.render()


def test_all_183_proto_rpcs_of_mlflow_3_17_2_are_in_the_spec(spec: Spec) -> None:
    rpcs = {(e.service, e.rpc) for e in spec.endpoints if e.service in PROTO_SERVICES}
    assert len(rpcs) == 183
    assert spec.mlflow_version == "3.17.2"


def test_each_rpc_has_exactly_one_preferred_endpoint(spec: Spec) -> None:
    preferred = Counter((e.service, e.rpc or e.path) for e in spec.endpoints if e.preferred)
    all_owners = {(e.service, e.rpc or e.path) for e in spec.endpoints}
    assert set(preferred) == all_owners
    assert max(preferred.values()) == 1


def test_health_version_and_the_basic_auth_routes_are_in_the_spec(spec: Spec) -> None:
    routes = {(e.method, e.path) for e in spec.endpoints}
    assert ("GET", "/health") in routes
    assert ("GET", "/version") in routes
    assert sum(1 for e in spec.endpoints if e.service == "BasicAuth") == 25


def test_every_path_is_the_full_served_path_with_braced_params(spec: Spec) -> None:
    for endpoint in spec.endpoints:
        if endpoint.service in PROTO_SERVICES:
            assert re.match(r"^/api/[23]\.0", endpoint.path), endpoint.path
        assert "<" not in endpoint.path, endpoint.path
        params = re.findall(r"\{(\w+)\}", endpoint.path)
        assert params == [p.name for p in endpoint.path_params], endpoint.path


def test_every_endpoint_has_a_sync_and_an_async_method(spec: Spec) -> None:
    for endpoint in spec.endpoints:
        sync_method = getattr(MlflowClient, endpoint.operation)
        async_method = getattr(AsyncMlflowClient, endpoint.operation)
        assert not inspect.iscoroutinefunction(sync_method), endpoint.operation
        assert inspect.iscoroutinefunction(async_method), endpoint.operation


def test_drift_reports_added_endpoints_and_changed_fields(spec: Spec) -> None:
    old = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    new = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    new["mlflow_version"] = "9.9.9"
    new["endpoints"].append({**new["endpoints"][0], "path": "/api/3.0/mlflow/brand-new"})
    new["messages"]["mlflow.CreateExperiment"]["fields"].append({"name": "color", "type": "string"})
    new["messages"]["mlflow.CreateExperiment"]["fields"][0]["type"] = "int64"
    report = compare(old, new).render()
    assert "/api/3.0/mlflow/brand-new" in report
    assert "mlflow.CreateExperiment.color" in report
    assert "mlflow.CreateExperiment.name" in report
    assert "9.9.9" in report


def test_the_spec_file_is_where_the_tools_expect_it() -> None:
    assert Path(__file__).resolve().parents[2] / "spec" / "mlflow_api.yaml" == SPEC_PATH
