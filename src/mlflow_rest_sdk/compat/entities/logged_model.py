"""``LoggedModel``, as ``mlflow.entities.LoggedModel``: a model logged to an experiment (MLflow
3), with tags and params read as dicts and ``model_uri`` as ``models:/<model_id>``."""

from __future__ import annotations

from enum import StrEnum

from mlflow_rest_sdk.compat.entities._base import Entity
from mlflow_rest_sdk.compat.entities.key_value import KeyValue

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from mlflow_rest_sdk.compat.entities.metric import Metric

__all__ = ["LoggedModel", "LoggedModelParameter", "LoggedModelStatus", "LoggedModelTag"]


class LoggedModelTag(KeyValue):
    """A tag on a logged model."""


class LoggedModelParameter(KeyValue):
    """A parameter of a logged model."""


class LoggedModelStatus(StrEnum):
    """Where a logged model's upload stands; ``str`` so that it equals its name."""

    UNSPECIFIED = "UNSPECIFIED"
    PENDING = "PENDING"
    READY = "READY"
    FAILED = "FAILED"


def _as_dict(items: Iterable[KeyValue] | Mapping[str, str] | None) -> dict[str, str]:
    if items is None:
        return {}
    if isinstance(items, dict):
        return dict(items)
    return {item.key: item.value for item in items}  # type: ignore[union-attr]


class LoggedModel(Entity):
    """A logged model: ``LoggedModel(experiment_id, model_id, name, artifact_location,
    creation_timestamp, last_updated_timestamp, ...)``; tags and params as lists or dicts."""

    def __init__(
        self,
        experiment_id: str,
        model_id: str,
        name: str,
        artifact_location: str,
        creation_timestamp: int,
        last_updated_timestamp: int,
        model_type: str | None = None,
        source_run_id: str | None = None,
        status: LoggedModelStatus | str = LoggedModelStatus.READY,
        status_message: str | None = None,
        tags: Iterable[LoggedModelTag] | Mapping[str, str] | None = None,
        params: Iterable[LoggedModelParameter] | Mapping[str, str] | None = None,
        metrics: list[Metric] | None = None,
    ) -> None:
        self._experiment_id = experiment_id
        self._model_id = model_id
        self._name = name
        self._artifact_location = artifact_location
        self._creation_timestamp = creation_timestamp
        self._last_updated_timestamp = last_updated_timestamp
        self._model_type = model_type
        self._source_run_id = source_run_id
        self._status = LoggedModelStatus(str(status))
        self._status_message = status_message
        self._tags = _as_dict(tags)
        self._params = _as_dict(params)
        self._metrics = metrics

    @property
    def experiment_id(self) -> str:
        return self._experiment_id

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def name(self) -> str:
        return self._name

    @property
    def artifact_location(self) -> str:
        return self._artifact_location

    @property
    def creation_timestamp(self) -> int:
        return self._creation_timestamp

    @property
    def last_updated_timestamp(self) -> int:
        return self._last_updated_timestamp

    @property
    def model_type(self) -> str | None:
        return self._model_type

    @property
    def source_run_id(self) -> str | None:
        return self._source_run_id

    @property
    def status(self) -> LoggedModelStatus:
        return self._status

    @property
    def status_message(self) -> str | None:
        return self._status_message

    @property
    def tags(self) -> dict[str, str]:
        return self._tags

    @property
    def params(self) -> dict[str, str]:
        return self._params

    @property
    def metrics(self) -> list[Metric] | None:
        return self._metrics

    @property
    def model_uri(self) -> str:
        return f"models:/{self._model_id}"
