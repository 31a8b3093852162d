"""The spec describes exactly the REST routes (under /api/) a real MLflow server serves.

The ground truth is the route table of the installed MLflow's Flask app (`mlflow.server.app`)
and of the same app after the basic-auth app has added its routes. Both are read in a child
process: building the basic-auth app needs environment variables, writes an auth database and
mutates the global Flask app, none of which may leak into the test session (which must also stay
free of `mlflow` imports, since the SDK promises never to import it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "mlflow_api.yaml"

Route = tuple[str, str]  # (HTTP method, path with `{name}` parameters)

PROTO_SERVICES = frozenset(
    {"MlflowService", "ModelRegistryService", "MlflowArtifactsService", "WebhookService"}
)

# Routes under /api/ that the spec leaves out on purpose, with the reason. Keep this short: every
# entry is an MLflow route the SDK cannot call.
DELIBERATELY_LEFT_OUT: dict[Route, str] = {
    ("POST", "/api/2.0/mlflow/users/create-ui"): (
        "form handler of the basic-auth signup page: takes a CSRF-protected HTML form"
    ),
}

# Runs in the child process: dumps the route tables, the proto RPCs and the MLflow version.
_DUMP_ROUTES = """
import json, sys

from mlflow.server import app
from mlflow.version import VERSION
from mlflow.protos import mlflow_artifacts_pb2, model_registry_pb2, service_pb2, webhooks_pb2


def rules():
    return sorted(
        [method, rule.rule]
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


tracking = rules()
rpcs = sorted(
    [name, method.name]
    for module, name in [
        (service_pb2, "MlflowService"),
        (model_registry_pb2, "ModelRegistryService"),
        (mlflow_artifacts_pb2, "MlflowArtifactsService"),
        (webhooks_pb2, "WebhookService"),
    ]
    for method in module.DESCRIPTOR.services_by_name[name].methods
)

from mlflow.server.auth import create_app

create_app(app)
with open(sys.argv[1], "w") as out:
    json.dump(
        {"version": VERSION, "tracking": tracking, "basic_auth": rules(), "rpcs": rpcs}, out
    )
"""

# Variables that would change what the child sees: a static prefix moves every route, an SGI
# name makes create_app return a FastAPI wrapper, the bootstrap flag is set only by `mlflow server`.
_UNSET_IN_CHILD = frozenset(
    {"_MLFLOW_STATIC_PREFIX", "_MLFLOW_SGI_NAME", "_MLFLOW_AUTH_ADMIN_BOOTSTRAPPED"}
)

_FLASK_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _spec_path(flask_rule: str) -> str:
    """`/mlflow/logged-models/<model_id>` and `<path:artifact_path>` -> `{model_id}` etc."""
    return _FLASK_PARAM.sub(r"{\1}", flask_rule)


def _api_routes(rules: list[list[str]]) -> set[Route]:
    return {(method, _spec_path(rule)) for method, rule in rules if rule.startswith("/api/")}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Route tables of the installed MLflow, read in a child process."""
    workdir = tmp_path_factory.mktemp("mlflow-routes")
    config = workdir / "basic_auth.ini"
    config.write_text(
        "[mlflow]\n"
        "default_permission = READ\n"
        f"database_uri = sqlite:///{workdir / 'auth.db'}\n"
        "admin_username = admin\n",
        encoding="utf-8",
    )
    env = {key: value for key, value in os.environ.items() if key not in _UNSET_IN_CHILD}
    env.update(
        MLFLOW_AUTH_CONFIG_PATH=str(config),
        MLFLOW_AUTH_ADMIN_USERNAME="admin",
        MLFLOW_AUTH_ADMIN_PASSWORD="route-table-check-1!",
        MLFLOW_FLASK_SERVER_SECRET_KEY="route-table-check",
    )
    dump = workdir / "routes.json"
    child = subprocess.run(
        [sys.executable, "-c", _DUMP_ROUTES, str(dump)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == 0, child.stderr
    tables: dict[str, Any] = json.loads(dump.read_text(encoding="utf-8"))
    return tables


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def _spec_routes(spec: dict[str, Any], *, basic_auth: bool) -> set[Route]:
    return {
        (endpoint["method"], endpoint["path"])
        for endpoint in spec["endpoints"]
        if (endpoint["service"] == "BasicAuth") == basic_auth
    }


def test_spec_was_imported_from_the_installed_mlflow(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    assert spec["mlflow_version"] == served["version"]


def test_every_api_route_of_the_tracking_server_is_in_the_spec(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    missing = _api_routes(served["tracking"]) - _spec_routes(spec, basic_auth=False)
    assert sorted(missing - DELIBERATELY_LEFT_OUT.keys()) == []


def test_every_api_route_the_basic_auth_app_adds_is_in_the_spec(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    added = _api_routes(served["basic_auth"]) - _api_routes(served["tracking"])
    missing = added - _spec_routes(spec, basic_auth=True)
    assert sorted(missing - DELIBERATELY_LEFT_OUT.keys()) == []


def test_every_non_auth_spec_endpoint_is_served_by_the_tracking_server(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    tracking = {(method, _spec_path(rule)) for method, rule in served["tracking"]}
    assert sorted(_spec_routes(spec, basic_auth=False) - tracking) == []


def test_basic_auth_endpoints_are_served_only_once_the_basic_auth_app_is_on(
    spec: dict[str, Any], served: dict[str, Any]
) -> None:
    tracking = _api_routes(served["tracking"])
    basic_auth = _api_routes(served["basic_auth"])
    routes = _spec_routes(spec, basic_auth=True)
    assert sorted(routes - basic_auth) == []
    assert sorted(routes & tracking) == []


def test_deliberately_left_out_routes_are_still_served(served: dict[str, Any]) -> None:
    # An exclusion that no longer matches a served route would hide nothing but rot.
    assert DELIBERATELY_LEFT_OUT.keys() <= _api_routes(served["basic_auth"])


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
