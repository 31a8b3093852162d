"""Runs: lifecycle, logging (metrics, params, tags, batches, inputs), history and artifacts."""

from __future__ import annotations

import math

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.models import Run, RunStatus, ViewType

from ._support import now_ms


def _get(api: MlflowClient, run_id: str) -> Run:
    found = api.get_run(run_id=run_id).run
    assert found is not None
    return found


def _metrics(run: Run) -> dict[str | None, float | None]:
    assert run.data is not None
    return {metric.key: metric.value for metric in run.data.metrics}


def _params(run: Run) -> dict[str | None, str | None]:
    assert run.data is not None
    return {param.key: param.value for param in run.data.params}


def _tags(run: Run) -> dict[str | None, str | None]:
    assert run.data is not None
    return {tag.key: tag.value for tag in run.data.tags}


def _new_run_id(api: MlflowClient, experiment_id: str) -> str:
    created = api.create_run(experiment_id=experiment_id, start_time=now_ms()).run
    assert created is not None and created.info is not None and created.info.run_id
    return created.info.run_id


def test_created_run_can_be_fetched(api: MlflowClient, experiment_id: str) -> None:
    start = now_ms()

    created = api.create_run(
        experiment_id=experiment_id,
        run_name="train-st042",
        start_time=start,
        tags=[{"key": "station", "value": "ST-042"}],
    ).run

    assert created is not None and created.info is not None and created.info.run_id
    fetched = _get(api, created.info.run_id)
    assert fetched.info is not None
    assert fetched.info.run_id == created.info.run_id
    assert fetched.info.experiment_id == experiment_id
    assert fetched.info.run_name == "train-st042"
    assert fetched.info.start_time == start
    assert fetched.info.status == RunStatus.RUNNING
    assert fetched.info.lifecycle_stage == "active"
    assert _tags(fetched)["station"] == "ST-042"


def test_update_run_sets_status_end_time_and_name(api: MlflowClient, run_id: str) -> None:
    end = now_ms()

    updated = api.update_run(
        run_id=run_id, status=RunStatus.FINISHED, end_time=end, run_name="renamed-run"
    ).run_info

    assert updated is not None
    assert (updated.status, updated.end_time, updated.run_name) == (
        RunStatus.FINISHED,
        end,
        "renamed-run",
    )
    info = _get(api, run_id).info
    assert info is not None
    assert (info.status, info.end_time, info.run_name) == (RunStatus.FINISHED, end, "renamed-run")


def test_search_runs_filters_on_a_param(api: MlflowClient, experiment_id: str) -> None:
    xgboost_run = _new_run_id(api, experiment_id)
    linear_run = _new_run_id(api, experiment_id)
    api.log_param(run_id=xgboost_run, key="model_type", value="xgboost")
    api.log_param(run_id=linear_run, key="model_type", value="linear")

    found = api.search_runs(
        experiment_ids=[experiment_id], filter="params.model_type = 'xgboost'"
    ).runs

    assert [run.info.run_id for run in found if run.info is not None] == [xgboost_run]


def test_search_runs_filters_on_a_metric(api: MlflowClient, experiment_id: str) -> None:
    good_run = _new_run_id(api, experiment_id)
    bad_run = _new_run_id(api, experiment_id)
    api.log_metric(run_id=good_run, key="rmse", value=0.25, timestamp=now_ms())
    api.log_metric(run_id=bad_run, key="rmse", value=3.5, timestamp=now_ms())

    found = api.search_runs(experiment_ids=[experiment_id], filter="metrics.rmse < 1").runs

    assert [run.info.run_id for run in found if run.info is not None] == [good_run]


def test_deleted_run_is_marked_deleted_and_left_out_of_active_search(
    api: MlflowClient, experiment_id: str, run_id: str
) -> None:
    api.delete_run(run_id=run_id)

    info = _get(api, run_id).info
    assert info is not None and info.lifecycle_stage == "deleted"
    active = api.search_runs(experiment_ids=[experiment_id], run_view_type=ViewType.ACTIVE_ONLY)
    deleted = api.search_runs(experiment_ids=[experiment_id], run_view_type=ViewType.DELETED_ONLY)
    assert active.runs == []
    assert [run.info.run_id for run in deleted.runs if run.info is not None] == [run_id]


def test_deleted_run_can_be_restored(api: MlflowClient, run_id: str) -> None:
    api.delete_run(run_id=run_id)

    api.restore_run(run_id=run_id)

    info = _get(api, run_id).info
    assert info is not None and info.lifecycle_stage == "active"


