"""The doctor's checks and report, in process: verdicts, skips and one-line problems."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mlflow_rest_sdk.doctor import (
    CheckResult,
    DoctorReport,
    Status,
    check_latency,
    doctor_client,
    run_doctor,
)
from mlflow_rest_sdk.local_server import LocalMlflowServer

ERROR_PAGE = b"<!doctype html>\n<html>\n<title>500 Internal Server Error</title>\n" + b"x" * 500


class _BrokenProxy(BaseHTTPRequestHandler):
    """Something that is not MLflow: a 500 HTML page for every request."""

    def do_GET(self) -> None:
        self.send_response(500)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(ERROR_PAGE)))
        self.end_headers()
        self.wfile.write(ERROR_PAGE)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def broken_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BrokenProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_warnings_alone_leave_the_report_ok() -> None:
    report = DoctorReport(
        server="http://127.0.0.1:5000",
        auth="none",
        results=(
            CheckResult("version", Status.WARN, "old server"),
            CheckResult("latency", Status.SKIP, "skipped"),
        ),
    )
    assert (report.ok, report.problems, report.as_dict()["problems"]) == (True, (), [])


def test_each_failed_check_is_one_problem_named_after_it() -> None:
    report = DoctorReport(
        server="http://127.0.0.1:5000",
        auth="basic",
        results=(
            CheckResult("auth", Status.FAIL, "wrong credentials"),
            CheckResult("api-2.0", Status.FAIL, "404"),
            CheckResult("latency", Status.OK, "fast"),
        ),
    )
    assert not report.ok
    assert report.as_dict()["problems"] == ["auth: wrong credentials", "api-2.0: 404"]


def test_an_html_error_page_becomes_one_short_problem_line(broken_url: str) -> None:
    with doctor_client(broken_url, env_file=False) as client:
        report = run_doctor(client)
    [problem] = report.as_dict()["problems"]
    assert problem.startswith(f"reachability: GET /health at {broken_url} answered HTTP 500")
    assert "\n" not in problem and len(problem) < 300


def test_latency_is_the_median_round_trip(mlflow_server: LocalMlflowServer) -> None:
    calls = [(0.0, 0.010), (1.0, 0.030), (2.0, 0.020)]  # (started, took) in seconds
    ticks = iter([tick for started, took in calls for tick in (started, started + took)])
    with doctor_client(mlflow_server.url, env_file=False) as client:
        result = check_latency(client, 3, clock=lambda: next(ticks))
    assert result.status is Status.OK
    assert (result.data["median_ms"], result.data["min_ms"], result.data["max_ms"]) == (
        20.0, 10.0, 30.0,
    )  # fmt: skip


def test_latency_needs_at_least_one_sample(mlflow_server: LocalMlflowServer) -> None:
    with doctor_client(mlflow_server.url, env_file=False) as client, pytest.raises(ValueError):
        check_latency(client, 0)
