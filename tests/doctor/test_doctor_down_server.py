"""``mlflow-rest doctor`` when nothing listens at the configured address."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mlflow_rest_sdk.doctor import doctor_client
from mlflow_rest_sdk.doctor import run_doctor as run_doctor_in_process
from mlflow_rest_sdk.local_server import find_free_port

from ._script import DoctorRun, run_doctor

#: "A few seconds": the doctor's calls are not retried (the SDK's default retries of a refused
#: connection alone would take 7 s and more) and give up connecting after 3 s.
FAIL_FAST_SECONDS = 5.0


@pytest.fixture(scope="module")
def down_url() -> str:
    return f"http://127.0.0.1:{find_free_port()}"


@pytest.fixture(scope="module")
def down(down_url: str, workdir: Path) -> DoctorRun:
    return run_doctor("--tracking-uri", down_url, "--json", cwd=workdir)


def test_a_down_server_exits_with_code_one(down: DoctorRun) -> None:
    assert down.returncode == 1


def test_a_down_server_fails_within_seconds(down_url: str) -> None:
    """Timed in process: the script's own interpreter start is not the doctor's doing."""
    started = time.monotonic()
    with doctor_client(down_url, env_file=False) as client:
        report = run_doctor_in_process(client)
    assert time.monotonic() - started < FAIL_FAST_SECONDS
    assert not report.ok


def test_a_down_server_is_one_problem_that_names_its_url(down: DoctorRun, down_url: str) -> None:
    [problem] = down.report()["problems"]
    assert problem.startswith("reachability: cannot reach the server: connection refused")
    assert f"{down_url}/health" in problem


def test_checks_after_an_unreachable_server_are_skipped(down: DoctorRun) -> None:
    statuses = [(c["check"], c["status"]) for c in down.report()["checks"]]
    assert statuses[0] == ("reachability", "fail")
    assert {status for _, status in statuses[1:]} == {"skip"}


def test_the_text_report_marks_the_failure_and_counts_it(down_url: str, workdir: Path) -> None:
    run = run_doctor("--tracking-uri", down_url, cwd=workdir)
    assert run.returncode == 1
    [failure] = [line for line in run.stdout.splitlines() if line.lstrip().startswith("FAIL")]
    assert "reachability" in failure and down_url in failure
    assert run.stdout.splitlines()[-1] == "1 problem found"
