"""LocalMlflowServer: a real ``mlflow server`` we can start, reach, and stop without leftovers."""

from __future__ import annotations

import json
import os
import socket
import sys
import urllib.request
from pathlib import Path

import pytest

from mlflow_rest_sdk import local_server
from mlflow_rest_sdk.local_server import (
    LocalMlflowServer,
    MlflowCliNotFoundError,
    MlflowServerStartError,
    find_mlflow_cli,
)

MLFLOW_VERSION = "3.17.2"


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url: str) -> tuple[int, str]:
    with _DIRECT.open(url, timeout=10) as response:
        return int(response.status), response.read().decode()


def test_started_server_answers_health(mlflow_server: LocalMlflowServer) -> None:
    assert _get(f"{mlflow_server.url}/health") == (200, "OK")


def test_started_server_reports_its_mlflow_version(mlflow_server: LocalMlflowServer) -> None:
    assert _get(f"{mlflow_server.url}/version") == (200, MLFLOW_VERSION)


def test_port_none_picks_a_free_loopback_port_that_the_server_then_holds(
    mlflow_server: LocalMlflowServer,
) -> None:
    assert mlflow_server.url == f"http://127.0.0.1:{mlflow_server.port}"
    with socket.socket() as probe, pytest.raises(OSError):
        probe.bind(("127.0.0.1", mlflow_server.port))


def test_api_requests_to_the_url_pass_the_host_header_check(
    mlflow_server: LocalMlflowServer,
) -> None:
    # /health is exempt from MLflow's Host check; an API route is not.
    request = urllib.request.Request(
        f"{mlflow_server.url}/api/2.0/mlflow/experiments/search",
        data=json.dumps({"max_results": 1}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with _DIRECT.open(request, timeout=10) as response:
        assert response.status == 200


def test_server_output_goes_to_its_log_file(mlflow_server: LocalMlflowServer) -> None:
    log = mlflow_server.log_path.read_text()
    assert f"Uvicorn running on http://127.0.0.1:{mlflow_server.port}" in log


def test_default_stores_live_under_the_data_dir(mlflow_server: LocalMlflowServer) -> None:
    assert mlflow_server.backend_store_uri == f"sqlite:///{mlflow_server.data_dir}/mlflow.db"
    assert (mlflow_server.data_dir / "mlflow.db").is_file()
    assert mlflow_server.artifacts_destination == mlflow_server.data_dir / "artifacts"
    assert mlflow_server.artifacts_destination.is_dir()


@pytest.mark.live
def test_stop_leaves_no_process_of_its_group_alive(tmp_path: Path) -> None:
    server = LocalMlflowServer(data_dir=tmp_path, workers=2, startup_timeout=300)
    server.start()
    pgid = server.pid
    assert pgid is not None
    assert os.getpgid(pgid) == pgid  # the server leads its own process group

    server.stop()

    with pytest.raises(ProcessLookupError):
        os.killpg(pgid, 0)
    assert not server.is_running


@pytest.mark.live
def test_server_that_cannot_start_raises_an_error_with_its_log_tail(tmp_path: Path) -> None:
    server = LocalMlflowServer(
        data_dir=tmp_path, backend_store_uri="bogus-scheme://nowhere", startup_timeout=300
    )

    with pytest.raises(MlflowServerStartError) as raised:
        server.start()

    message = str(raised.value)
    assert "exited with code" in message
    assert "Error initializing backend store" in message
    assert "bogus-scheme" in message
    assert not server.is_running


def test_stop_before_start_does_nothing(tmp_path: Path) -> None:
    server = LocalMlflowServer(data_dir=tmp_path)

    server.stop()

    assert not server.is_running


def test_port_is_unknown_until_start_when_none_was_given(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="start"):
        _ = LocalMlflowServer(data_dir=tmp_path).url


def test_command_serves_artifacts_from_the_data_dir(tmp_path: Path) -> None:
    command = LocalMlflowServer(data_dir=tmp_path, port=5123).command()

    assert command[:2] == [str(find_mlflow_cli()), "server"]
    assert _option(command, "--host") == "127.0.0.1"
    assert _option(command, "--port") == "5123"
    assert "--serve-artifacts" in command
    assert _option(command, "--artifacts-destination") == str(tmp_path.resolve() / "artifacts")


def test_command_passes_workers_and_app_name_only_when_set(tmp_path: Path) -> None:
    plain = LocalMlflowServer(data_dir=tmp_path, port=5123).command()
    tuned = LocalMlflowServer(
        data_dir=tmp_path, port=5123, workers=3, app_name="basic-auth"
    ).command()

    assert "--workers" not in plain and "--app-name" not in plain
    assert _option(tuned, "--workers") == "3"
    assert _option(tuned, "--app-name") == "basic-auth"


def test_explicit_backend_store_uri_is_passed_through(tmp_path: Path) -> None:
    uri = "postgresql://mlflow@127.0.0.1:5432/mlflow"
    server = LocalMlflowServer(data_dir=tmp_path, port=5123, backend_store_uri=uri)

    assert _option(server.command(), "--backend-store-uri") == uri


def test_an_object_store_artifacts_destination_is_passed_as_given(tmp_path: Path) -> None:
    server = LocalMlflowServer(
        data_dir=tmp_path, port=5123, artifacts_destination="s3://bucket/prefix"
    )

    assert _option(server.command(), "--artifacts-destination") == "s3://bucket/prefix"


def test_environment_turns_job_execution_off(tmp_path: Path) -> None:
    env = LocalMlflowServer(data_dir=tmp_path).environment()

    assert env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] == "false"


def test_extra_env_overrides_the_defaults(tmp_path: Path) -> None:
    server = LocalMlflowServer(
        data_dir=tmp_path, extra_env={"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "true"}
    )

    assert server.environment()["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] == "true"


def test_cli_next_to_the_interpreter_wins_over_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    venv_bin, path_bin = tmp_path / "venv-bin", tmp_path / "path-bin"
    beside, on_path = _fake_executable(venv_bin / "mlflow"), _fake_executable(path_bin / "mlflow")
    monkeypatch.setattr(sys, "executable", str(venv_bin / "python"))
    monkeypatch.setenv("PATH", str(path_bin))

    assert find_mlflow_cli() == beside
    beside.unlink()
    assert find_mlflow_cli() == on_path


def test_missing_cli_error_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    with pytest.raises(MlflowCliNotFoundError, match=r"install.*mlflow.*make venv"):
        find_mlflow_cli()


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def _fake_executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.mark.live
def test_a_picked_port_taken_before_the_server_binds_it_is_picked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        picks = iter([taken, local_server.find_free_port()])
        monkeypatch.setattr(local_server, "find_free_port", lambda host: next(picks))

        with LocalMlflowServer(data_dir=tmp_path, workers=1, startup_timeout=300) as server:
            assert server.port != taken
            assert _get(f"{server.url}/health") == (200, "OK")
