"""Metrics, params and tags checked against the server's rules before anything is sent.

A bad item caught here is one clear error at the caller's line. Caught by the server instead, it
would fail its whole batch and take every good value in that batch down with it.
"""

from __future__ import annotations

import functools
import numbers
import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias, TypeVar

from pydantic import TypeAdapter, ValidationError

from mlflow_rest_sdk._generated.models import Metric, Param, RunTag
from mlflow_rest_sdk._runtime.error_base import RequestValidationError
from mlflow_rest_sdk.batching.limits import (
    MAX_KEY_LENGTH,
    MAX_PARAM_VALUE_LENGTH,
    MAX_TAG_VALUE_LENGTH,
)

MetricInput: TypeAlias = Metric | Mapping[str, Any]
ParamInput: TypeAlias = Param | Mapping[str, Any]
TagInput: TypeAlias = RunTag | Mapping[str, Any]
Item: TypeAlias = Metric | Param | RunTag
ItemT = TypeVar("ItemT", Metric, Param, RunTag)

# The server's rule for metric, param and tag names (on a POSIX server; Windows also refuses ':').
_KEY_CHARACTERS = re.compile(r"^[/\w.\- :]*$")
_SHOWN_CHARS = 60


def shown(text: str) -> str:
    """A key as it appears in messages: quoted and cut short."""
    if len(text) <= _SHOWN_CHARS:
        return repr(text)
    return repr(text[:_SHOWN_CHARS] + "...")


@functools.lru_cache(maxsize=4096)
def key_problem(key: object) -> str | None:
    """Why the server would refuse ``key`` as a metric, param or tag name, or None if it is fine.

    Cached: a training loop logs the same few metric keys many thousands of times.
    """
    if not isinstance(key, str):
        return "key is required" if key is None else f"key must be a string, got {key!r}"
    if len(key) > MAX_KEY_LENGTH:
        return (
            f"key {shown(key)} has {len(key)} characters; MLflow accepts at most {MAX_KEY_LENGTH}"
        )
    if not _KEY_CHARACTERS.match(key):
        return (
            f"key {shown(key)} has characters MLflow refuses: names may contain only letters, "
            "digits, '_', '-', '.', ' ', ':' and '/'"
        )
    normal = posixpath.normpath(key)
    if normal != key or normal == "." or normal.startswith(("..", "/")):
        return (
            f"key {shown(key)} is not a normalized relative path "
            "(MLflow refuses empty keys, '..', leading or doubled '/')"
        )
    return None


def metric_problem(metric: Metric) -> str | None:
    """Why the server would refuse this (complete) metric, or None."""
    if (problem := key_problem(metric.key)) is not None:
        return problem
    if metric.value is None:
        return f"metric {shown(str(metric.key))}: value is required"
    if metric.timestamp is None or metric.timestamp < 0:
        return f"metric {shown(str(metric.key))}: timestamp must be a non-negative integer"
    return None


def param_problem(param: Param | RunTag, *, kind: str, max_value_length: int) -> str | None:
    """Why the server would refuse (or silently truncate) this param or tag, or None."""
    if (problem := key_problem(param.key)) is not None:
        return problem
    if param.value is None:
        return f"{kind} {shown(str(param.key))}: value is required"
    if len(param.value) > max_value_length:
        return (
            f"{kind} {shown(str(param.key))}: value has {len(param.value)} characters; "
            f"MLflow accepts at most {max_value_length} (it would truncate it)"
        )
    return None


def check_item(item: Item, operation: str, field: str | None) -> None:
    """Raise :class:`RequestValidationError` naming ``field`` if the server would refuse it."""
    if isinstance(item, Metric):
        problem = metric_problem(item)
    elif isinstance(item, Param):
        problem = param_problem(item, kind="param", max_value_length=MAX_PARAM_VALUE_LENGTH)
    else:
        problem = param_problem(item, kind="tag", max_value_length=MAX_TAG_VALUE_LENGTH)
    if problem is not None:
        raise RequestValidationError(operation, field, problem)


