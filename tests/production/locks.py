"""Lock holders for the lock-error tests: the test's own sessions on MLflow's database, taking
the locks that MLflow's requests then wait on, and a raw request to see what MLflow answers.

sqlite: a ``BEGIN IMMEDIATE`` transaction on the server's file (readers go on, writers wait
MLflow's busy timeout, then fail). PostgreSQL: row locks from a psycopg2 session, and a monitor
that sees when one of MLflow's backends waits on them (``pg_blocking_pids``).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg2  # type: ignore[import-untyped]
from tests._infra.postgres import PostgresServer

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk._runtime.transport import HttpResponse

#: How long a test waits for MLflow to reach a lock, or for its answer, before failing.
PATIENCE = 60.0
_POLL = 0.01


def raw_post(url: str, path: str, body: dict[str, Any]) -> HttpResponse:
    """One plain request, no SDK: what MLflow itself answers."""
    got = httpx.post(f"{url}/api/2.0/mlflow/{path}", json=body, timeout=PATIENCE)
    return HttpResponse(got.status_code, dict(got.headers), got.content)


class SqliteWriteLock:
    """The write lock of a sqlite database, held by a connection of the test's own."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._connection.execute("BEGIN IMMEDIATE")
        self._guard = threading.Lock()
        self._released = False

    def release(self) -> None:
        """Ends the transaction; safe to call twice, from any thread."""
        with self._guard:
            if not self._released:
                self._released = True
                self._connection.execute("ROLLBACK")
                self._connection.close()


@contextmanager
def sqlite_write_lock(path: Path) -> Iterator[SqliteWriteLock]:
    lock = SqliteWriteLock(path)
    try:
        yield lock
    finally:
        lock.release()


@contextmanager
def released_after_first_overload(
    client: MlflowClient, release: Callable[[], None], after: float = 1.0
) -> Iterator[None]:
    """Calls ``release`` ``after`` seconds past the client's first overload answer, so that the
    SDK's retry, not MLflow's own wait, is what outlasts the lock."""
    stop = threading.Event()

    def watch() -> None:
        deadline = time.monotonic() + PATIENCE
        while client.load_stats.overloads == 0 and time.monotonic() < deadline:
            if stop.wait(_POLL):
                break
        time.sleep(after)
        release()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        release()


def connect(postgres: PostgresServer, *, autocommit: bool = False) -> Any:
    connection = psycopg2.connect(
        host="127.0.0.1", port=postgres.port, user=postgres.user, dbname=postgres.database
    )
    connection.autocommit = autocommit
    return connection


class Monitor:
    """Sees, from a connection of its own, the backends that wait on a given backend's locks."""

    def __init__(self, postgres: PostgresServer) -> None:
        self._connection = connect(postgres, autocommit=True)

    def waiting_on(self, pid: int) -> int:
        with self._connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                (pid,),
            )
            (count,) = cursor.fetchone()
        return int(count)

    def wait_until_waiting_on(self, pid: int, answer: Future[Any]) -> bool:
        """True once a backend waits on ``pid``; False if ``answer`` came first."""
        deadline = time.monotonic() + PATIENCE
        while not answer.done():
            if self.waiting_on(pid):
                return True
            if time.monotonic() > deadline:
                raise AssertionError("MLflow's request never waited on the test's lock")
            time.sleep(_POLL)
        return False

    def close(self) -> None:
        self._connection.close()


class RowLocks:
    """A transaction of the test's own on MLflow's database, holding row locks."""

    def __init__(self, postgres: PostgresServer, *, deadlock_timeout: str = "60s") -> None:
        self.connection = connect(postgres)
        with self.connection.cursor() as cursor:
            # The test's session must never be the one that detects a deadlock: MLflow's
            # backend, waiting first with the server's 1 s, finds the cycle and is aborted.
            cursor.execute("SET deadlock_timeout = %s", (deadlock_timeout,))
            cursor.execute("SELECT pg_backend_pid()")
            (self.pid,) = cursor.fetchone()
        self.connection.commit()

    def execute(self, statement: str, arguments: tuple[Any, ...] = ()) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(statement, arguments)

    def lock_latest_metric(self, run_id: str, key: str) -> None:
        self.execute(
            "SELECT key FROM latest_metrics WHERE run_uuid = %s AND key = %s FOR UPDATE",
            (run_id, key),
        )

    def close(self) -> None:
        self.connection.rollback()
        self.connection.close()


def deadlock_each_attempt(
    postgres: PostgresServer,
    run_id: str,
    held: str,
    asked: str,
    answer: Future[Any],
    max_rounds: int | None = None,
) -> int:
    """Holds ``held`` of a run's latest metrics; each time a request of MLflow's waits on it
    (having locked ``asked``, which sorts first), asks for ``asked``: a deadlock, in which
    MLflow's transaction is aborted. Returns how many attempts were deadlocked before
    ``answer`` came (or ``max_rounds`` were); the test's transaction is rolled back then."""
    locks = RowLocks(postgres)
    monitor = Monitor(postgres)
    rounds = 0
    try:
        locks.lock_latest_metric(run_id, held)
        while rounds != max_rounds and monitor.wait_until_waiting_on(locks.pid, answer):
            locks.execute("SAVEPOINT cycle")
            locks.lock_latest_metric(run_id, asked)  # granted once MLflow's attempt is aborted
            locks.execute("ROLLBACK TO SAVEPOINT cycle")
            rounds += 1
    finally:
        monitor.close()
        locks.close()
    return rounds


class UncommittedRunUpdate:
    """An update of a run's row by the test's own transaction, committed once MLflow waits on it:
    under repeatable read, MLflow's own update of that row then fails to serialize."""

    def __init__(self, postgres: PostgresServer, run_id: str, name: str) -> None:
        self._postgres = postgres
        self._locks = RowLocks(postgres)
        self._locks.execute("UPDATE runs SET name = %s WHERE run_uuid = %s", (name, run_id))

    def commit_once_waited_on(self, answer: Future[Any]) -> None:
        monitor = Monitor(self._postgres)
        try:
            assert monitor.wait_until_waiting_on(self._locks.pid, answer), "MLflow never waited"
        finally:
            monitor.close()
        self._locks.connection.commit()

    def close(self) -> None:
        self._locks.close()


@contextmanager
def uncommitted_run_update(
    postgres: PostgresServer, run_id: str, name: str
) -> Iterator[UncommittedRunUpdate]:
    update = UncommittedRunUpdate(postgres, run_id, name)
    try:
        yield update
    finally:
        update.close()


@contextmanager
def database_setting(postgres: PostgresServer, name: str, value: str) -> Iterator[None]:
    """``ALTER DATABASE ... SET`` for the connections opened meanwhile (MLflow's server must open
    one per request, ``NullPool``, for it to apply at once)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a setting name: {name!r}")
    connection = connect(postgres, autocommit=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{postgres.database}" SET {name} = %s', (value,))
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{postgres.database}" RESET {name}')
        connection.close()
