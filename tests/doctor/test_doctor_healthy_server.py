"""``mlflow-rest doctor`` against a healthy server (the session's plain MLflow server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlflow_rest_sdk import MLFLOW_VERSION
from mlflow_rest_sdk.local_server import LocalMlflowServer

from ._script import DoctorRun, run_doctor


@pytest.fixture(scope="module")
def healthy(mlflow_server: LocalMlflowServer, workdir: Path) -> DoctorRun:
    return run_doctor(
        "--tracking-uri", mlflow_server.url, "--json", "--latency-samples", "3", cwd=workdir
    )


def test_a_healthy_server_passes_every_check_and_exits_zero(healthy: DoctorRun) -> None:
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    report = healthy.report()
    assert (report["ok"], report["problems"]) == (True, [])
    assert [c["check"] for c in report["checks"]] == [
        "reachability", "auth", "version", "api-2.0", "api-3.0", "artifacts", "latency",
    ]  # fmt: skip
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses.pop("latency") in ("ok", "warn")  # warn only means a slow machine
    assert set(statuses.values()) == {"ok"}


def test_the_report_names_the_server_and_the_auth_in_use(
    healthy: DoctorRun, mlflow_server: LocalMlflowServer
) -> None:
    assert (healthy.report()["server"], healthy.report()["auth"]) == (mlflow_server.url, "none")


def test_the_server_version_is_read_from_slash_version(healthy: DoctorRun) -> None:
    version = healthy.check("version")
    assert version["status"] == "ok"
    assert version["data"] == {
        "server_version": MLFLOW_VERSION,
        "sdk_generated_from": MLFLOW_VERSION,
    }


def test_a_server_without_the_auth_app_needs_no_login(healthy: DoctorRun) -> None:
    auth = healthy.check("auth")
    assert (auth["status"], auth["data"]["auth_app"]) == ("ok", False)
    assert "no auth app" in auth["message"]


def test_both_api_prefixes_answer(healthy: DoctorRun) -> None:
    assert healthy.check("api-2.0")["status"] == "ok"
    v3 = healthy.check("api-3.0")
    assert (v3["status"], v3["data"]["server_info"]["store_type"]) == ("ok", "SqlStore")


def test_the_artifact_proxy_is_found(healthy: DoctorRun) -> None:
    artifacts = healthy.check("artifacts")
    assert (artifacts["status"], artifacts["data"]["proxy"]) == ("ok", True)


def test_latency_is_the_median_of_the_requested_number_of_health_calls(
    healthy: DoctorRun,
) -> None:
    data = healthy.check("latency")["data"]
    assert data["samples"] == 3
    assert 0 < data["min_ms"] <= data["median_ms"] <= data["max_ms"]


def test_the_text_report_has_one_line_per_check_and_a_verdict(
    mlflow_server: LocalMlflowServer, workdir: Path
) -> None:
    run = run_doctor("--tracking-uri", mlflow_server.url, "--latency-samples", "1", cwd=workdir)
    lines = run.stdout.splitlines()
    assert run.returncode == 0
    assert lines[0] == f"mlflow-rest doctor: {mlflow_server.url} (auth: none)"
    assert [line.split()[1] for line in lines[1:-1]] == [
        "reachability", "auth", "version", "api-2.0", "api-3.0", "artifacts", "latency",
    ]  # fmt: skip
    assert lines[-1] == "all checks passed"


def test_the_server_comes_from_mlflow_tracking_uri_by_default(
    mlflow_server: LocalMlflowServer, workdir: Path
) -> None:
    run = run_doctor(
        "--json", "--latency-samples", "1", cwd=workdir,
        env={"MLFLOW_TRACKING_URI": mlflow_server.url},
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.report()["server"] == mlflow_server.url


def test_a_tracking_uri_with_a_path_the_server_does_not_serve_is_one_problem(
    mlflow_server: LocalMlflowServer, workdir: Path
) -> None:
    run = run_doctor("--tracking-uri", f"{mlflow_server.url}/mlflow", "--json", cwd=workdir)
    assert run.returncode == 1
    [problem] = run.report()["problems"]
    assert problem.startswith("reachability: ")
    assert f"{mlflow_server.url}/mlflow/health answered HTTP 404" in problem
