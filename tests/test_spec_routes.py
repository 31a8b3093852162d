"""The spec describes exactly the REST routes (under /api/) a real MLflow server serves.

The ground truth is the route table of the installed MLflow's Flask app and of the same app after
the basic-auth app has added its routes (`tests._infra.routes`, read in a child process; the
session-wide `served` fixture of `tests/conftest.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests._infra.routes import (
    DELIBERATELY_LEFT_OUT,
    all_routes,
    api_routes,
    spec_routes,
)

SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "mlflow_api.yaml"

PROTO_SERVICES = frozenset(
    {"MlflowService", "ModelRegistryService", "MlflowArtifactsService", "WebhookService"}
)


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def test_spec_was_imported_from_the_installed_mlflow(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    assert spec["mlflow_version"] == served["version"]


def test_every_api_route_of_the_tracking_server_is_in_the_spec(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    missing = api_routes(served["tracking"]) - spec_routes(spec, basic_auth=False)
    assert sorted(missing - DELIBERATELY_LEFT_OUT.keys()) == []


def test_every_api_route_the_basic_auth_app_adds_is_in_the_spec(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    added = api_routes(served["basic_auth"]) - api_routes(served["tracking"])
    missing = added - spec_routes(spec, basic_auth=True)
    assert sorted(missing - DELIBERATELY_LEFT_OUT.keys()) == []


def test_every_non_auth_spec_endpoint_is_served_by_the_tracking_server(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    tracking = all_routes(served["tracking"])
    assert sorted(spec_routes(spec, basic_auth=False) - tracking) == []


def test_basic_auth_endpoints_are_served_only_once_the_basic_auth_app_is_on(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    tracking = api_routes(served["tracking"])
    basic_auth = api_routes(served["basic_auth"])
    routes = spec_routes(spec, basic_auth=True)
    assert sorted(routes - basic_auth) == []
    assert sorted(routes & tracking) == []


def test_deliberately_left_out_routes_are_still_served(served: dict[str, Any]) -> None:
    # An exclusion that no longer matches a served route would hide nothing but rot.
    assert DELIBERATELY_LEFT_OUT.keys() <= api_routes(served["basic_auth"])


def test_every_rpc_of_the_four_proto_services_has_an_endpoint(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    # RPC names repeat across services (listArtifacts), so an RPC is a (service, name) pair.
    in_spec = {(e["service"], e["rpc"]) for e in spec["endpoints"] if e["rpc"] is not None}
    declared = {(service, rpc) for service, rpc in served["rpcs"]}
    assert sorted(in_spec ^ declared) == []


def test_mlflow_3_17_2_declares_183_rpcs_served_as_187_routes(spec: dict[str, Any]) -> None:
    # Four RPCs are served at two (method, path) pairs each. These counts pin MLflow 3.17.2:
    # update them together with `mlflow_version` when the spec is re-imported.
    proto = [e for e in spec["endpoints"] if e["rpc"] is not None]
    assert spec["mlflow_version"] == "3.17.2"
    assert {e["service"] for e in proto} == PROTO_SERVICES
    assert len({(e["service"], e["rpc"]) for e in proto}) == 183
    assert len({(e["method"], e["path"]) for e in proto}) == 187


BASIC_AUTH_OPERATIONS = frozenset(
    {
        # users, under /api/2.0
        "create_user", "get_user", "list_users", "get_current_user", "update_user_password",
        "update_user_admin", "delete_user",
        # per-user permissions, under /api/3.0
        "list_current_user_permissions", "list_user_permissions", "grant_user_permission",
        "revoke_user_permission", "get_user_permission",
        # roles, under /api/3.0
        "create_role", "get_role", "list_roles", "update_role", "delete_role",
        "add_role_permission", "remove_role_permission", "list_role_permissions",
        "update_role_permission", "assign_role", "unassign_role", "list_user_roles",
        "list_role_users",
    }
)  # fmt: skip


def test_spec_describes_the_25_rest_routes_of_the_basic_auth_app(spec: dict[str, Any]) -> None:
    endpoints = [e for e in spec["endpoints"] if e["service"] == "BasicAuth"]
    assert len({(e["method"], e["path"]) for e in endpoints}) == 25
    assert sorted(e["operation"] for e in endpoints) == sorted(BASIC_AUTH_OPERATIONS)


@pytest.mark.parametrize(("path", "operation"), [("/health", "health"), ("/version", "version")])
def test_health_and_version_are_plain_text_gets(
    spec: dict[str, Any], path: str, operation: str
) -> None:
    matches = [e for e in spec["endpoints"] if e["path"] == path]
    assert [(e["method"], e["operation"], e["response_body"]) for e in matches] == [
        ("GET", operation, "text")
    ]
