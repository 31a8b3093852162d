"""Fixtures for the batching tests: the three transports, fresh runs, and reading values back.

``api`` follows the live suite's pattern (``tests/live/conftest.py``): the blocking client on
``httpx-sync``, and the asyncio client behind :class:`BlockingAsyncClient` on ``httpx-async``
and ``aiohttp-async``. Run-logger tests that need the asyncio logger itself use the asyncio
client directly, on the test's own event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from tests.live.blocking import TRANSPORT_KINDS, blocking_client

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.models import Metric


@pytest.fixture(scope="module", params=TRANSPORT_KINDS)
def transport_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture(scope="module")
def api(transport_kind: str, tracking_uri: str) -> Iterator[MlflowClient]:
    """The blocking client surface over ``transport_kind`` (see the module docstring)."""
    with blocking_client(tracking_uri, transport_kind) as client:
        yield client


@pytest.fixture(scope="module")
def client(tracking_uri: str) -> Iterator[MlflowClient]:
    """A blocking client for setting up and reading back, whatever the transport under test."""
    with MlflowClient(tracking_uri) as made:
        yield made


@pytest.fixture
def new_run(client: MlflowClient, unique_name: Callable[[str], str]) -> Callable[[], str]:
    """A factory of fresh, active runs (in an experiment of this test's own)."""
    experiment_id = client.create_experiment(name=unique_name("batching")).experiment_id

    def make() -> str:
        run = client.create_run(experiment_id=experiment_id, start_time=int(time.time() * 1000))
        assert run.run is not None and run.run.info is not None and run.run.info.run_id
        return run.run.info.run_id

    return make


#: Values per get-metric-history page when reading back (several pages per key in big tests).
HISTORY_PAGE = 5000


def metric_history(client: MlflowClient, run_id: str, key: str) -> list[Metric]:
    """Every stored value of one metric, page after page."""
    return list(
        client.get_metric_history_iter(run_id=run_id, metric_key=key, max_results=HISTORY_PAGE)
    )


def stored_params_and_tags(
    client: MlflowClient, run_id: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The run's params and tags as stored by the server, as ``{key: value}`` dicts."""
    run = client.get_run(run_id=run_id).run
    assert run is not None and run.data is not None
    params = {str(p.key): str(p.value) for p in run.data.params}
    tags = {str(t.key): str(t.value) for t in run.data.tags}
    return params, tags
