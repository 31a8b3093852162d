"""Runs, differentially: create, read, rename, end, delete, restore and search runs through both
clients; the same returns, and the same runs on the server afterwards."""

from __future__ import annotations

import time

import mlflow

from .server_state import assert_same_server_state
from .sides import Side, assert_same_results, run_both

#: A fixed end time, to check that a given one is stored as given.
END_TIME = 1_700_000_000_000


def _now_ms() -> int:
    return int(time.time() * 1000)


def run_lifecycle(side: Side) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    experiment_id = side.new_experiment()
    before = _now_ms()
    run = record(
        "create_run, start_time left out",
        client.create_run(experiment_id, tags={"team": "water"}, run_name="a-first"),
    )
    run_id = alias(run.info.run_id, "run")
    record("start_time defaults to now", before <= run.info.start_time <= _now_ms())
    other = client.create_run(experiment_id, 1_600_000_000_000, None, "b-other")
    other_id = alias(other.info.run_id, "other")
    record("create_run, positional start_time", other.info.start_time == 1_600_000_000_000)
    record("get_run", client.get_run(run_id))
    record("update_run, name only", client.update_run(run_id, name="a-renamed"))
    record("get_run, renamed", client.get_run(run_id))
    record("update_run, status only", client.update_run(run_id, "KILLED"))
    record("get_run, killed", client.get_run(run_id))
    record("update_run, nothing", client.update_run(run_id))
    record("set_terminated, defaults", client.set_terminated(run_id))
    finished = record("get_run, finished", client.get_run(run_id))
    record("end_time set", finished.info.end_time is not None)
    record("set_terminated, given", client.set_terminated(other_id, "FAILED", END_TIME))
    failed = record("get_run, failed", client.get_run(other_id))
    record("end_time as given", failed.info.end_time == END_TIME)
    child = client.create_run(
        experiment_id, tags={"mlflow.parentRunId": run_id}, run_name="c-child"
    )
    alias(child.info.run_id, "child")
    record("get_parent_run", client.get_parent_run(child.info.run_id))
    record("get_parent_run, no parent", client.get_parent_run(run_id))


def test_run_lifecycle(sides: dict[str, Side], mlflow_client: mlflow.MlflowClient) -> None:
    run_both(sides, run_lifecycle)

    assert_same_results(sides)
    assert_same_server_state(mlflow_client, sides)


def run_searches(side: Side) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    experiment_id = side.new_experiment()
    view = side.entities.ViewType
    for number, team in enumerate(("water", "water", "air")):
        run = client.create_run(experiment_id, tags={"team": team}, run_name=f"run-{number}")
        alias(run.info.run_id, f"run-{number}")
    by_name = ["attributes.run_name ASC"]
    record("search_runs", client.search_runs([experiment_id], order_by=by_name))
    record("one id, not a list", client.search_runs(experiment_id, order_by=by_name))
    record(
        "filter_string",
        client.search_runs([experiment_id], "tags.team = 'water'", order_by=by_name),
    )
    first = record(
        "first page", client.search_runs([experiment_id], max_results=2, order_by=by_name)
    )
    record(
        "next page",
        client.search_runs(
            [experiment_id], max_results=2, order_by=by_name, page_token=first.token
        ),
    )
    doomed = client.search_runs([experiment_id], "attributes.run_name = 'run-2'")[0]
    record("delete_run", client.delete_run(doomed.info.run_id))
    record("search_runs, active", client.search_runs([experiment_id], order_by=by_name))
    record(
        "search_runs, deleted",
        client.search_runs([experiment_id], run_view_type=view.DELETED_ONLY, order_by=by_name),
    )
    record("search_runs, ALL as a number", client.search_runs([experiment_id], "", 3, 10, by_name))
    record("get_run, deleted", client.get_run(doomed.info.run_id))
    record("restore_run", client.restore_run(doomed.info.run_id))
    record("get_run, restored", client.get_run(doomed.info.run_id))


def test_run_searches(sides: dict[str, Side], mlflow_client: mlflow.MlflowClient) -> None:
    run_both(sides, run_searches)

    assert_same_results(sides)
    assert_same_server_state(mlflow_client, sides)
