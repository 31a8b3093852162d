"""The fluent API's own behaviour on a live server, where no differential applies: KILLED on
Ctrl-C, runs per thread, runs started implicitly, runs ended at exit, searches without pandas,
artifacts, registration and refused arguments."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import mlflow_rest_sdk.compat as fluent
from mlflow_rest_sdk.batching.losses import BatchLoggingError
from mlflow_rest_sdk.compat.fluent import state
from mlflow_rest_sdk.compat.fluent.async_logging import close_logger


@pytest.fixture
def experiment_id(tracking_uri: str, unique_name: Callable[[str], str]) -> Iterator[str]:
    """A fresh active experiment on the live server; runs left active are ended after."""
    previous = (state.state.tracking_uri, state.state.experiment_id)
    fluent.set_tracking_uri(tracking_uri)
    experiment = fluent.set_experiment(unique_name("fluent"))
    yield experiment.experiment_id
    while fluent.active_run() is not None:
        fluent.end_run()
    state.state.tracking_uri, state.state.experiment_id = previous


def test_a_block_interrupted_by_ctrl_c_ends_its_run_killed(experiment_id: str) -> None:
    with pytest.raises(KeyboardInterrupt), fluent.start_run() as run:
        raise KeyboardInterrupt

    assert fluent.get_run(run.info.run_id).info.status == "KILLED"


def test_a_run_started_in_another_thread_is_not_active_here(experiment_id: str) -> None:
    seen: dict[str, str | None] = {}

    def train() -> None:
        with fluent.start_run() as run:
            seen["inside"] = fluent.active_run().info.run_id  # type: ignore[union-attr]
            seen["started"] = run.info.run_id

    with fluent.start_run() as mine:
        worker = threading.Thread(target=train)
        worker.start()
        worker.join()
        assert fluent.active_run().info.run_id == mine.info.run_id  # type: ignore[union-attr]

    assert seen["inside"] == seen["started"] != mine.info.run_id
    assert fluent.get_run(seen["started"]).info.status == "FINISHED"


def test_logging_without_an_active_run_starts_one(experiment_id: str) -> None:
    assert fluent.log_param("lr", 0.1) == 0.1

    run = fluent.active_run()
    assert run is not None and run.info.experiment_id == experiment_id
    assert fluent.get_run(run.info.run_id).data.params == {"lr": "0.1"}


def test_starting_a_second_run_without_nested_is_refused(experiment_id: str) -> None:
    with fluent.start_run(), pytest.raises(fluent.MlflowException, match="already active"):
        fluent.start_run()


def test_set_experiment_needs_exactly_one_of_name_and_id(experiment_id: str) -> None:
    with pytest.raises(fluent.MlflowException) as raised:
        fluent.set_experiment()

    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"


def test_search_runs_returns_a_list_when_pandas_is_missing(
    experiment_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fluent.start_run() as run:
        pass
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails

    found = fluent.search_runs()

    assert [each.info.run_id for each in found] == [run.info.run_id]


def test_artifacts_of_the_active_run_are_stored(experiment_id: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("station 7")
    with fluent.start_run() as run:
        fluent.log_artifact(str(notes), "docs")
        fluent.log_text("hello", "hello.txt")
        fluent.log_dict({"a": 1}, "config.json")
        uri = fluent.get_artifact_uri("hello.txt")

    client = state.client()
    assert sorted(file.path for file in client.list_artifacts(run.info.run_id)) == [
        "config.json",
        "docs",
        "hello.txt",
    ]
    assert uri == f"{run.info.artifact_uri}/hello.txt"


def test_register_model_makes_the_model_and_a_version_from_a_runs_uri(
    experiment_id: str, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("model")
    with fluent.start_run() as run:
        fluent.log_text("{}", "model/MLmodel")

    first = fluent.register_model(f"runs:/{run.info.run_id}/model", name)
    second = fluent.register_model(f"runs:/{run.info.run_id}/model", name, tags={"k": "v"})

    assert (first.version, second.version) == ("1", "2")
    assert second.run_id == run.info.run_id and second.tags["k"] == "v"
    assert second.source == f"{run.info.artifact_uri}/model"


def test_runs_left_active_end_finished_at_exit(tracking_uri: str) -> None:
    code = (
        "import mlflow_rest_sdk.compat as mlflow\n"
        "parent = mlflow.start_run()\n"
        "child = mlflow.start_run(nested=True)\n"
        "print(parent.info.run_id, child.info.run_id)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"MLFLOW_TRACKING_URI": tracking_uri, "PATH": "/usr/bin:/bin"},
        check=True,
    )
    fluent.set_tracking_uri(tracking_uri)

    statuses = [fluent.get_run(run_id).info.status for run_id in done.stdout.split()]

    assert statuses == ["FINISHED", "FINISHED"]


def test_the_tracking_uri_comes_from_the_environment_until_one_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(state.state, "tracking_uri", None)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://tracking.example:5000")
    assert fluent.get_tracking_uri() == "http://tracking.example:5000"
    assert fluent.get_registry_uri() == "http://tracking.example:5000"

    fluent.set_tracking_uri("http://other.example:5000")

    assert fluent.get_tracking_uri() == "http://other.example:5000"


def test_values_logged_asynchronously_are_stored_by_end_run(experiment_id: str) -> None:
    with fluent.start_run() as run:
        for step in range(300):
            fluent.log_metric("loss", step / 300, step=step, synchronous=False)

    history = state.client().get_metric_history(run.info.run_id, "loss")
    assert sorted(metric.step for metric in history) == list(range(300))
    assert fluent.get_run(run.info.run_id).info.status == "FINISHED"


def test_a_value_the_server_refuses_is_reported_by_flush_async_logging(
    experiment_id: str,
) -> None:
    missing_run = "0" * 32
    fluent.log_metric("loss", 0.1, run_id=missing_run, synchronous=False)

    with pytest.raises(BatchLoggingError) as raised:
        fluent.flush_async_logging()

    assert raised.value.run_id == missing_run
    close_logger(missing_run)  # a loss is reported once: closing now raises nothing


def test_values_queued_when_the_script_exits_are_stored(tracking_uri: str) -> None:
    code = (
        "import mlflow_rest_sdk.compat as mlflow\n"
        "run = mlflow.start_run()\n"
        "for step in range(100):\n"
        "    mlflow.log_metric('loss', 0.5, step=step)\n"
        "print(run.info.run_id)\n"
    )
    environment = {
        "MLFLOW_TRACKING_URI": tracking_uri,
        "MLFLOW_ENABLE_ASYNC_LOGGING": "true",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    fluent.set_tracking_uri(tracking_uri)

    history = state.client().get_metric_history(done.stdout.strip(), "loss")

    assert len(history) == 100
