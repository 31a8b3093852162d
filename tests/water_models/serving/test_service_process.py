"""The runner the demo starts ``water-models serve`` with (:mod:`water_models.serving.process`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlflow_rest_sdk.local_server import find_free_port
from water_models.serving.process import ServiceProcess, ServiceStartError

SECRET = "runner-test-secret-0123456789"


def _process(tmp_path: Path, *args: str) -> ServiceProcess:
    return ServiceProcess(
        find_free_port(),
        list(args),
        env={"MLFLOW_TRACKING_URI": "http://127.0.0.1:9", "WATER_MODELS_HOME": str(tmp_path)},
        log_path=tmp_path / "service.log",
        webhook_secret=SECRET,
    )


def test_a_service_that_exits_at_start_is_reported_with_its_log(tmp_path: Path) -> None:
    process = _process(tmp_path, "--refresh-interval", "-1")

    with pytest.raises(ServiceStartError, match="refresh interval must be > 0 s"):
        process.start(timeout=60)


def test_the_webhook_secret_is_in_the_environment_never_on_the_command_line(
    tmp_path: Path,
) -> None:
    process = _process(tmp_path, "--public-url", "http://127.0.0.1:1")

    assert SECRET not in " ".join(process.command)
    assert SECRET not in repr(process)


def test_a_started_service_answers_and_stop_ends_it(tmp_path: Path) -> None:
    process = _process(tmp_path).start(timeout=120)
    try:
        assert process.health()["status"] in {"starting", "degraded"}  # nothing listens at :9
    finally:
        process.stop()
    process.stop()  # twice is harmless

    assert "Finished server process" in process.log_tail()


def test_the_services_info_records_reach_its_log_under_uvicorn(tmp_path: Path) -> None:
    process = _process(tmp_path).start(timeout=120)
    process.stop()

    assert "INFO:     water_models: push is off" in process.log_tail()
