"""``Metric``: one value of a metric, as ``mlflow.entities.Metric``."""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities._base import HashableEntity
from mlflow_rest_sdk.compat.exceptions import MlflowException

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Metric"]


class Metric(HashableEntity):
    """A metric value at a time and step: ``Metric(key, value, timestamp, step)``.

    ``timestamp`` is in milliseconds since the epoch. A value tied to a dataset names both the
    dataset's name and digest, as MLflow requires; one without the other is refused here rather
    than by the server, so the mistake shows at the line that made it.
    """

    def __init__(
        self,
        key: str,
        value: float,
        timestamp: int,
        step: int,
        model_id: str | None = None,
        dataset_name: str | None = None,
        dataset_digest: str | None = None,
        run_id: str | None = None,
    ) -> None:
        if (dataset_name is None) != (dataset_digest is None):
            raise MlflowException.invalid_parameter_value(
                "Both dataset_name and dataset_digest must be provided if one is provided"
            )
        self._key = key
        self._value = value
        self._timestamp = timestamp
        self._step = step
        self._model_id = model_id
        self._dataset_name = dataset_name
        self._dataset_digest = dataset_digest
        self._run_id = run_id

    @property
    def key(self) -> str:
        return self._key

    @property
    def value(self) -> float:
        return self._value

    @property
    def timestamp(self) -> int:
        """Milliseconds since the Unix epoch."""
        return self._timestamp

    @property
    def step(self) -> int:
        return self._step

    @property
    def model_id(self) -> str | None:
        """The logged model the value belongs to, if any."""
        return self._model_id

    @property
    def dataset_name(self) -> str | None:
        return self._dataset_name

    @property
    def dataset_digest(self) -> str | None:
        return self._dataset_digest

    @property
    def run_id(self) -> str | None:
        return self._run_id

    def to_dictionary(self) -> dict[str, Any]:
        """The metric as a plain dict, with MLflow's keys in MLflow's order."""
        return {
            "key": self.key,
            "value": self.value,
            "timestamp": self.timestamp,
            "step": self.step,
            "model_id": self.model_id,
            "dataset_name": self.dataset_name,
            "dataset_digest": self.dataset_digest,
            "run_id": self.run_id,
        }

    @classmethod
    def from_dictionary(cls, metric_dict: dict[str, Any]) -> Metric:
        """The inverse of :meth:`to_dictionary`; ``key``, ``value``, ``timestamp`` and ``step``
        are required."""
        required = ("key", "value", "timestamp", "step")
        missing = [name for name in required if name not in metric_dict]
        if missing:
            raise MlflowException.invalid_parameter_value(
                f"Missing required keys {missing} in metric dictionary"
            )
        return cls(**metric_dict)
