"""``mlflow-rest doctor`` against a basic-auth server: right, wrong and missing credentials."""

from __future__ import annotations

from pathlib import Path

import pytest

from auth._server import BasicAuthServer

from ._script import DoctorRun, run_doctor

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("basic-auth-server")]

WRONG_PASSWORD = "definitely-not-the-admin-password"
PROTECTED_CHECKS = ("version", "api-2.0", "api-3.0", "artifacts")


@pytest.fixture(scope="module")
def wrong_credentials(basic_auth_server: BasicAuthServer, workdir: Path) -> DoctorRun:
    return run_doctor(
        "--tracking-uri", basic_auth_server.url, "--username", basic_auth_server.admin_username,
        "--password-env", "DOCTOR_TEST_PASSWORD", "--json", cwd=workdir,
        env={"DOCTOR_TEST_PASSWORD": WRONG_PASSWORD},
    )  # fmt: skip


def test_wrong_credentials_are_one_problem_that_names_the_user(
    wrong_credentials: DoctorRun, basic_auth_server: BasicAuthServer
) -> None:
    assert wrong_credentials.returncode == 1
    assert wrong_credentials.report()["problems"] == [
        f"auth: wrong credentials: the server refused user "
        f"{basic_auth_server.admin_username!r} (HTTP 401)"
    ]


def test_wrong_credentials_still_show_the_server_reachable(wrong_credentials: DoctorRun) -> None:
    assert wrong_credentials.check("reachability")["status"] == "ok"
    assert wrong_credentials.check("latency")["status"] in ("ok", "warn")


def test_checks_that_need_a_login_are_skipped_after_wrong_credentials(
    wrong_credentials: DoctorRun,
) -> None:
    assert {wrong_credentials.check(name)["status"] for name in PROTECTED_CHECKS} == {"skip"}


def test_the_password_appears_nowhere_in_the_output(wrong_credentials: DoctorRun) -> None:
    assert WRONG_PASSWORD not in wrong_credentials.stdout + wrong_credentials.stderr


def test_the_right_credentials_from_the_sdk_variables_pass_every_check(
    basic_auth_server: BasicAuthServer, workdir: Path
) -> None:
    run = run_doctor(
        "--json", "--latency-samples", "1", cwd=workdir,
        env={
            "MLFLOW_TRACKING_URI": basic_auth_server.url,
            "MLFLOW_TRACKING_USERNAME": basic_auth_server.admin_username,
            "MLFLOW_TRACKING_PASSWORD": basic_auth_server.admin_password,
        },
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    auth = run.check("auth")
    assert auth["message"] == f"authenticated as {basic_auth_server.admin_username!r} (admin)"
    assert {run.check(name)["status"] for name in PROTECTED_CHECKS} == {"ok"}
    assert basic_auth_server.admin_password not in run.stdout + run.stderr


def test_no_credentials_on_an_auth_server_say_which_variables_to_set(
    basic_auth_server: BasicAuthServer, workdir: Path
) -> None:
    run = run_doctor("--tracking-uri", basic_auth_server.url, "--json", cwd=workdir)
    assert run.returncode == 1
    [problem] = run.report()["problems"]
    assert "requires authentication" in problem
    assert "MLFLOW_TRACKING_USERNAME" in problem
