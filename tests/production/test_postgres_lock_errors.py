"""What MLflow 3.17.2 answers when PostgreSQL aborts its transaction, provoked for real.

- ``deadlock detected``: MLflow locks a run's latest metrics ``FOR UPDATE`` in key order; the
  test's own session holds key "b", MLflow's log_batch of "a" and "b" locks "a" and waits on
  "b", then the test asks for "a". MLflow's backend (waiting first, 1 s ``deadlock_timeout``)
  finds the cycle and is aborted. MLflow retries a deadlocked log_batch twice itself, so the
  test deadlocks each of its three attempts before MLflow gives up.
- ``could not serialize access``: with the database's default isolation at repeatable read,
  MLflow's update_run waits on the test's uncommitted update of the run's row; the test commits,
  and MLflow's transaction, whose snapshot predates that commit, fails to serialize.

Both come back as 503 ``TEMPORARILY_UNAVAILABLE`` with the driver's text (not disguised), with
nothing written; the SDK sends the call again and it is stored once.

The server runs with SQLAlchemy's ``NullPool``, so that each request opens its own connection
and a database setting changed by a test applies to the next request.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from tests._infra.postgres import PostgresServer
from tests.load.bursts import new_run
from tests.production.locks import (
    database_setting,
    deadlock_each_attempt,
    raw_post,
    uncommitted_run_update,
)

from mlflow_rest_sdk import MlflowClient, RetryPolicy
from mlflow_rest_sdk._runtime.load_limit import Signal, signal_of
from mlflow_rest_sdk._runtime.retry import response_is_retryable
from mlflow_rest_sdk.local_server import LocalMlflowServer

pytestmark = pytest.mark.xdist_group("postgres-lock-errors")

EACH_REQUEST_CONNECTS = {"MLFLOW_SQLALCHEMYSTORE_POOLCLASS": "NullPool"}
#: MLflow's own attempts at a deadlocked log_batch (``_DB_WRITE_MAX_DEADLOCK_RETRIES`` + 1).
MLFLOW_ATTEMPTS = 3


@dataclass
class Database:
    postgres: PostgresServer
    server: LocalMlflowServer


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with ExitStack() as stack:
        postgres = stack.enter_context(PostgresServer())
        server = stack.enter_context(
            LocalMlflowServer(
                tmp_path_factory.mktemp("postgres-locks"),
                workers=1,
                backend_store_uri=postgres.uri,
                extra_env=EACH_REQUEST_CONNECTS,
            )
        )
        yield Database(postgres, server)


@pytest.fixture
def client(database: Database) -> Iterator[MlflowClient]:
    with MlflowClient(database.server.url, retry=RetryPolicy(deadline=90.0)) as client:
        yield client


@pytest.fixture
def repeatable_read(database: Database) -> Iterator[None]:
    with database_setting(database.postgres, "default_transaction_isolation", "repeatable read"):
        yield


def metric(key: str, step: int) -> dict[str, Any]:
    return {"key": key, "value": float(step), "timestamp": 1 + step, "step": step}


def run_with_metrics_a_and_b(client: MlflowClient) -> str:
    """A run whose latest metrics have rows for "a" and "b", for MLflow to lock."""
    run_id = new_run(client)
    client.log_batch(run_id=run_id, metrics=[metric("a", 0), metric("b", 0)])
    return run_id


def steps_of(client: MlflowClient, run_id: str, key: str) -> list[int | None]:
    return [m.step for m in client.get_metric_history(run_id=run_id, metric_key=key).metrics]


def test_a_deadlock_on_latest_metrics_is_answered_503_after_mlflows_own_two_retries(
    database: Database, client: MlflowClient
) -> None:
    run_id = run_with_metrics_a_and_b(client)
    body = {"run_id": run_id, "metrics": [metric("a", 1), metric("b", 1)]}
    with ThreadPoolExecutor(1) as pool:
        sent = pool.submit(raw_post, database.server.url, "runs/log-batch", body)
        rounds = deadlock_each_attempt(database.postgres, run_id, "b", "a", sent)
        answer = sent.result()
    assert rounds == MLFLOW_ATTEMPTS
    assert answer.status_code == 503
    assert b'"error_code": "TEMPORARILY_UNAVAILABLE"' in answer.content
    assert b"(psycopg2.errors.DeadlockDetected) deadlock detected" in answer.content
    assert signal_of(answer) is Signal.OVERLOAD
    assert response_is_retryable(answer, idempotent=True)
    assert (steps_of(client, run_id, "a"), steps_of(client, run_id, "b")) == ([0], [0])


def test_log_batch_through_the_deadlocks_stores_each_metric_once(
    database: Database, client: MlflowClient
) -> None:
    run_id = run_with_metrics_a_and_b(client)
    batch = [metric("a", 1), metric("b", 1)]
    with ThreadPoolExecutor(1) as pool:
        sent = pool.submit(client.log_batch, run_id=run_id, metrics=batch)
        rounds = deadlock_each_attempt(
            database.postgres, run_id, "b", "a", sent, max_rounds=MLFLOW_ATTEMPTS
        )
        sent.result()
    assert rounds == MLFLOW_ATTEMPTS
    assert (steps_of(client, run_id, "a"), steps_of(client, run_id, "b")) == ([0, 1], [0, 1])
    assert client.load_stats.overloads >= 1


@pytest.mark.usefixtures("repeatable_read")
def test_an_update_run_behind_a_concurrent_update_is_answered_503_could_not_serialize(
    database: Database, client: MlflowClient
) -> None:
    run_id = new_run(client)
    body = {"run_id": run_id, "status": "FINISHED", "end_time": 2}
    with (
        uncommitted_run_update(database.postgres, run_id, "renamed") as update,
        ThreadPoolExecutor(1) as pool,
    ):
        sent = pool.submit(raw_post, database.server.url, "runs/update", body)
        update.commit_once_waited_on(sent)
        answer = sent.result()
    assert answer.status_code == 503
    assert b'"error_code": "TEMPORARILY_UNAVAILABLE"' in answer.content
    assert b"could not serialize access due to concurrent update" in answer.content
    assert signal_of(answer) is Signal.OVERLOAD
    assert response_is_retryable(answer, idempotent=True)
    stored = client.get_run(run_id=run_id).run
    assert stored is not None and stored.info is not None
    assert (stored.info.status, stored.info.run_name) == ("RUNNING", "renamed")


@pytest.mark.usefixtures("repeatable_read")
def test_set_terminated_behind_a_concurrent_update_is_sent_again_and_keeps_both_writes(
    database: Database, client: MlflowClient
) -> None:
    run_id = new_run(client)
    with (
        uncommitted_run_update(database.postgres, run_id, "renamed") as update,
        ThreadPoolExecutor(1) as pool,
    ):
        sent = pool.submit(client.update_run, run_id=run_id, status="FINISHED", end_time=2)
        update.commit_once_waited_on(sent)
        sent.result()
    stored = client.get_run(run_id=run_id).run
    assert stored is not None and stored.info is not None
    assert (stored.info.status, stored.info.end_time, stored.info.run_name) == (
        "FINISHED",
        2,
        "renamed",
    )
    assert client.load_stats.overloads >= 1
