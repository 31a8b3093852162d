"""Logging to the active run: params, metrics, tags and inputs, with MLflow's fluent
signatures. Each call starts a run when none is active, as MLflow's do.

``synchronous=False`` (or ``MLFLOW_ENABLE_ASYNC_LOGGING``) queues params, metrics and tags on
the run's lossless run logger (:mod:`.async_logging`) and returns :class:`RunOperations` whose
``wait()`` sends them; ``end_run`` and the exit send the rest.
"""

from __future__ import annotations

from typing import Any

from mlflow_rest_sdk.compat._arguments import async_logging_requested, metric_value, now_ms
from mlflow_rest_sdk.compat.entities.key_value import InputTag, Param, RunTag
from mlflow_rest_sdk.compat.entities.metric import Metric
from mlflow_rest_sdk.compat.entities.run_inputs import Dataset, DatasetInput, LoggedModelInput
from mlflow_rest_sdk.compat.exceptions import MlflowException
from mlflow_rest_sdk.compat.fluent import state
from mlflow_rest_sdk.compat.fluent.active_run import run_stack, start_run
from mlflow_rest_sdk.compat.fluent.async_logging import logger_for, queued
from mlflow_rest_sdk.compat.run_operations import RunOperations

__all__ = [
    "delete_tag",
    "log_input",
    "log_inputs",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "set_tag",
    "set_tags",
]

#: The input tag MLflow stores a dataset's context (``"training"``...) under.
MLFLOW_DATASET_CONTEXT = "mlflow.data.context"


def active_run_id(run_id: str | None = None) -> str:
    """``run_id`` when given, else the active run's, else a new run's (MLflow starts one)."""
    if run_id:
        return run_id
    stack = run_stack()
    return (stack[-1] if stack else start_run()).info.run_id


def log_param(key: str, value: Any, synchronous: bool | None = None) -> Any:
    """Log a param of the active run; returns the value (asynchronously: the operations), as
    MLflow does."""
    run_id = active_run_id()
    if async_logging_requested(synchronous):
        logger_for(run_id).log_param(key, value)
        return queued(run_id)  # as MLflow returns, instead of the value
    return state.client().log_param(run_id, key, value, synchronous=synchronous)


def log_params(
    params: dict[str, Any], synchronous: bool | None = None, run_id: str | None = None
) -> RunOperations | None:
    """Log several params in one batch."""
    target = active_run_id(run_id)
    if async_logging_requested(synchronous):
        logger_for(target).log_params(params)
        return queued(target)
    batch = [Param(key, str(value)) for key, value in params.items()]
    return state.client().log_batch(target, params=batch, synchronous=synchronous)


def _dataset_fields(dataset: Any) -> tuple[str | None, str | None]:
    return (None, None) if dataset is None else (dataset.name, dataset.digest)


def log_metric(
    key: str,
    value: float,
    step: int | None = None,
    synchronous: bool | None = None,
    timestamp: int | None = None,
    run_id: str | None = None,
    model_id: str | None = None,
    dataset: Any = None,
) -> RunOperations | None:
    """Log one metric value; ``step`` defaults to 0 and ``timestamp`` to now. ``dataset`` is
    anything with ``name`` and ``digest`` (the metric names it; it is not logged as an input)."""
    name, digest = _dataset_fields(dataset)
    target = active_run_id(run_id)
    if async_logging_requested(synchronous) and model_id is None and name is None:
        logger_for(target).log_metric(key, metric_value(value), step or 0, timestamp or None)
        return queued(target)
    return state.client().log_metric(
        target,
        key,
        value,
        timestamp or now_ms(),
        step or 0,
        synchronous=synchronous,
        dataset_name=name,
        dataset_digest=digest,
        model_id=model_id,
    )


def log_metrics(
    metrics: dict[str, float],
    step: int | None = None,
    synchronous: bool | None = None,
    run_id: str | None = None,
    timestamp: int | None = None,
    model_id: str | None = None,
    dataset: Any = None,
) -> RunOperations | None:
    """Log several metrics at one step and time, in one batch."""
    name, digest = _dataset_fields(dataset)
    target = active_run_id(run_id)
    if async_logging_requested(synchronous) and model_id is None and name is None:
        values = {key: metric_value(value) for key, value in metrics.items()}
        logger_for(target).log_metrics(values, step or 0, timestamp or None)
        return queued(target)
    at = timestamp or now_ms()
    batch = [
        Metric(key, metric_value(value), at, step or 0, model_id, name, digest)
        for key, value in metrics.items()
    ]
    return state.client().log_batch(target, metrics=batch, synchronous=synchronous)


def set_tag(key: str, value: Any, synchronous: bool | None = None) -> RunOperations | None:
    """Set a tag of the active run (the value as a string)."""
    run_id = active_run_id()
    if async_logging_requested(synchronous):
        logger_for(run_id).set_tag(key, value)
        return queued(run_id)
    return state.client().set_tag(run_id, key, value, synchronous=synchronous)


def set_tags(tags: dict[str, Any], synchronous: bool | None = None) -> RunOperations | None:
    """Set several tags in one batch."""
    run_id = active_run_id()
    if async_logging_requested(synchronous):
        logger_for(run_id).set_tags(tags)
        return queued(run_id)
    batch = [RunTag(key, str(value)) for key, value in tags.items()]
    return state.client().log_batch(run_id, tags=batch, synchronous=synchronous)


def delete_tag(key: str) -> None:
    """Delete a tag of the active run."""
    state.client().delete_tag(active_run_id(), key)


def _dataset_entity(dataset: Any) -> Dataset:
    """A compat ``Dataset``, or any object with MLflow's dataset fields (or a
    ``_to_mlflow_entity()`` giving one, as ``mlflow.data`` datasets have)."""
    if isinstance(dataset, Dataset):
        return dataset
    entity = dataset._to_mlflow_entity() if hasattr(dataset, "_to_mlflow_entity") else dataset
    return Dataset(
        entity.name,
        entity.digest,
        entity.source_type,
        entity.source,
        getattr(entity, "schema", None),
        getattr(entity, "profile", None),
    )


def log_inputs(
    datasets: list[Any] | None = None,
    contexts: list[str | None] | None = None,
    tags_list: list[dict[str, str] | None] | None = None,
    models: list[LoggedModelInput | None] | None = None,
) -> None:
    """Log datasets (each with its context and tags) and models as inputs of the active run."""
    datasets = datasets or []
    contexts = contexts or []
    tags_list = tags_list or []
    if not len(datasets) == len(contexts) == len(tags_list):
        raise MlflowException(
            "`mlflow.log_inputs` requires `datasets`, `contexts`, `tags_list` to be non-empty "
            "list and have the same length."
        )
    inputs = []
    for dataset, context, tags in zip(datasets, contexts, tags_list, strict=True):
        if dataset is None:
            continue
        input_tags = [InputTag(key, str(value)) for key, value in (tags or {}).items()]
        if context:
            input_tags.append(InputTag(MLFLOW_DATASET_CONTEXT, context))
        inputs.append(DatasetInput(_dataset_entity(dataset), input_tags))
    model_inputs = [model for model in models or [] if model is not None]
    state.client().log_inputs(active_run_id(), inputs or None, model_inputs or None)


def log_input(
    dataset: Any = None,
    context: str | None = None,
    tags: dict[str, str] | None = None,
    model: LoggedModelInput | None = None,
) -> None:
    """Log one dataset (with its context and tags) and/or one model as inputs."""
    log_inputs(
        [dataset] if dataset is not None else None,
        [context] if dataset is not None else None,
        [tags] if dataset is not None else None,
        [model] if model is not None else None,
    )
