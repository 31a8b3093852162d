"""MLflow-style arguments turned into what the REST API takes: pure functions, no I/O.

MLflow's client accepts integers for view types, dicts of any values for tags, numpy scalars for
metric values, and fills in times; the REST API wants enum names, lists of string pairs, floats
and explicit times. Each rule lives here once, for both clients, and refuses a wrong value with
an ``INVALID_PARAMETER_VALUE`` before anything is sent.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from typing import Any

from mlflow_rest_sdk.compat.entities.run_status import RunStatus
from mlflow_rest_sdk.compat.entities.view_type import ViewType
from mlflow_rest_sdk.compat.exceptions import (
    InvalidArgumentType,
    InvalidArgumentValue,
    MlflowException,
)

__all__ = [
    "async_logging_requested",
    "check_artifact_location",
    "check_run_id",
    "experiment_id_list",
    "key_values",
    "metric_value",
    "now_ms",
    "run_status_name",
    "view_type_name",
]

#: MLflow's rule for run ids: a letter or digit, then up to 255 letters, digits, '_' or '-'.
_RUN_ID = re.compile(r"[a-zA-Z0-9][\w\-]{0,255}")
_TRUE = frozenset({"1", "true", "yes", "on"})


def now_ms() -> int:
    """The current time as MLflow stamps it: whole milliseconds since the Unix epoch."""
    return time.time_ns() // 1_000_000


def view_type_name(view_type: int | str) -> str:
    """A view type as the REST API names it: from MLflow's number (``ViewType.ALL`` or ``3``)
    or a name (``"ALL"``, ``"all"``)."""
    if isinstance(view_type, str):
        member = ViewType.__members__.get(view_type.upper())
    elif isinstance(view_type, int) and not isinstance(view_type, bool):
        member = ViewType._value2member_map_.get(view_type)  # type: ignore[assignment]
    else:
        member = None
    if member is None:
        raise InvalidArgumentValue(
            f"Invalid view type {view_type!r}: use ViewType.ACTIVE_ONLY, DELETED_ONLY or ALL"
        )
    return member.name


def run_status_name(status: str | int) -> str:
    """A run status as the REST API names it: a name (``"FINISHED"``) or MLflow's number."""
    if isinstance(status, int) and not isinstance(status, bool):
        return RunStatus.to_string(status)
    if isinstance(status, str):
        RunStatus.from_string(status)  # refuses unknown names
        return status
    raise MlflowException.invalid_parameter_value(f"Invalid run status {status!r}")


def key_values(values: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """A tags dict as the REST API's ``[{"key", "value"}]``, values as strings.

    MLflow's client sends the values as they are and fails on anything but a string; turning
    them into strings, as its ``set_tag`` does, lets ``{"epochs": 10}`` through.
    """
    return [{"key": key, "value": str(value)} for key, value in (values or {}).items()]


def metric_value(value: Any) -> float:
    """A metric value as a float: Python numbers, numpy scalars, one-element arrays and
    tensors (anything with ``item()``), as MLflow accepts them."""
    if type(value) is float:
        return value
    item = getattr(value, "item", None)
    candidate = item() if callable(item) else value
    try:
        return float(candidate)
    except (TypeError, ValueError):
        raise InvalidArgumentType(
            f"Got invalid value {value!r} for metric: a metric value must be a number"
        ) from None


def check_run_id(run_id: str) -> None:
    """Refuse what cannot be a run id before asking the server, as MLflow's client does."""
    if not isinstance(run_id, str) or _RUN_ID.fullmatch(run_id) is None:
        raise MlflowException.invalid_parameter_value(
            f"Invalid value {run_id!r} for parameter 'run_id' supplied"
        )


def check_artifact_location(artifact_location: str | None) -> None:
    """An experiment's artifacts cannot live inside a run (``runs:/...``), as MLflow says."""
    if artifact_location is not None and artifact_location.startswith("runs:"):
        raise MlflowException.invalid_parameter_value(
            f"Artifact location cannot be a runs:/ URI. Given: '{artifact_location}'"
        )


def experiment_id_list(experiment_ids: Any) -> list[str]:
    """``search_runs``'s experiment ids as a list of strings: one id (str or int) or a list."""
    if isinstance(experiment_ids, str | int):
        return [str(experiment_ids)]
    return [str(experiment_id) for experiment_id in experiment_ids]


def async_logging_requested(synchronous: bool | None) -> bool:
    """Whether the caller asked for asynchronous logging: ``synchronous=False``, or left it None
    with ``MLFLOW_ENABLE_ASYNC_LOGGING`` on, as MLflow decides it."""
    if synchronous is not None:
        return not synchronous
    return os.environ.get("MLFLOW_ENABLE_ASYNC_LOGGING", "").strip().lower() in _TRUE
