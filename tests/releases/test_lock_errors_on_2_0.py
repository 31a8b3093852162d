"""The disguised form of sqlite's ``database is locked``, on a real MLflow 2.0.1 server: before
2.1.0 the store answered every SQLAlchemy error as 400 ``BAD_REQUEST``, so a write behind a
lock held past the 20 s busy timeout reads "your request was bad" (3.17.2 answers 503:
``tests/production/test_sqlite_lock_errors.py``). The table of disguised errors sees through it:
idempotent calls and creates with a recovery are sent again and stored once; a create without
one is not sent again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.load.bursts import new_experiment, new_run, stored_metric_count
from tests.production.locks import raw_post, released_after_first_overload, sqlite_write_lock
from tests.releases.conftest import OldServer, serve_release

from mlflow_rest_sdk import MlflowClient, RetryPolicy
from mlflow_rest_sdk._runtime.disguised import disguised_transient
from mlflow_rest_sdk._runtime.error_base import BadRequest
from mlflow_rest_sdk._runtime.load_limit import Signal, signal_of
from mlflow_rest_sdk._runtime.retry import response_is_retryable

RELEASE = "2.0.1"
pytestmark = [pytest.mark.xdist_group(f"mlflow-{RELEASE}-locks"), pytest.mark.live]

BUSY_TIMEOUT = 20.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OldServer]:
    """A server of its own: the tests lock its store."""
    yield from serve_release(RELEASE, tmp_path_factory.mktemp(f"mlflow-{RELEASE}-locks"))


@pytest.fixture
def database(server: OldServer) -> Path:
    return server.data_dir / "mlflow.db"


@pytest.fixture
def client(server: OldServer) -> Iterator[MlflowClient]:
    with MlflowClient(server.url, retry=RetryPolicy(deadline=90.0)) as client:
        yield client


def test_a_write_behind_a_held_lock_is_answered_400_bad_request_database_is_locked(
    server: OldServer, database: Path, client: MlflowClient
) -> None:
    experiment = new_experiment(client)
    with sqlite_write_lock(database):
        answer = raw_post(server.url, "runs/create", {"experiment_id": experiment})
    found = disguised_transient(answer)
    assert answer.status_code == 400
    assert b'"error_code": "BAD_REQUEST"' in answer.content
    assert b"(sqlite3.OperationalError) database is locked" in answer.content
    assert found is not None
    assert (found.name, found.nothing_written) == ("sqlite database locked", False)
    assert signal_of(answer) is Signal.OVERLOAD
    assert response_is_retryable(answer, idempotent=True)
    assert not response_is_retryable(answer, idempotent=False)
    assert client.search_runs(experiment_ids=[experiment]).runs == []


def test_log_batch_behind_the_lock_is_sent_again_and_stores_each_metric_once(
    database: Path, client: MlflowClient
) -> None:
    run_id = new_run(client)
    metrics = [{"key": f"m{i}", "value": float(i), "timestamp": 1, "step": 0} for i in range(5)]
    with sqlite_write_lock(database) as lock, released_after_first_overload(client, lock.release):
        client.log_batch(run_id=run_id, metrics=metrics)
    assert stored_metric_count(client, run_id) == 5
    assert client.load_stats.overloads >= 1


def test_create_run_behind_the_lock_is_recovered_and_stored_once(
    database: Path, client: MlflowClient
) -> None:
    experiment = new_experiment(client)
    with sqlite_write_lock(database) as lock, released_after_first_overload(client, lock.release):
        created = client.create_run(experiment_id=experiment, run_name="behind-lock", start_time=1)
    stored = client.search_runs(experiment_ids=[experiment]).runs
    assert created.run is not None and created.run.info is not None
    assert [r.info.run_id for r in stored if r.info] == [created.run.info.run_id]
    assert client.load_stats.overloads >= 1


def test_log_model_behind_the_lock_is_not_sent_again(database: Path, client: MlflowClient) -> None:
    """``log_model`` is not idempotent (it appends to the run's model history) and has no
    recovery: the disguised lock error is final, after one attempt of 20 s."""
    run_id = new_run(client)
    model = {
        "run_id": run_id,
        "artifact_path": "model",
        "utc_time_created": "2026-01-01 00:00:00.000000",
        "flavors": {},
    }
    before = client.load_stats.completed
    started = time.monotonic()
    with sqlite_write_lock(database), pytest.raises(BadRequest, match="database is locked"):
        client.log_model(run_id=run_id, model_json=json.dumps(model))
    took = time.monotonic() - started
    assert client.load_stats.completed - before == 1
    assert took < 2 * BUSY_TIMEOUT
    stored = client.get_run(run_id=run_id).run
    assert stored is not None and stored.data is not None
    assert "mlflow.log-model.history" not in {t.key for t in stored.data.tags or []}
