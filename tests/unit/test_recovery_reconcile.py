"""Reconciling a create sent again after an ambiguous failure: the late first attempt's duplicate.

The choice of the survivor is pure logic, tested by itself; the client's calls around it (one read
after the re-sent create, a removal per duplicate) are played against a scripted transport, for
both clients. tests/faults/test_late_original.py runs the race against a real server.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient, RetryPolicy
from mlflow_rest_sdk._generated import models as m
from mlflow_rest_sdk._recoveries import RECOVERIES, run_survivor, version_survivor
from mlflow_rest_sdk._runtime.recovery import (
    IDEMPOTENCY_TAG,
    AttemptLog,
    Removal,
    choose_survivor,
    needs_reconciling,
)
from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse, TransportTimeout

from .scripted import ScriptedTransport, reply

URI = "http://127.0.0.1:1"
FAST = RetryPolicy(backoff_factor=0.0, max_attempts=3)
LOST = TransportTimeout("read timed out", url=URI)
KEY = "k" * 32


def _run(run_id: str, start: int | None = 1000, stage: str = "active") -> dict[str, Any]:
    info: dict[str, Any] = {"run_id": run_id, "experiment_id": "7", "lifecycle_stage": stage}
    if start is not None:
        info["start_time"] = start
    return {"info": info, "data": {"tags": [{"key": IDEMPOTENCY_TAG, "value": KEY}]}}


def _runs(*runs: dict[str, Any]) -> list[m.Run]:
    return [m.Run.model_validate(run) for run in runs]


def _ids(runs: list[m.Run]) -> list[str | None]:
    return [run.info.run_id if run.info else None for run in runs]


def _versions(*numbers: str) -> list[m.ModelVersion]:
    return [m.ModelVersion(name="model", version=number) for number in numbers]


# --- the survivor: pure ------------------------------------------------------------------------


def test_choose_survivor_keeps_the_least_and_counts_each_identity_once() -> None:
    chosen = choose_survivor([("b", 2), ("a", 3), ("b", 9), ("c", 1)], lambda x: x[0], lambda x: x)
    assert chosen == (("a", 3), [("b", 2), ("c", 1)])


def test_choose_survivor_of_nothing_is_none() -> None:
    assert choose_survivor([], lambda x: x, lambda x: x) is None


@pytest.mark.parametrize(
    ("runs", "kept", "removed"),
    [
        ([_run("b", 2000), _run("a", 1000)], "a", ["b"]),  # earliest start wins
        ([_run("b", 1000), _run("a", 1000)], "a", ["b"]),  # a tie: the smaller id
        ([_run("a", None), _run("z", 5)], "z", ["a"]),  # no start time sorts last
        ([_run("a", 1, "deleted"), _run("b", 2)], "b", []),  # deleted: neither kept nor removed
        ([_run("a", 1), _run("a", 1)], "a", []),  # the same run twice is one run
    ],
)
def test_run_survivor(runs: list[dict[str, Any]], kept: str, removed: list[str]) -> None:
    chosen = run_survivor(_runs(*runs))
    assert chosen is not None
    assert (_ids([chosen[0]]), _ids(chosen[1])) == ([kept], removed)


def test_run_survivor_is_the_same_whatever_order_the_runs_come_in() -> None:
    runs = _runs(_run("c", 7), _run("b", 5), _run("a", 5), _run("d", None))
    forward, backward = run_survivor(runs), run_survivor(runs[::-1])
    assert forward is not None and backward is not None
    assert _ids([forward[0], backward[0]]) == ["a", "a"]
    assert _ids(forward[1]) == _ids(backward[1]) == ["b", "c", "d"]


def test_run_survivor_of_only_deleted_runs_is_none() -> None:
    assert run_survivor(_runs(_run("a", 1, "deleted"))) is None


def test_version_survivor_orders_version_numbers_as_numbers() -> None:
    chosen = version_survivor(_versions("10", "9", "11"))
    assert chosen is not None
    assert (chosen[0].version, [v.version for v in chosen[1]]) == ("9", ["10", "11"])


def test_settling_runs_keeps_the_survivor_and_marks_the_others_deleted() -> None:
    settle = RECOVERIES["create_run"].reconcile
    assert settle is not None
    plan = settle(m.CreateRun(experiment_id="7", tags=[m.RunTag(key=IDEMPOTENCY_TAG, value=KEY)]))
    assert plan.method == "search_runs"
    assert plan.arguments["run_view_type"] == m.ViewType.ACTIVE_ONLY
    assert KEY in plan.arguments["filter"] and plan.arguments["experiment_ids"] == ["7"]

    created = m.CreateRunResponse.model_validate({"run": _run("b", 2000)})
    found = m.SearchRunsResponse.model_validate({"runs": [_run("b", 2000), _run("a", 1000)]})
    settlement = plan.settle(created, found)

    assert settlement.keep.run.info.run_id == "a"
    assert settlement.removals == (
        Removal("delete_run", {"run_id": "b"}, "run b (marked deleted)"),
    )


def test_settling_without_a_duplicate_returns_the_create_response_itself() -> None:
    settle = RECOVERIES["create_run"].reconcile
    assert settle is not None
    plan = settle(m.CreateRun(experiment_id="7"))
    created = m.CreateRunResponse.model_validate({"run": _run("b", 2000)})
    found = m.SearchRunsResponse.model_validate({"runs": [_run("b", 2000)]})
    settlement = plan.settle(created, found)
    assert settlement.keep is created and settlement.removals == ()


def test_settling_model_versions_keeps_the_lowest_number() -> None:
    settle = RECOVERIES["create_model_version"].reconcile
    assert settle is not None
    message = m.CreateModelVersion(
        name="model", source="s", tags=[m.ModelVersionTag(key=IDEMPOTENCY_TAG, value=KEY)]
    )
    plan = settle(message)
    assert plan.method == "search_model_versions"
    assert "name = 'model'" in plan.arguments["filter"] and KEY in plan.arguments["filter"]

    created = m.CreateModelVersionResponse(model_version=_versions("3")[0])
    found = m.SearchModelVersionsResponse(model_versions=_versions("3", "4"))
    settlement = plan.settle(created, found)

    assert settlement.keep is created
    assert settlement.removals == (
        Removal(
            "delete_model_version",
            {"name": "model", "version": "4"},
            "model version model v4",
        ),
    )


def test_creates_with_unique_names_need_no_reconciling() -> None:
    assert RECOVERIES["create_experiment"].reconcile is None
    assert RECOVERIES["create_registered_model"].reconcile is None


@pytest.mark.parametrize(
    ("error", "status", "expected"),
    [
        (None, 200, False),  # the first attempt answered: nothing can be late
        (LOST, 200, True),  # sent again after a lost answer
        (LOST, 400, False),  # the create failed: nothing to keep
    ],
)
def test_needs_reconciling(error: Exception | None, status: int, expected: bool) -> None:
    from mlflow_rest_sdk.errors import APITimeoutError

    attempts = AttemptLog()
    if error is not None:
        attempts.saw_error(APITimeoutError("lost", url=URI))
    assert needs_reconciling(attempts, HttpResponse(status, {}, b"{}")) is expected


# --- the client's calls around it: sync and async ------------------------------------------------


class _AsyncScripted:
    def __init__(self, scripted: ScriptedTransport) -> None:
        self.scripted = scripted

    async def send(self, request: HttpRequest) -> HttpResponse:
        return self.scripted.send(request)

    async def aclose(self) -> None:
        pass


async def _create_run(kind: str, transport: ScriptedTransport) -> m.CreateRunResponse:
    if kind == "sync":
        client = MlflowClient(
            URI, transport=transport, retry=FAST, env_file=False, sleep=lambda _: None
        )
        return client.create_run(experiment_id="7")

    async def no_sleep(_: float) -> None:
        pass

    aclient = AsyncMlflowClient(
        URI, transport=_AsyncScripted(transport), retry=FAST, env_file=False, sleep=no_sleep
    )
    result: m.CreateRunResponse = await aclient.create_run(experiment_id="7")
    return result


def _tag_of(request: HttpRequest) -> str:
    tags = json.loads(request.content or b"{}")["tags"]
    return str(next(t["value"] for t in tags if t["key"] == IDEMPOTENCY_TAG))


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_late_first_attempt_is_removed_and_the_survivor_returned(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    late, resent = _run("a-late", 1000), _run("b-resent", 2000)
    transport = ScriptedTransport(
        LOST,  # the first attempt: no answer (the server acts on it later)
        reply(200, {"runs": []}),  # the lookup: not there yet
        reply(200, {"run": resent}),  # the create sent again
        reply(200, {"runs": [resent, late]}),  # the look after it: the first attempt landed
        reply(200, {}),  # delete_run of the duplicate
    )
    with caplog.at_level(logging.INFO, logger="mlflow_rest_sdk"):
        created = await _create_run(kind, transport)

    assert created.run is not None and created.run.info is not None
    assert created.run.info.run_id == "a-late"  # the earlier start time is kept
    assert transport.paths() == [
        "2.0/mlflow/runs/create",
        "2.0/mlflow/runs/search",
        "2.0/mlflow/runs/create",
        "2.0/mlflow/runs/search",
        "2.0/mlflow/runs/delete",
    ]
    assert json.loads(transport.sent[4].content or b"") == {"run_id": "b-resent"}
    reconcile = json.loads(transport.sent[3].content or b"")
    assert _tag_of(transport.sent[0]) in reconcile["filter"]
    assert reconcile["run_view_type"] == "ACTIVE_ONLY"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "kept run a-late" in warnings[0]
    assert "removed run b-resent (marked deleted)" in warnings[0]


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_resent_create_with_no_duplicate_is_returned_as_is(kind: str) -> None:
    resent = _run("b-resent", 2000)
    transport = ScriptedTransport(
        LOST, reply(200, {"runs": []}), reply(200, {"run": resent}), reply(200, {"runs": [resent]})
    )
    created = await _create_run(kind, transport)
    assert created.run is not None and created.run.info is not None
    assert created.run.info.run_id == "b-resent"
    assert len(transport.sent) == 4


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_create_answered_at_once_is_not_reconciled(kind: str) -> None:
    transport = ScriptedTransport(reply(200, {"run": _run("a", 1)}))
    await _create_run(kind, transport)
    assert transport.paths() == ["2.0/mlflow/runs/create"]


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_when_the_look_after_the_create_fails_the_created_run_is_returned(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    resent = _run("b-resent", 2000)
    transport = ScriptedTransport(
        LOST, reply(200, {"runs": []}), reply(200, {"run": resent}), LOST, LOST, LOST
    )
    with caplog.at_level(logging.WARNING, logger="mlflow_rest_sdk"):
        created = await _create_run(kind, transport)
    assert created.run is not None and created.run.info is not None
    assert created.run.info.run_id == "b-resent"
    assert any("could not check for a duplicate" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_when_a_removal_fails_the_survivor_is_still_returned(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    late, resent = _run("a-late", 1000), _run("b-resent", 2000)
    denied = reply(403, {"error_code": "PERMISSION_DENIED", "message": "no"})
    transport = ScriptedTransport(
        LOST,
        reply(200, {"runs": []}),
        reply(200, {"run": resent}),
        reply(200, {"runs": [late, resent]}),
        denied,
    )
    with caplog.at_level(logging.WARNING, logger="mlflow_rest_sdk"):
        created = await _create_run(kind, transport)
    assert created.run is not None and created.run.info is not None
    assert created.run.info.run_id == "a-late"
    assert any("could not remove duplicate run b-resent" in r.getMessage() for r in caplog.records)