def metric_value(value: object, key: str) -> float:
    """A metric value as a float: any real number except a bool (MLflow's own rule)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise RequestValidationError(
            "log_metric", f"value of {shown(key)}", f"must be a real number, got {value!r}"
        )
    return float(value)


def prepare_items(
    run_id: str,
    metrics: Sequence[MetricInput],
    params: Sequence[ParamInput],
    tags: Sequence[TagInput],
    *,
    default_timestamp: int | None,
) -> tuple[list[Metric], list[Param], list[RunTag]]:
    """Validate dicts or models into models the server will accept, in the order given.

    Metrics without a step get step 0; without a timestamp, ``default_timestamp`` (an error if
    that is None). A param repeated with the same value is sent once; with another value it is
    refused, because MLflow never changes a logged param.
    """
    if not isinstance(run_id, str) or not run_id:
        raise RequestValidationError("log_batch", "run_id", f"must be a run id, got {run_id!r}")
    completed = [
        _complete_metric(metric, index, default_timestamp)
        for index, metric in enumerate(_as_models(Metric, metrics, "metrics"))
    ]
    for index, metric in enumerate(completed):
        check_item(metric, "log_batch", f"metrics[{index}]")
    checked_tags = _as_models(RunTag, tags, "tags")
    for index, tag in enumerate(checked_tags):
        check_item(tag, "log_batch", f"tags[{index}]")
    checked_params = _as_models(Param, params, "params")
    return completed, _unique_params(checked_params), checked_tags


def _as_models(model_type: type[ItemT], items: Sequence[object], kind: str) -> list[ItemT]:
    """Models from models or mappings, refusing unknown (e.g. misspelled) fields.

    Mappings are validated together, in one call into pydantic's core: a training loop's
    thousands of plain dicts would otherwise cost a Python-level call each.
    """
    models: list[Any] = list(items)
    pending: list[int] = []
    for index, item in enumerate(models):
        if isinstance(item, model_type):
            continue
        if not isinstance(item, Mapping):
            raise RequestValidationError(
                "log_batch",
                f"{kind}[{index}]",
                f"must be a {model_type.__name__} or a mapping, got {type(item).__name__}",
            )
        pending.append(index)
    if pending:
        try:
            validated = _list_adapter(model_type).validate_python([models[i] for i in pending])
        except ValidationError as error:
            first = error.errors(include_url=False, include_input=False)[0]
            position, *inside = first["loc"]
            field = f"{kind}[{pending[int(position)]}]"
            where = ".".join(str(part) for part in inside)
            raise RequestValidationError(
                "log_batch", f"{field}.{where}" if where else field, first["msg"]
            ) from None
        for index, model in zip(pending, validated, strict=True):
            models[index] = model
    for index, model in enumerate(models):
        if model.model_extra:
            unknown = sorted(model.model_extra)[0]
            raise RequestValidationError(
                "log_batch",
                f"{kind}[{index}].{unknown}",
                f"is not a field of {model_type.__name__}",
            )
    return models


@functools.cache
def _list_adapter(model_type: type[ItemT]) -> TypeAdapter[list[ItemT]]:
    return TypeAdapter(list[model_type])  # type: ignore[valid-type]


def _complete_metric(metric: Metric, index: int, default_timestamp: int | None) -> Metric:
    update: dict[str, int] = {}
    if metric.step is None:
        update["step"] = 0
    if metric.timestamp is None:
        if default_timestamp is None:
            raise RequestValidationError("log_batch", f"metrics[{index}].timestamp", "is required")
        update["timestamp"] = default_timestamp
    if not update:
        return metric
    return metric.model_copy(update=update)


def _unique_params(params: Sequence[Param]) -> list[Param]:
    first_index: dict[str | None, int] = {}
    unique: list[Param] = []
    for index, param in enumerate(params):
        check_item(param, "log_batch", f"params[{index}]")
        seen = first_index.get(param.key)
        if seen is None:
            first_index[param.key] = index
            unique.append(param)
        elif params[seen].value != param.value:
            raise RequestValidationError(
                "log_batch",
                f"params[{index}]",
                f"param {shown(str(param.key))} was already given at params[{seen}] with another "
                "value; MLflow never changes a logged param",
            )
    return unique


def new_metric(key: str, value: object, step: int, timestamp: int | None, now_ms: int) -> Metric:
    """A metric for a run logger, checked now so a bad one fails at the caller's line."""
    _require_text_key(key, "log_metric")
    if isinstance(step, bool) or not isinstance(step, int):
        raise RequestValidationError("log_metric", f"step of {shown(str(key))}", "must be an int")
    metric = Metric(
        key=key,
        value=metric_value(value, str(key)),
        step=step,
        timestamp=now_ms if timestamp is None else timestamp,
    )
    check_item(metric, "log_metric", None)
    return metric


def new_param(key: str, value: object) -> Param:
    """A param for a run logger; values are sent as text, as MLflow stores them."""
    _require_text_key(key, "log_param")
    param = Param(key=key, value=str(value))
    check_item(param, "log_param", None)
    return param


def new_tag(key: str, value: object) -> RunTag:
    """A run tag for a run logger; values are sent as text, as MLflow stores them."""
    _require_text_key(key, "set_tag")
    tag = RunTag(key=key, value=str(value))
    check_item(tag, "set_tag", None)
    return tag


def _require_text_key(key: object, operation: str) -> None:
    if not isinstance(key, str):
        raise RequestValidationError(operation, "key", f"must be a string, got {key!r}")
