"""TypeScript from spec/openapi.json: openapi-typescript turns the document into types, the example
client and program of examples/typescript/ type-check against them with ``tsc``, a call missing a
required field is rejected, and the compiled program runs against a real MLflow 3.17.2 server.

The npm packages are pinned by examples/typescript/package-lock.json and installed once per
machine (``npm ci``) under build/tools/. The example is copied into a temporary folder with the
types generated afresh from the committed document, so what is checked is what the document says
today, never a stale generated file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest
from tests._infra.tools import ROOT, node_modules_for
from tests.openapi.conftest import OPENAPI_PATH

from mlflow_rest_sdk.local_server import LocalMlflowServer

pytestmark = pytest.mark.xdist_group("openapi-typescript")

EXAMPLE = ROOT / "examples" / "typescript"
GENERATED_TYPES = Path("src") / "mlflow-api.ts"
NODE_TIMEOUT = 300.0


def _node() -> str:
    node = shutil.which("node")
    assert node is not None, "node is not on PATH: install Node.js 20 or newer"
    return node


def _run(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_node(), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
        check=False,
    )


def _tsc(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run(workdir, "node_modules/typescript/bin/tsc", *args)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/typescript with the npm packages and types generated from the document."""
    node_modules = node_modules_for(
        "typescript-example", EXAMPLE / "package.json", EXAMPLE / "package-lock.json"
    )
    target = tmp_path_factory.mktemp("typescript") / "example"
    shutil.copytree(
        EXAMPLE,
        target,
        ignore=shutil.ignore_patterns("node_modules", "dist", GENERATED_TYPES.name),
    )
    (target / "node_modules").symlink_to(node_modules, target_is_directory=True)
    generated = _run(
        target,
        "node_modules/openapi-typescript/bin/cli.js",
        str(OPENAPI_PATH),
        "--output",
        str(GENERATED_TYPES),
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    return target


def test_openapi_typescript_types_every_route_of_the_document(workdir: Path) -> None:
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    types = (workdir / GENERATED_TYPES).read_text(encoding="utf-8")

    missing = [path for path in document["paths"] if f'    "{path}": {{' not in types]

    assert missing == []


def test_example_client_and_program_type_check(workdir: Path) -> None:
    checked = _tsc(workdir, "--noEmit", "-p", ".")

    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_call_missing_a_required_field_is_rejected_by_tsc(workdir: Path) -> None:
    checked = _tsc(workdir, "-p", "rejected")

    errors = [line for line in checked.stdout.splitlines() if ": error TS" in line]
    assert checked.returncode != 0
    assert len(errors) == 1, checked.stdout
    assert errors[0].startswith("rejected/missing-required-field.ts(")
    assert "Property 'timestamp' is missing" in checked.stdout


def test_compiled_example_runs_against_a_real_server(
    workdir: Path, mlflow_server: LocalMlflowServer
) -> None:
    built = _tsc(workdir, "-p", ".")
    assert built.returncode == 0, built.stdout + built.stderr
    name = f"typescript-example-{uuid.uuid4().hex}"

    ran = _run(workdir, "dist/example.js", mlflow_server.url, name)

    assert ran.returncode == 0, ran.stdout + ran.stderr
    summary = json.loads(ran.stdout)
    assert summary["metric"] == {"key": "rmse", "value": 0.25, "step": 3, "timestamp_matches": True}
    assert summary["searched_run_ids"] == [summary["run_id"]]
    assert summary["registered_model"] == name
    assert summary["missing_run_error"] == "RESOURCE_DOES_NOT_EXIST"
    # What the program says it did, the server confirms on its own.
    answer = httpx.get(
        f"{mlflow_server.url}/api/2.0/mlflow/runs/get",
        params={"run_id": summary["run_id"]},
        timeout=30.0,
    )
    run = answer.raise_for_status().json()["run"]
    assert run["info"]["experiment_id"] == summary["experiment_id"]
    assert [(m["key"], m["value"]) for m in run["data"]["metrics"]] == [("rmse", 0.25)]
