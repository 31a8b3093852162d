"""``RunData``: what a run logged, as ``mlflow.entities.RunData`` (dicts by key)."""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities._base import Entity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from mlflow_rest_sdk.compat.entities.key_value import Param, RunTag
    from mlflow_rest_sdk.compat.entities.metric import Metric

__all__ = ["RunData"]


class RunData(Entity):
    """A run's metrics, params and tags, each as ``{key: value}``.

    Built from lists of entities (``RunData(metrics, params, tags)``), read as dicts, the way
    MLflow code does (``run.data.metrics.get("rmse")``). ``metrics`` holds one value per key:
    the server sends each metric's latest value, and a later entry of the same key wins.
    """

    def __init__(
        self,
        metrics: Iterable[Metric] | None = None,
        params: Iterable[Param] | None = None,
        tags: Iterable[RunTag] | None = None,
    ) -> None:
        self._metric_objs = list(metrics or ())
        self._metrics = {metric.key: metric.value for metric in self._metric_objs}
        self._params = {param.key: param.value for param in params or ()}
        self._tags = {tag.key: tag.value for tag in tags or ()}

    @property
    def metrics(self) -> dict[str, float]:
        return self._metrics

    @property
    def params(self) -> dict[str, str]:
        return self._params

    @property
    def tags(self) -> dict[str, str]:
        return self._tags

    def to_dictionary(self) -> dict[str, Any]:
        return {"metrics": self.metrics, "params": self.params, "tags": self.tags}
