"""Shared fixtures: a real MLflow server for live tests, and collision-free names for them.

Each pytest-xdist worker starts its own server (one per session, on a free loopback port). That
costs a second server start but needs no cross-process locking or reference counting to decide
who stops a shared server, and a crashed worker cannot take the other worker's server with it.

``mlflow_server`` is the light one (sqlite, artifacts in a folder, two workers);
``production_server`` is MLflow as deployed (PostgreSQL, S3 behind the artifact proxy, four
workers), started only by the workers that run a test needing it.
"""

from __future__ import annotations

import base64
import itertools
import os
import re
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from mlflow_rest_sdk.local_server import LocalMlflowServer

if TYPE_CHECKING:  # imported when first used: moto, boto3 and psycopg2 are slow to import
    from tests._infra.topology import ProductionTopology

#: Generous: on a loaded two-core machine a cold start has taken 50-80 s.
SERVER_STARTUP_TIMEOUT = 300.0
#: Two uvicorn workers: requests really spread over processes, at half the start cost of four.
SERVER_WORKERS = 2

_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]+")
#: Fixtures that start a real server: tests using any of them are marked ``live``.
_LIVE_FIXTURES = frozenset({"mlflow_server", "production_server", "tracking_uri"})
#: What the test servers need to deliver webhooks to a receiver started by a test (see
#: docs/mlflow-server-notes.md):
#: - plain http to loopback, which MLflow refuses unless both of the first two are set (it allows
#:   only https to public addresses by default);
#: - one key for the webhook secrets shared by all workers: without it each worker encrypts with
#:   a random key of its own, and the others fail to read a signed webhook (Fernet InvalidToken),
#:   dropping every delivery of that event type on that worker;
#: - no cache of subscriber lists (60 s per worker and event type by default), so a webhook a
#:   test has just created receives the event the test triggers next.
WEBHOOK_TEST_ENV = {
    "MLFLOW_WEBHOOK_ALLOWED_SCHEMES": "http,https",
    "MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS": "true",
    "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    "MLFLOW_WEBHOOK_CACHE_TTL": "0",
    # Deliveries to a receiver that is gone (a test's, after it ended) retry for ~7 s each in
    # MLflow's pool of 10 threads: on a server shared by the whole session they queue up and
    # hold back the live deliveries that push tests wait for. Threads that sleep cost nothing.
    "MLFLOW_WEBHOOK_DELIVERY_MAX_WORKERS": "200",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs a live server as ``live`` (``-m "not live"`` skips them)."""
    for item in items:
        if _LIVE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.live)


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMlflowServer]:
    """A real ``mlflow server`` (sqlite, proxied artifacts); fails loudly if it cannot start."""
    server = LocalMlflowServer(
        data_dir=tmp_path_factory.mktemp("mlflow-server"),
        workers=SERVER_WORKERS,
        startup_timeout=SERVER_STARTUP_TIMEOUT,
        extra_env=WEBHOOK_TEST_ENV,
    )
    with server:
        yield server


@pytest.fixture(scope="session")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionTopology]:
    """MLflow as deployed: PostgreSQL store, S3 (moto) behind the artifact proxy, 4 workers.

    Every part is real and started here; a missing PostgreSQL fails the tests with what to
    install, it never skips them.
    """
    from tests._infra.topology import ProductionTopology

    topology = ProductionTopology(
        tmp_path_factory.mktemp("mlflow-production"),
        startup_timeout=SERVER_STARTUP_TIMEOUT,
        extra_env=WEBHOOK_TEST_ENV,
    )
    with topology:
        yield topology


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The installed MLflow's route tables, proto RPCs and version (``tests._infra.routes``),
    read once per session in a child process (no server is started)."""
    from tests._infra.routes import read_route_tables

    return read_route_tables(tmp_path_factory.mktemp("mlflow-routes"))


@pytest.fixture(scope="session")
def tracking_uri(mlflow_server: LocalMlflowServer) -> str:
    """Base URL of the live server, e.g. ``http://127.0.0.1:PORT``."""
    return mlflow_server.url


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """A factory of names no other test (or xdist worker, or earlier run) will use.

    ``unique_name("exp")`` gives e.g. ``exp-test_create_run-1a2b3c4d-1``.

    Tests share one server per worker, and its store outlives single tests, so experiment and
    model names must never repeat. Names carry the test's name to make the server's data
    readable, and keep to letters, digits, ``-`` and ``_``, which every MLflow entity accepts.
    """
    test_part = _UNSAFE_NAME_CHARS.sub("-", request.node.name).strip("-")[:40]
    run_part = uuid.uuid4().hex[:8]
    counter = itertools.count(1)

    def make(prefix: str) -> str:
        return f"{prefix}-{test_part}-{run_part}-{next(counter)}"

    return make
