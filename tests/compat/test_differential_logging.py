"""Logging, differentially: metrics, params, tags, batches, inputs and outputs through both
clients, with MLflow's positional arguments and defaults; the same returns, and the same values
stored (every metric value, by step and timestamp)."""

from __future__ import annotations

from collections.abc import Iterator

import mlflow
import numpy as np
import pytest

from mlflow_rest_sdk import MlflowClient as RestClient

from .server_state import assert_same_server_state
from .sides import Side, assert_same_results, run_both

T0 = 1_700_000_000_000


@pytest.fixture(scope="module")
def rest(tracking_uri: str) -> Iterator[RestClient]:
    """The SDK's own client, for what neither side's scenario is about (a logged model)."""
    with RestClient(tracking_uri) as client:
        yield client


def single_values(side: Side) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    experiment_id = side.new_experiment()
    run_id = alias(client.create_run(experiment_id, run_name="train").info.run_id, "run")
    record("log_metric, defaults", client.log_metric(run_id, "rmse", 0.5))
    record("log_metric, positional", client.log_metric(run_id, "rmse", 0.4, T0 + 1, 3))
    record("log_metric, numpy scalar", client.log_metric(run_id, "acc", np.float32(0.75)))
    operations = record(
        "log_metric, synchronous=False",
        client.log_metric(run_id, "acc", 0.8, step=1, synchronous=False),
    )
    record("wait", operations.wait())
    record("log_param, returns the value", client.log_param(run_id, "lr", 0.01))
    record("log_param, int", client.log_param(run_id, "depth", 6, synchronous=True))
    record("set_tag", client.set_tag(run_id, "phase", "train"))
    record("set_tag, int", client.set_tag(run_id, "workers", 4))
    record("delete_tag", client.delete_tag(run_id, "phase"))
    record("get_metric_history", client.get_metric_history(run_id, "rmse"))
    record("get_metric_history, missing key", client.get_metric_history(run_id, "nope"))
    record("get_run", client.get_run(run_id))


def test_single_values(sides: dict[str, Side], mlflow_client: mlflow.MlflowClient) -> None:
    run_both(sides, single_values)

    assert_same_results(sides)
    assert_same_server_state(mlflow_client, sides)


def batches(side: Side) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    entities = side.entities
    experiment_id = side.new_experiment()
    run_id = alias(client.create_run(experiment_id, run_name="batched").info.run_id, "run")
    record(
        "log_batch",
        client.log_batch(
            run_id,
            [entities.Metric("loss", 1.0 / (step + 1), T0 + step, step) for step in range(5)],
            [entities.Param("optimizer", "adam"), entities.Param("layers", 3)],
            [entities.RunTag("batched", "yes")],
        ),
    )
    record("log_batch, nothing", client.log_batch(run_id))
    # Over MLflow's per-request limits (1000 metrics, 100 params): split into several requests.
    record(
        "log_batch, over the limits",
        client.log_batch(
            run_id,
            metrics=[entities.Metric("curve", float(step), T0, step) for step in range(1500)],
            params=[entities.Param(f"p{number}", number) for number in range(150)],
            tags=[entities.RunTag(f"t{number}", str(number)) for number in range(120)],
        ),
    )
    record(
        "log_batch, synchronous=False",
        type(
            client.log_batch(run_id, tags=[entities.RunTag("late", "1")], synchronous=False)
        ).__name__,
    )
    record("get_metric_history, 1500 values", client.get_metric_history(run_id, "curve"))
    record("get_run", client.get_run(run_id))


def test_batches(sides: dict[str, Side], mlflow_client: mlflow.MlflowClient) -> None:
    run_both(sides, batches)

    assert_same_results(sides)
    assert_same_server_state(mlflow_client, sides)


def inputs_and_outputs(side: Side, rest: RestClient) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    entities = side.entities
    experiment_id = side.new_experiment()
    run_id = alias(client.create_run(experiment_id, run_name="io").info.run_id, "run")
    created = rest.create_logged_model(experiment_id=experiment_id, source_run_id=run_id)
    assert created.model is not None and created.model.info is not None
    model_id = alias(created.model.info.model_id or "", "model")
    dataset = entities.Dataset(
        "stations", "d1g3st", "local", '{"uri": "/data/stations.csv"}', schema='{"x": 1}'
    )
    context = entities.InputTag("mlflow.data.context", "training")
    record(
        "log_inputs, a dataset",
        client.log_inputs(run_id, [entities.DatasetInput(dataset, [context])]),
    )
    record(
        "log_inputs, a model",
        client.log_inputs(run_id, models=[entities.LoggedModelInput(model_id)]),
    )
    record(
        "log_metric, tied to the dataset",
        client.log_metric(
            run_id, "val_rmse", 0.3, T0, 0, dataset_name="stations", dataset_digest="d1g3st"
        ),
    )
    record("log_outputs", client.log_outputs(run_id, [entities.LoggedModelOutput(model_id, 2)]))
    record("get_metric_history, dataset fields", client.get_metric_history(run_id, "val_rmse"))
    record("get_run, inputs and outputs", client.get_run(run_id))


def test_inputs_and_outputs(
    sides: dict[str, Side], mlflow_client: mlflow.MlflowClient, rest: RestClient
) -> None:
    for side in sides.values():
        inputs_and_outputs(side, rest)

    assert_same_results(sides)
    assert_same_server_state(mlflow_client, sides)
