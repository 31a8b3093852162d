"""Experiments, differentially: the same calls through MLflow's client and the compat client
return the same things and leave the server holding the same experiments."""

from __future__ import annotations

import mlflow

from .server_state import assert_same_server_state
from .sides import Side, assert_same_results, run_both


def experiment_lifecycle(side: Side) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    name = alias(side.name("exp"), "exp-name")
    experiment_id = alias(
        record(
            "create_experiment",
            client.create_experiment(name, tags={"team": "water", "stage": "dev"}),
        ),
        "exp",
    )
    side.experiment_id = experiment_id
    record("get_experiment", client.get_experiment(experiment_id))
    record("get_experiment_by_name", client.get_experiment_by_name(name))
    record("get_experiment_by_name, missing", client.get_experiment_by_name(f"{name}-missing"))
    record("set_experiment_tag, int value", client.set_experiment_tag(experiment_id, "epochs", 10))
    record("delete_experiment_tag", client.delete_experiment_tag(experiment_id, "stage"))
    renamed = alias(side.name("renamed"), "renamed")
    record("rename_experiment", client.rename_experiment(experiment_id, renamed))
    by_name = f"name = '{renamed}'"
    record("search_experiments by name", client.search_experiments(filter_string=by_name))
    record(
        "search_experiments by tag",
        client.search_experiments(filter_string=f"{by_name} AND tags.epochs = '10'"),
    )
    record("delete_experiment", client.delete_experiment(experiment_id))
    record("get_experiment, deleted", client.get_experiment(experiment_id))
    record("search_experiments, active", client.search_experiments(filter_string=by_name))
    deleted = side.entities.ViewType.DELETED_ONLY
    record(
        "search_experiments, deleted",
        client.search_experiments(view_type=deleted, filter_string=by_name),
    )
    record(
        "search_experiments, ALL as MLflow's number",
        client.search_experiments(3, 10, by_name),
    )
    record("restore_experiment", client.restore_experiment(experiment_id))
    record("get_experiment, restored", client.get_experiment(experiment_id))


def test_experiment_lifecycle(sides: dict[str, Side], mlflow_client: mlflow.MlflowClient) -> None:
    run_both(sides, experiment_lifecycle)

    assert_same_results(sides)
    assert_same_server_state(mlflow_client, sides)


def experiment_pages(side: Side) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    for number in range(3):
        name = alias(side.name(f"page-{number}"), f"name-{number}")
        alias(client.create_experiment(name), f"exp-{number}")
    side.experiment_id = client.get_experiment_by_name(side.name("page-0")).experiment_id
    mine = f"name LIKE '{side.prefix}-page-%-{side.label}'"
    query = {"filter_string": mine, "order_by": ["name ASC"]}
    first = record("first page", client.search_experiments(max_results=2, **query))
    record("token given", first.token is not None)
    last = record(
        "last page", client.search_experiments(max_results=2, page_token=first.token, **query)
    )
    record("no token on the last page", last.token is None)
    record("order_by DESC", client.search_experiments(filter_string=mine, order_by=["name DESC"]))


def test_experiment_pages(sides: dict[str, Side], mlflow_client: mlflow.MlflowClient) -> None:
    run_both(sides, experiment_pages)

    assert_same_results(sides)
    assert_same_server_state(mlflow_client, sides)
