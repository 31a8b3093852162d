"""Live-suite fixtures: every test body runs once per transport against the real server.

``api`` has the blocking method surface of :class:`MlflowClient` on all three transports:

- ``httpx-sync``: the :class:`MlflowClient` itself;
- ``httpx-async`` and ``aiohttp-async``: an :class:`AsyncMlflowClient` that lives on its own event
  loop in a background thread, behind :class:`BlockingAsyncClient`, which turns each call
  ``api.create_experiment(...)`` into ``run_coroutine_threadsafe(...).result()``.

So the async clients really run on an event loop of their own while the test bodies stay the
same for every transport.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar, cast

import pytest

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient
from mlflow_rest_sdk.models import ModelVersion, Run

from ._support import now_ms

T = TypeVar("T")

#: The ids of the three transports every live test runs on.
TRANSPORT_KINDS = ("httpx-sync", "httpx-async", "aiohttp-async")
#: Upper bound for one call made through the facade (the client's own timeouts come first).
FACADE_CALL_TIMEOUT = 180.0


class BlockingAsyncClient:
    """A blocking view of an :class:`AsyncMlflowClient` running on a private event loop.

    The client is created on the loop's thread (an aiohttp session belongs to the loop it was
    made on), every coroutine method is run there, and :meth:`close` closes the client on that
    loop before stopping the loop and joining its thread. Attributes that are not coroutine
    methods are passed through unchanged.
    """

    def __init__(self, tracking_uri: str, transport: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=f"live-{transport}-loop", daemon=True
        )
        self._thread.start()
        try:
            self._client = self._run(_open_async_client(tracking_uri, transport))
        except BaseException:
            self._stop_loop()
            raise

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=FACADE_CALL_TIMEOUT)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # never reached for our own attributes once they are set
            raise AttributeError(name)
        attribute = getattr(self._client, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        @functools.wraps(attribute)
        def blocking_call(*args: Any, **kwargs: Any) -> Any:
            return self._run(attribute(*args, **kwargs))

        return blocking_call

    def close(self) -> None:
        try:
            self._run(self._client.aclose())
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


async def _open_async_client(tracking_uri: str, transport: str) -> AsyncMlflowClient:
    return AsyncMlflowClient(tracking_uri, transport=transport)


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
    if transport_kind == "httpx-sync":
        with MlflowClient(tracking_uri, transport="httpx") as client:
            yield client
        return
    facade = BlockingAsyncClient(tracking_uri, transport=transport_kind.removesuffix("-async"))
    try:
        yield cast(MlflowClient, facade)
    finally:
        facade.close()


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
