"""The REST routes a real MLflow server serves, as the ground truth for the spec and the OpenAPI
document built from it.

The route tables come from the installed MLflow's Flask app (`mlflow.server.app`) and from the
same app after the basic-auth app has added its routes. Both are read in a child process:
building the basic-auth app needs environment variables, writes an auth database and mutates the
global Flask app, none of which may leak into the test session (which must also stay free of
`mlflow` imports, since the SDK promises never to import it).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

Route = tuple[str, str]  # (HTTP method, path with `{name}` parameters)

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


def spec_path(flask_rule: str) -> str:
    """`/mlflow/logged-models/<model_id>` and `<path:artifact_path>` -> `{model_id}` etc."""
    return _FLASK_PARAM.sub(r"{\1}", flask_rule)


def all_routes(rules: Iterable[list[str]]) -> set[Route]:
    return {(method, spec_path(rule)) for method, rule in rules}


def api_routes(rules: Iterable[list[str]]) -> set[Route]:
    return {route for route in all_routes(rules) if route[1].startswith("/api/")}


def read_route_tables(workdir: Path) -> dict[str, Any]:
    """The installed MLflow's route tables (``tracking``, ``basic_auth``: ``[method, rule]``
    lists), its proto RPCs (``rpcs``) and ``version``, read in a child process in ``workdir``."""
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


def spec_routes(spec: Mapping[str, Any], *, basic_auth: bool) -> set[Route]:
    """The spec's (method, path) pairs of the basic-auth app's routes, or of all the others."""
    return {
        (endpoint["method"], endpoint["path"])
        for endpoint in spec["endpoints"]
        if (endpoint["service"] == "BasicAuth") == basic_auth
    }
