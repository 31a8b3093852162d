"""What MLflow 3.17.2 answers when its sqlite database stays locked, provoked for real: the test
holds the write lock (``BEGIN IMMEDIATE``) from its own connection for longer than the busy
timeout MLflow sets on every session (``PRAGMA busy_timeout = 20000``: 20 s).

MLflow answers 503 ``TEMPORARILY_UNAVAILABLE`` with sqlite's ``database is locked`` (the store
maps SQLAlchemy's ``OperationalError`` so), not a disguised 400/500; its session rolled back,
so nothing was written, and the SDK sends any call again after it, creates included.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.load.bursts import new_experiment, new_run, stored_metric_count
from tests.production.locks import raw_post, released_after_first_overload, sqlite_write_lock

from mlflow_rest_sdk import MlflowClient, RetryPolicy
from mlflow_rest_sdk._runtime.disguised import disguised_transient
from mlflow_rest_sdk._runtime.load_limit import Signal, signal_of
from mlflow_rest_sdk._runtime.retry import response_is_retryable
from mlflow_rest_sdk.local_server import LocalMlflowServer

pytestmark = pytest.mark.xdist_group("sqlite-lock-errors")

#: MLflow's busy timeout (``mlflow/store/db/utils.py``), which the lock must outlast.
BUSY_TIMEOUT = 20.0
#: A budget that outlasts the lock: a first attempt's 20 s wait, then the retry's.
OUTLASTS_THE_LOCK = RetryPolicy(deadline=90.0)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMlflowServer]:
    with LocalMlflowServer(tmp_path_factory.mktemp("sqlite-locks"), workers=1) as server:
        yield server


@pytest.fixture
def database(server: LocalMlflowServer) -> Path:
    return server.data_dir / "mlflow.db"


@pytest.fixture
def client(server: LocalMlflowServer) -> Iterator[MlflowClient]:
    with MlflowClient(server.url, retry=OUTLASTS_THE_LOCK) as client:
        yield client


def test_a_write_behind_a_held_lock_is_answered_503_database_is_locked_after_the_busy_timeout(
    server: LocalMlflowServer, database: Path, client: MlflowClient
) -> None:
    experiment = new_experiment(client)
    with sqlite_write_lock(database):
        started = time.monotonic()
        answer = raw_post(server.url, "runs/create", {"experiment_id": experiment})
        waited = time.monotonic() - started
    assert answer.status_code == 503
    assert b'"error_code": "TEMPORARILY_UNAVAILABLE"' in answer.content
    assert b"(sqlite3.OperationalError) database is locked" in answer.content
    assert BUSY_TIMEOUT <= waited < BUSY_TIMEOUT + 5
    assert disguised_transient(answer) is None  # plain 503: no disguise to see through
    assert signal_of(answer) is Signal.OVERLOAD
    assert response_is_retryable(answer, idempotent=True)
    assert response_is_retryable(answer, idempotent=False)
    assert client.search_runs(experiment_ids=[experiment]).runs == []  # rolled back


def test_reads_go_on_while_the_write_lock_is_held(
    server: LocalMlflowServer, database: Path, client: MlflowClient
) -> None:
    experiment = new_experiment(client)
    with sqlite_write_lock(database):
        started = time.monotonic()
        answer = raw_post(server.url, "runs/search", {"experiment_ids": [experiment]})
        waited = time.monotonic() - started
    assert answer.status_code == 200
    assert waited < BUSY_TIMEOUT / 2


def test_a_lock_released_within_the_busy_timeout_is_waited_out_by_mlflow_itself(
    server: LocalMlflowServer, database: Path, client: MlflowClient
) -> None:
    experiment = new_experiment(client)
    with sqlite_write_lock(database) as lock:
        release = threading.Timer(2.0, lock.release)
        release.start()
        try:
            answer = raw_post(server.url, "runs/create", {"experiment_id": experiment})
        finally:
            release.join()
    assert answer.status_code == 200
    assert len(client.search_runs(experiment_ids=[experiment]).runs) == 1


def test_create_run_behind_the_lock_is_stored_once(database: Path, client: MlflowClient) -> None:
    experiment = new_experiment(client)
    with sqlite_write_lock(database) as lock, released_after_first_overload(client, lock.release):
        created = client.create_run(experiment_id=experiment, run_name="behind-lock", start_time=1)
    stored = client.search_runs(experiment_ids=[experiment]).runs
    assert created.run is not None and created.run.info is not None
    assert [(r.info.run_id, r.info.run_name) for r in stored if r.info] == [
        (created.run.info.run_id, "behind-lock")
    ]
    assert client.load_stats.overloads >= 1


def test_log_batch_behind_the_lock_stores_each_metric_once(
    database: Path, client: MlflowClient
) -> None:
    run_id = new_run(client)
    metrics = [{"key": f"m{i}", "value": float(i), "timestamp": 1, "step": 0} for i in range(5)]
    with sqlite_write_lock(database) as lock, released_after_first_overload(client, lock.release):
        client.log_batch(run_id=run_id, metrics=metrics)
    history = client.get_metric_history(run_id=run_id, metric_key="m3").metrics
    assert stored_metric_count(client, run_id) == 5
    assert [(h.value, h.step) for h in history] == [(3.0, 0)]
    assert client.load_stats.overloads >= 1


def test_set_terminated_behind_the_lock_finishes_the_run(
    database: Path, client: MlflowClient
) -> None:
    run_id = new_run(client)
    with sqlite_write_lock(database) as lock, released_after_first_overload(client, lock.release):
        client.update_run(run_id=run_id, status="FINISHED", end_time=2)
    info = client.get_run(run_id=run_id).run
    assert info is not None and info.info is not None
    assert (info.info.status, info.info.end_time) == ("FINISHED", 2)
    assert client.load_stats.overloads >= 1


def test_a_create_without_recovery_is_sent_again_after_the_lock_and_stored_once(
    database: Path, client: MlflowClient
) -> None:
    """``create_logged_model`` is not idempotent and has no lookup: the policy sends it again
    only because the 503 says the store did not act, which the rolled-back session bears out."""
    experiment = new_experiment(client)
    with sqlite_write_lock(database) as lock, released_after_first_overload(client, lock.release):
        created = client.create_logged_model(experiment_id=experiment, name="behind-lock")
    stored = client.search_logged_models(experiment_ids=[experiment]).models
    assert created.model is not None and created.model.info is not None
    assert [m.info.model_id for m in stored if m.info] == [created.model.info.model_id]
    assert client.load_stats.overloads >= 1
