# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/compat/_async/run_logging.py
"""What MLflow's ``MlflowClient`` logs to a run: metrics, params, tags, batches, inputs, outputs.

``synchronous=False`` (or ``MLFLOW_ENABLE_ASYNC_LOGGING``) is accepted as in MLflow and returns
a :class:`RunOperations`; the value is sent before the call returns either way, so nothing is
queued that an exit could lose.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mlflow_rest_sdk.compat._arguments import async_logging_requested, metric_value, now_ms
from mlflow_rest_sdk.compat._errors import mlflow_errors
from mlflow_rest_sdk.compat._from_rest import metric_from_rest
from mlflow_rest_sdk.compat._sync.base import CompatBase
from mlflow_rest_sdk.compat._to_rest import (
    dataset_inputs_to_rest,
    metrics_to_rest,
    model_inputs_to_rest,
    pairs_to_rest,
)
from mlflow_rest_sdk.compat.entities.key_value import Param, RunTag
from mlflow_rest_sdk.compat.entities.metric import Metric
from mlflow_rest_sdk.compat.entities.paged_list import PagedList
from mlflow_rest_sdk.compat.entities.run_inputs import DatasetInput, LoggedModelInput
from mlflow_rest_sdk.compat.entities.run_outputs import LoggedModelOutput
from mlflow_rest_sdk.compat.run_operations import RunOperations

__all__ = ["RunLoggingMixin"]

#: The page size MLflow's client reads metric histories with.
METRIC_HISTORY_PAGE_SIZE = 25_000


def _operations(synchronous: bool | None) -> RunOperations | None:
    """What a logging call returns: done operations when asynchronous logging was asked for."""
    return RunOperations() if async_logging_requested(synchronous) else None


class RunLoggingMixin(CompatBase):
    """Logging to runs with MLflow's defaults: timestamps now, steps 0, values as strings."""

    def log_metric(
        self,
        run_id: str,
        key: str,
        value: float,
        timestamp: int | None = None,
        step: int | None = None,
        synchronous: bool | None = None,
        dataset_name: str | None = None,
        dataset_digest: str | None = None,
        model_id: str | None = None,
    ) -> RunOperations | None:
        """Log one metric value; ``timestamp`` defaults to now and ``step`` to 0, and numpy
        scalars or one-element arrays are taken as floats, as in MLflow."""
        metric = Metric(
            key,
            metric_value(value),
            timestamp if timestamp is not None else now_ms(),
            step if step is not None else 0,
            model_id=model_id,
            dataset_name=dataset_name,
            dataset_digest=dataset_digest,
        )
        with mlflow_errors():
            self._rest.log_metric(
                run_id=run_id,
                key=metric.key,
                value=metric.value,
                timestamp=metric.timestamp,
                step=metric.step,
                model_id=metric.model_id,
                dataset_name=metric.dataset_name,
                dataset_digest=metric.dataset_digest,
            )
        return _operations(synchronous)

    def log_param(self, run_id: str, key: str, value: Any, synchronous: bool | None = None) -> Any:
        """Log a param (sent as a string); returns ``value``, or the operations when
        asynchronous logging was asked for, as MLflow does."""
        with mlflow_errors():
            self._rest.log_param(run_id=run_id, key=key, value=str(value))
        operations = _operations(synchronous)
        return value if operations is None else operations

    def set_tag(
        self, run_id: str, key: str, value: Any, synchronous: bool | None = None
    ) -> RunOperations | None:
        """Set a tag on a run; the value is sent as a string."""
        with mlflow_errors():
            self._rest.set_tag(run_id=run_id, key=key, value=str(value))
        return _operations(synchronous)

    def delete_tag(self, run_id: str, key: str) -> None:
        with mlflow_errors():
            self._rest.delete_tag(run_id=run_id, key=key)

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
        synchronous: bool | None = None,
    ) -> RunOperations | None:
        """Log any number of metrics, params and tags (param and tag values as strings).

        Split into as many requests as the server's limits need, as MLflow's client does, by
        the SDK's ``log_batch_all``: tags in order first, then the rest, a few at a time.
        """
        if not (metrics or params or tags):
            return None
        with mlflow_errors():
            self._rest.log_batch_all(
                run_id,
                metrics=metrics_to_rest(metrics),
                params=pairs_to_rest(params),
                tags=pairs_to_rest(tags),
            )
        return _operations(synchronous)

    def get_metric_history(self, run_id: str, key: str) -> list[Metric]:
        """Every value logged for one metric of a run, all pages of it, as a list (a
        ``PagedList`` without a token, which is what MLflow's client returns)."""
        with mlflow_errors():
            history = [
                metric_from_rest(metric)
                for metric in self._rest.get_metric_history_iter(
                    run_id=run_id, metric_key=key, max_results=METRIC_HISTORY_PAGE_SIZE
                )
            ]
        return PagedList(history, None)

    def log_inputs(
        self,
        run_id: str,
        datasets: Sequence[DatasetInput] | None = None,
        models: Sequence[LoggedModelInput] | None = None,
    ) -> None:
        """Record datasets (with their tags) and logged models a run used."""
        with mlflow_errors():
            self._rest.log_inputs(
                run_id=run_id,
                datasets=dataset_inputs_to_rest(datasets) or None,
                models=model_inputs_to_rest(models) or None,
            )

    def log_outputs(self, run_id: str, models: list[LoggedModelOutput]) -> None:
        """Record logged models a run produced, with the step each was produced at."""
        with mlflow_errors():
            self._rest.log_outputs(
                run_id=run_id,
                models=[{"model_id": model.model_id, "step": model.step} for model in models],
            )
