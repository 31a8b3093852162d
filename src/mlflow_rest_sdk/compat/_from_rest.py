"""REST response models turned into compat entities: pure functions, no I/O.

Where the server leaves a field out, MLflow's entities hold the protobuf default (``""`` for
strings, ``0`` for numbers) rather than None, and so do these, so that code comparing
``run.info.run_name == ""`` or summing times behaves as under MLflow. The REST models are only
read (their attributes), so this module imports none of them at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from mlflow_rest_sdk.compat.entities.experiment import Experiment
from mlflow_rest_sdk.compat.entities.file_info import FileInfo
from mlflow_rest_sdk.compat.entities.key_value import ExperimentTag, InputTag, Param, RunTag
from mlflow_rest_sdk.compat.entities.metric import Metric
from mlflow_rest_sdk.compat.entities.run import Run
from mlflow_rest_sdk.compat.entities.run_data import RunData
from mlflow_rest_sdk.compat.entities.run_info import RunInfo
from mlflow_rest_sdk.compat.entities.run_inputs import (
    Dataset,
    DatasetInput,
    LoggedModelInput,
    RunInputs,
)
from mlflow_rest_sdk.compat.entities.run_outputs import LoggedModelOutput, RunOutputs
from mlflow_rest_sdk.compat.exceptions import MlflowException

if TYPE_CHECKING:
    from mlflow_rest_sdk import models as rest

__all__ = [
    "experiment_from_rest",
    "file_info_from_rest",
    "metric_from_rest",
    "required",
    "run_from_rest",
    "run_info_from_rest",
]

T = TypeVar("T")


def required(value: T | None, what: str) -> T:
    """The part of a 200 answer a call needs; a server that left it out answered wrongly."""
    if value is None:
        raise MlflowException(f"The server's answer has no {what}")
    return value


def experiment_from_rest(experiment: rest.Experiment) -> Experiment:
    return Experiment(
        experiment.experiment_id or "",
        experiment.name or "",
        experiment.artifact_location or "",
        experiment.lifecycle_stage or "",
        tags=[ExperimentTag(tag.key or "", tag.value or "") for tag in experiment.tags],
        # Experiments older than MLflow 1.29 have no times: None, as MLflow reports them.
        creation_time=experiment.creation_time or None,
        last_update_time=experiment.last_update_time or None,
        workspace=experiment.workspace,
        effective_trace_archival_retention=experiment.effective_trace_archival_retention,
    )


def metric_from_rest(metric: rest.Metric) -> Metric:
    return Metric(
        metric.key or "",
        metric.value if metric.value is not None else 0.0,
        metric.timestamp or 0,
        metric.step or 0,
        model_id=metric.model_id or None,
        dataset_name=metric.dataset_name or None,
        dataset_digest=metric.dataset_digest or None,
        run_id=metric.run_id or None,
    )


def run_info_from_rest(info: rest.RunInfo) -> RunInfo:
    return RunInfo(
        run_id=info.run_id or info.run_uuid or "",
        experiment_id=info.experiment_id or "",
        user_id=info.user_id or "",
        status=str(info.status or "RUNNING"),  # the proto's default
        start_time=info.start_time or 0,
        end_time=info.end_time or None,  # 0 means "not ended", as in MLflow
        lifecycle_stage=info.lifecycle_stage or "",
        artifact_uri=info.artifact_uri or "",
        run_name=info.run_name or "",
    )


def _run_data(data: rest.RunData | None) -> RunData:
    if data is None:
        return RunData()
    return RunData(
        metrics=[metric_from_rest(metric) for metric in data.metrics],
        params=[Param(param.key or "", param.value or "") for param in data.params],
        tags=[RunTag(tag.key or "", tag.value or "") for tag in data.tags],
    )


def _dataset(dataset: rest.Dataset | None) -> Dataset:
    if dataset is None:
        return Dataset("", "", "", "")
    return Dataset(
        dataset.name or "",
        dataset.digest or "",
        dataset.source_type or "",
        dataset.source or "",
        schema=dataset.schema_,
        profile=dataset.profile,
    )


def _run_inputs(inputs: rest.RunInputs | None) -> RunInputs:
    if inputs is None:
        return RunInputs([], [])
    return RunInputs(
        [
            DatasetInput(
                _dataset(item.dataset),
                [InputTag(tag.key or "", tag.value or "") for tag in item.tags],
            )
            for item in inputs.dataset_inputs
        ],
        [LoggedModelInput(item.model_id or "") for item in inputs.model_inputs],
    )


def _run_outputs(outputs: rest.RunOutputs | None) -> RunOutputs:
    if outputs is None:
        return RunOutputs([])
    return RunOutputs(
        [LoggedModelOutput(item.model_id or "", item.step or 0) for item in outputs.model_outputs]
    )


def run_from_rest(run: rest.Run) -> Run:
    """A run with every part, empty parts included, as MLflow builds it from the server's."""
    return Run(
        run_info_from_rest(required(run.info, "run info")),
        _run_data(run.data),
        _run_inputs(run.inputs),
        _run_outputs(run.outputs),
    )


def file_info_from_rest(file: rest.FileInfo) -> FileInfo:
    return FileInfo(file.path or "", bool(file.is_dir), file.file_size)
