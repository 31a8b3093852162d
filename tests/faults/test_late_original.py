"""A create whose first attempt reaches the server late leaves no duplicate.

The race seen on a loaded machine: the client's first ``create_run`` got no answer (reset or
timeout) while the server had not yet acted on it, so the client's lookup by idempotency key found
nothing, the client created again, and then the first attempt committed too: two runs for one
call. Here the fault proxy plays that slow server deterministically (``Fault.DELIVER_LATE``): it
holds the first attempt and resets the client's connection, and forwards the held attempt to the
real server right after the client's second create has been acted on, before the client hears
back from it. So when the client looks again, both objects exist; it must keep exactly one (the
same one any client would keep), remove the other and return the one it kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient, RetryPolicy
from mlflow_rest_sdk._runtime.recovery import IDEMPOTENCY_TAG
from mlflow_rest_sdk.models import ViewType

from .proxy import Fault, FaultProxy, ScriptedFaults

TRANSPORTS = ("httpx-sync", "httpx-async", "aiohttp-async")
RUNS_CREATE = "/api/2.0/mlflow/runs/create"
VERSIONS_CREATE = "/api/2.0/mlflow/model-versions/create"
POLICY = RetryPolicy(backoff_factor=0.01, backoff_max=0.05, max_attempts=5, deadline=60.0)
CASE_TAG = "test.late_original"


@pytest.fixture(scope="module")
def direct(tracking_uri: str) -> Iterator[MlflowClient]:
    """A client that talks to the server itself, never through the proxy."""
    with MlflowClient(tracking_uri, env_file=False) as client:
        yield client


@pytest.fixture(scope="module")
def experiment_id(direct: MlflowClient) -> str:
    created = direct.create_experiment(name=f"late-original-{uuid.uuid4().hex[:8]}")
    assert created.experiment_id is not None
    return created.experiment_id


async def _call(kind: str, url: str, operation: str, **arguments: Any) -> Any:
    """``operation`` through a client of the given kind (sync calls run in this thread)."""
    if kind == "httpx-sync":
        with MlflowClient(url, transport="httpx", retry=POLICY, env_file=False) as client:
            return getattr(client, operation)(**arguments)
    transport = kind.removesuffix("-async")
    async with AsyncMlflowClient(url, transport=transport, retry=POLICY, env_file=False) as aclient:
        return await getattr(aclient, operation)(**arguments)


def _late_proxy(tracking_uri: str, path: str) -> FaultProxy:
    return FaultProxy(tracking_uri, ScriptedFaults([Fault.DELIVER_LATE], path_prefixes=(path,)))


def _runs_of_case(
    direct: MlflowClient, experiment_id: str, case: str, view: ViewType
) -> list[tuple[str, str]]:
    """(run id, idempotency key) of the runs this test case created, in that view."""
    runs = direct.search_runs(
        experiment_ids=[experiment_id],
        filter=f"tags.`{CASE_TAG}` = '{case}'",
        run_view_type=view,
        max_results=100,
    ).runs
    found = []
    for run in runs:
        assert run.info is not None and run.info.run_id is not None and run.data is not None
        tags = {tag.key: tag.value for tag in run.data.tags}
        found.append((run.info.run_id, str(tags.get(IDEMPOTENCY_TAG))))
    return found


@pytest.mark.parametrize("start_time", [None, 1_700_000_000_000], ids=["server-time", "same-time"])
@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_run_whose_first_attempt_commits_late_exists_once(
    kind: str,
    start_time: int | None,
    tracking_uri: str,
    direct: MlflowClient,
    experiment_id: str,
) -> None:
    case = uuid.uuid4().hex
    with _late_proxy(tracking_uri, RUNS_CREATE) as proxy:
        created = await _call(
            kind,
            proxy.url,
            "create_run",
            experiment_id=experiment_id,
            start_time=start_time,
            tags=[{"key": CASE_TAG, "value": case}],
        )
        delivered_late = proxy.delivered_late()

    assert [event.path for event in delivered_late] == [RUNS_CREATE]  # the race really happened
    every_run = _runs_of_case(direct, experiment_id, case, ViewType.ALL)
    live = _runs_of_case(direct, experiment_id, case, ViewType.ACTIVE_ONLY)
    assert len(every_run) == 2 and len({key for _, key in every_run}) == 1
    assert [run_id for run_id, _ in live] == [created.run.info.run_id]
    if start_time is not None:  # a tie on start time: the smaller id is kept, by every client
        assert created.run.info.run_id == min(run_id for run_id, _ in every_run)


@pytest.mark.parametrize("kind", ["httpx-sync", "httpx-async"])
async def test_a_model_version_whose_first_attempt_commits_late_exists_once(
    kind: str, tracking_uri: str, direct: MlflowClient, experiment_id: str
) -> None:
    source = direct.create_run(experiment_id=experiment_id, run_name="model-source").run
    assert source is not None and source.info is not None and source.info.run_id is not None
    name = f"late-original-{uuid.uuid4().hex[:8]}"
    direct.create_registered_model(name=name)
    with _late_proxy(tracking_uri, VERSIONS_CREATE) as proxy:
        created = await _call(
            kind,
            proxy.url,
            "create_model_version",
            name=name,
            source=f"{source.info.artifact_uri}/model",
            run_id=source.info.run_id,
        )
        delivered_late = proxy.delivered_late()

    assert [event.path for event in delivered_late] == [VERSIONS_CREATE]
    versions = direct.search_model_versions(filter=f"name = '{name}'").model_versions
    # Version 1 was created by the re-sent create, version 2 by the late first attempt; the
    # lowest number is kept, the other deleted.
    assert [version.version for version in versions] == ["1"]
    assert created.model_version.version == "1"