def test_logged_metric_is_the_runs_latest_value(api: MlflowClient, run_id: str) -> None:
    api.log_metric(run_id=run_id, key="rmse", value=0.75, timestamp=now_ms(), step=0)

    assert _metrics(_get(api, run_id)) == {"rmse": 0.75}


def test_logged_parameter_is_recorded(api: MlflowClient, run_id: str) -> None:
    api.log_param(run_id=run_id, key="max_depth", value="6")

    assert _params(_get(api, run_id)) == {"max_depth": "6"}


def test_run_tag_is_set(api: MlflowClient, run_id: str) -> None:
    api.set_tag(run_id=run_id, key="station", value="ST-042")

    assert _tags(_get(api, run_id))["station"] == "ST-042"


def test_deleted_run_tag_is_gone(api: MlflowClient, run_id: str) -> None:
    api.set_tag(run_id=run_id, key="station", value="ST-042")
    api.set_tag(run_id=run_id, key="keep", value="yes")

    api.delete_tag(run_id=run_id, key="station")

    tags = _tags(_get(api, run_id))
    assert "station" not in tags
    assert tags["keep"] == "yes"


def test_log_batch_records_metrics_params_and_tags(api: MlflowClient, run_id: str) -> None:
    timestamp = now_ms()

    api.log_batch(
        run_id=run_id,
        metrics=[
            {"key": "rmse", "value": 0.5, "timestamp": timestamp, "step": 1},
            {"key": "mae", "value": 0.25, "timestamp": timestamp, "step": 1},
        ],
        params=[{"key": "max_depth", "value": "6"}, {"key": "eta", "value": "0.3"}],
        tags=[{"key": "station", "value": "ST-042"}],
    )

    run = _get(api, run_id)
    assert _metrics(run) == {"rmse": 0.5, "mae": 0.25}
    assert _params(run) == {"max_depth": "6", "eta": "0.3"}
    assert _tags(run)["station"] == "ST-042"


def test_logged_dataset_input_is_listed_in_run_inputs(api: MlflowClient, run_id: str) -> None:
    dataset = {
        "name": "st042-2024",
        "digest": "a1b2c3d4",
        "source_type": "local",
        "source": '{"uri": "/data/st042.parquet"}',
        "schema": '{"columns": ["ph", "turbidity"]}',
    }

    api.log_inputs(
        run_id=run_id,
        datasets=[
            {"dataset": dataset, "tags": [{"key": "mlflow.data.context", "value": "training"}]}
        ],
    )

    inputs = _get(api, run_id).inputs
    assert inputs is not None
    [logged] = inputs.dataset_inputs
    assert logged.dataset is not None
    assert logged.dataset.model_dump(by_alias=True, exclude_none=True) == dataset
    assert [(tag.key, tag.value) for tag in logged.tags] == [("mlflow.data.context", "training")]


def test_metric_history_returns_every_step_exactly(api: MlflowClient, run_id: str) -> None:
    start = now_ms()
    values = [0.1, 1 / 3, math.nan, -2.5e-300, 123456789.123456789]
    for step, value in enumerate(values):
        api.log_metric(run_id=run_id, key="loss", value=value, timestamp=start + step, step=step)

    history = api.get_metric_history(run_id=run_id, metric_key="loss").metrics

    by_step = sorted(history, key=lambda metric: metric.step or 0)
    assert [(m.step, m.timestamp) for m in by_step] == [(s, start + s) for s in range(len(values))]
    read_back = [m.value for m in by_step]
    assert read_back[2] is not None and math.isnan(read_back[2])
    assert read_back[:2] + read_back[3:] == values[:2] + values[3:]


def test_uploaded_artifact_is_listed_for_its_run(api: MlflowClient, run: Run) -> None:
    assert run.info is not None and run.info.artifact_uri is not None
    artifact_root = run.info.artifact_uri.removeprefix("mlflow-artifacts:/")
    content = b"ph,turbidity\n7.1,0.4\n"

    api.upload_artifact(artifact_path=f"{artifact_root}/data/sample.csv", content=content)

    top = api.list_artifacts(run_id=run.info.run_id)
    inside = api.list_artifacts(run_id=run.info.run_id, path="data")
    assert [(f.path, f.is_dir) for f in top.files] == [("data", True)]
    assert [(f.path, f.is_dir, f.file_size) for f in inside.files] == [
        ("data/sample.csv", False, len(content))
    ]
