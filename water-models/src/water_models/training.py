"""Train one station's model: features, time split, fit, and the validation metrics.

numpy and pandas are imported by :func:`train_station_model`: :class:`TrainingResult` is a
public name, and importing it must not load them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from water_models.features import (
    ForecastTask,
    build_features,
    data_fingerprint,
    split_by_time,
)
from water_models.model_types import StationModel, get_model_type
from water_models.model_types.base import ParamValue

if TYPE_CHECKING:
    import pandas as pd

    from water_models.metrics import FloatArray


@dataclass(frozen=True)
class TrainingResult:
    """A trained model and everything the registry and the model card need to describe it."""

    station_id: str
    model_type: str
    model: StationModel
    metrics: dict[str, float]
    params: dict[str, ParamValue]
    feature_names: list[str]
    task: ForecastTask
    data_fingerprint: str
    train_window: tuple[str, str]
    validation_window: tuple[str, str]
    trained_at: str
    validation_times: pd.DatetimeIndex = field(repr=False)
    validation_actual: FloatArray = field(repr=False)
    validation_predicted: FloatArray = field(repr=False)

    @property
    def rmse(self) -> float:
        return self.metrics["rmse"]


def train_station_model(
    station_id: str,
    model_type: str,
    data: pd.DataFrame,
    task: ForecastTask,
    params: Mapping[str, ParamValue] | None = None,
) -> TrainingResult:
    """Fit ``model_type`` on the older part of ``data`` and score it on the newest part."""
    import numpy as np

    from water_models.metrics import regression_metrics

    cls = get_model_type(model_type)
    split = split_by_time(build_features(data, task), task.validation_fraction)
    model = cls.fit(split.train, split.validation, params)
    actual = split.validation.target.to_numpy(dtype=np.float64)
    predicted = model.predict(split.validation.features)
    return TrainingResult(
        station_id=station_id,
        model_type=model_type,
        model=model,
        metrics={
            **regression_metrics(actual, predicted),
            "n_train": float(len(split.train.times)),
            "n_validation": float(len(split.validation.times)),
        },
        params=model.params(),
        feature_names=list(model.feature_names),
        task=task,
        data_fingerprint=data_fingerprint(data),
        train_window=_window(split.train.times),
        validation_window=_window(split.validation.times),
        trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
        validation_times=split.validation.times,
        validation_actual=actual,
        validation_predicted=predicted,
    )


def _window(times: pd.DatetimeIndex) -> tuple[str, str]:
    return (times[0].isoformat(), times[-1].isoformat())
