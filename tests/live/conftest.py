"""Live-suite fixtures: every test body runs once per transport against the real server.

``api`` has the blocking method surface of :class:`MlflowClient` on all three transports:

- ``httpx-sync``: the :class:`MlflowClient` itself;
- ``httpx-async`` and ``aiohttp-async``: an :class:`AsyncMlflowClient` that lives on its own event
  loop in a background thread, behind :class:`BlockingAsyncClient`, which turns each call
  ``api.create_experiment(...)`` into ``run_coroutine_threadsafe(...).result()``.

So the async clients really run on an event loop of their own while the test bodies stay the
same for every transport.

Every test also runs on two server topologies (:data:`TOPOLOGIES`): ``sqlite``, the light
server of ``tests/conftest.py``, and ``postgres-s3``, MLflow as deployed (PostgreSQL store, S3
artifacts behind the proxy, four workers), so a behaviour that differs in production shows up
here. Ids read ``[postgres-s3-httpx-sync]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.local_server import LocalMlflowServer
from mlflow_rest_sdk.models import ModelVersion, Run

from ._support import now_ms
from .blocking import TRANSPORT_KINDS, blocking_client

if TYPE_CHECKING:
    from tests._infra.topology import ProductionTopology

#: The server set-ups every live test runs against.
TOPOLOGIES = ("sqlite", "postgres-s3")
_LIVE_DIR = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep each module's tests of one topology on one xdist worker (``--dist loadgroup``).

    Module-scoped fixtures (a client per transport, the pagination tests' 2,500 runs) are then
    made once per module and topology rather than on every worker; modules still spread over
    the workers. Ids stay as they are: xdist only adds ``@live-<topology>-<module>``.
    """
    for item in items:
        callspec = getattr(item, "callspec", None)
        topology = callspec.params.get("topology") if callspec is not None else None
        if topology is None or item.path.parent != _LIVE_DIR:
            continue
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(f"live-{topology}-{item.path.stem}"))


@pytest.fixture(scope="session", params=TOPOLOGIES)
def topology(request: pytest.FixtureRequest) -> str:
    """Which server set-up this test runs against: one of :data:`TOPOLOGIES`.

    Session scope makes pytest order the tests by topology, so each worker switches once.
    """
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def tracking_uri(topology: str, request: pytest.FixtureRequest) -> str:
    """Base URL of the server of this test's topology.

    The servers are looked up by name so that a worker starts only the ones its tests need.
    """
    if topology == "sqlite":
        light: LocalMlflowServer = request.getfixturevalue("mlflow_server")
        return light.url
    production: ProductionTopology = request.getfixturevalue("production_server")
    return production.url


@pytest.fixture(scope="module", params=TRANSPORT_KINDS)
def transport_kind(request: pytest.FixtureRequest) -> str:
    """Which transport this test runs on: one of :data:`TRANSPORT_KINDS`."""
    kind: str = request.param
    return kind


@pytest.fixture(scope="module")
def api(transport_kind: str, tracking_uri: str) -> Iterator[MlflowClient]:
    """The blocking client surface, over the transport named by ``transport_kind``.

    Typed as :class:`MlflowClient` so that mypy checks every call of the test bodies against
    the generated signatures; the async facade has exactly that surface.
    """
    with blocking_client(tracking_uri, transport_kind) as client:
        yield client


@pytest.fixture
def experiment_id(api: MlflowClient, unique_name: Callable[[str], str]) -> str:
    """A fresh experiment of this test's own."""
    created = api.create_experiment(name=unique_name("exp")).experiment_id
    assert created is not None
    return created


@pytest.fixture
def run(api: MlflowClient, experiment_id: str) -> Run:
    """A fresh run in this test's experiment."""
    created = api.create_run(experiment_id=experiment_id, start_time=now_ms()).run
    assert created is not None
    return created


@pytest.fixture
def run_id(run: Run) -> str:
    assert run.info is not None and run.info.run_id is not None
    return run.info.run_id


@pytest.fixture
def registered_model_name(api: MlflowClient, unique_name: Callable[[str], str]) -> str:
    """The name of a fresh registered model with no versions yet."""
    name = unique_name("model")
    api.create_registered_model(name=name)
    return name


@pytest.fixture
def model_version(api: MlflowClient, registered_model_name: str, run: Run) -> ModelVersion:
    """Version 1 of the fresh registered model, from the fresh run's ``model`` folder."""
    assert run.info is not None
    created = api.create_model_version(
        name=registered_model_name,
        source=f"{run.info.artifact_uri}/model",
        run_id=run.info.run_id,
    ).model_version
    assert created is not None
    return created
