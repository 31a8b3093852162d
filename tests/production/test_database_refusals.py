"""What MLflow 3.17.2 answers when its PostgreSQL refuses connections, provoked for real: every
connection slot taken, and the database stopped. Both come back as 503 TEMPORARILY_UNAVAILABLE
(not disguised as a caller's mistake), which the SDK waits out as an overload, acting once.

The server runs with SQLAlchemy's ``NullPool`` so that each request opens its own connection
(with the default pool, connections opened before the slots ran out would hide the refusal).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg2  # type: ignore[import-untyped]
import pytest
from tests._infra.postgres import PostgresServer
from tests.load.bursts import new_experiment

from mlflow_rest_sdk import MlflowClient, RetryPolicy
from mlflow_rest_sdk._runtime.load_limit import Signal, signal_of
from mlflow_rest_sdk._runtime.retry import response_is_retryable
from mlflow_rest_sdk._runtime.transport import HttpResponse
from mlflow_rest_sdk.local_server import LocalMlflowServer

pytestmark = pytest.mark.xdist_group("database-refusals")

#: Few slots, so that the test can take them all cheaply.
MAX_CONNECTIONS = 12
EACH_REQUEST_CONNECTS = {"MLFLOW_SQLALCHEMYSTORE_POOLCLASS": "NullPool"}


class Database:
    def __init__(self, postgres: PostgresServer, server: LocalMlflowServer) -> None:
        self.postgres = postgres
        self.server = server

    def take_every_slot(self) -> list[Any]:
        taken: list[Any] = []
        while True:
            try:
                taken.append(
                    psycopg2.connect(
                        host="127.0.0.1",
                        port=self.postgres.port,
                        user=self.postgres.user,
                        dbname=self.postgres.database,
                    )
                )
            except psycopg2.OperationalError as error:
                assert "too many clients" in str(error)
                return taken

    def answer(self) -> HttpResponse:
        got = httpx.get(
            f"{self.server.url}/api/2.0/mlflow/experiments/get",
            params={"experiment_id": "0"},
            timeout=60,
        )
        return HttpResponse(got.status_code, dict(got.headers), got.content)


@contextmanager
def _database(folder: Path) -> Iterator[Database]:
    with ExitStack() as stack:
        postgres = stack.enter_context(PostgresServer(max_connections=MAX_CONNECTIONS))
        server = stack.enter_context(
            LocalMlflowServer(
                folder, workers=1, backend_store_uri=postgres.uri, extra_env=EACH_REQUEST_CONNECTS
            )
        )
        database = Database(postgres, server)
        # The worker opens its store on its first request, and retries opening it for minutes
        # while the database refuses: open it now, as a running server has.
        assert database.answer().status_code == 200
        yield database


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """Shared by the tests that take the slots and give them back."""
    with _database(tmp_path_factory.mktemp("refusals")) as database:
        yield database


@pytest.fixture
def stoppable_database(tmp_path: Path) -> Iterator[Database]:
    with _database(tmp_path / "mlflow") as database:
        yield database


def test_every_connection_slot_taken_is_answered_503_and_reads_as_an_overload(
    database: Database,
) -> None:
    taken = database.take_every_slot()
    try:
        answer = database.answer()
    finally:
        for connection in taken:
            connection.close()
    assert answer.status_code == 503
    assert b'"TEMPORARILY_UNAVAILABLE"' in answer.content
    assert b"too many clients already" in answer.content
    assert signal_of(answer) is Signal.OVERLOAD
    assert response_is_retryable(answer, idempotent=True)


def test_a_stopped_database_is_answered_503_and_reads_as_an_overload(
    stoppable_database: Database,
) -> None:
    stoppable_database.postgres.stop()
    answer = stoppable_database.answer()
    assert answer.status_code == 503
    assert b"Connection refused" in answer.content
    assert signal_of(answer) is Signal.OVERLOAD


def test_a_create_while_the_slots_are_taken_is_stored_once_when_they_free(
    database: Database,
) -> None:
    with MlflowClient(database.server.url, retry=RetryPolicy(deadline=60.0)) as client:
        experiment = new_experiment(client)
        taken = database.take_every_slot()
        release = threading.Timer(2.0, lambda: [c.close() for c in taken])
        release.start()
        try:
            run = client.create_run(experiment_id=experiment, run_name="waits", start_time=1)
        finally:
            release.join()
        stored = client.search_runs(experiment_ids=[experiment]).runs
        overloads = client.load_stats.overloads
    assert run.run is not None and run.run.info is not None
    assert [r.info.run_name for r in stored if r.info] == ["waits"]
    assert overloads >= 1
