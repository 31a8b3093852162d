"""Entities turned into the REST API's request items: pure functions, no I/O.

Duck-typed on purpose: an item is read by its attributes (``key``, ``value``, ``timestamp``,
``step``...), so ``log_batch`` takes this package's ``Metric`` and also the entities of an
``mlflow`` still imported elsewhere in a program that is half moved over.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mlflow_rest_sdk.compat._arguments import metric_value

__all__ = ["dataset_inputs_to_rest", "metrics_to_rest", "model_inputs_to_rest", "pairs_to_rest"]


def _without_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def metrics_to_rest(metrics: Iterable[Any]) -> list[dict[str, Any]]:
    """Metric entities as ``log-batch`` items, values as floats (as MLflow converts them)."""
    return [
        _without_none(
            {
                "key": metric.key,
                "value": metric_value(metric.value),
                "timestamp": metric.timestamp,
                "step": metric.step,
                "model_id": getattr(metric, "model_id", None),
                "dataset_name": getattr(metric, "dataset_name", None),
                "dataset_digest": getattr(metric, "dataset_digest", None),
            }
        )
        for metric in metrics
    ]


def pairs_to_rest(items: Iterable[Any]) -> list[dict[str, str]]:
    """Params or tags (anything with ``key`` and ``value``) as items, values as strings."""
    return [{"key": item.key, "value": str(item.value)} for item in items]


def _dataset_to_rest(dataset: Any) -> dict[str, Any]:
    return _without_none(
        {
            "name": dataset.name,
            "digest": dataset.digest,
            "source_type": dataset.source_type,
            "source": dataset.source,
            "schema": getattr(dataset, "schema", None),
            "profile": getattr(dataset, "profile", None),
        }
    )


def dataset_inputs_to_rest(datasets: Iterable[Any] | None) -> list[dict[str, Any]]:
    """``DatasetInput`` entities as ``log-inputs`` items."""
    return [
        {"dataset": _dataset_to_rest(item.dataset), "tags": pairs_to_rest(item.tags or ())}
        for item in datasets or ()
    ]


def model_inputs_to_rest(models: Iterable[Any] | None) -> list[dict[str, str]]:
    """``LoggedModelInput`` entities as ``log-inputs`` items."""
    return [{"model_id": item.model_id} for item in models or ()]
