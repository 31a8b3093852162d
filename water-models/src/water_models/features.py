"""The forecasting task: predict one reading some hours ahead from lagged readings and the clock.

Readings are first put on a regular hourly grid (gaps stay NaN), so a lag of N steps is N hours
whatever the sensor's own rate. The validation window is the most recent part of the series:
the split is by time, never shuffled, as the model will be used on the future.

pandas and numpy are imported by the functions that use them, not with the module:
:class:`ForecastTask` is part of every model's metadata, and reading it must stay cheap.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from water_models.schema import DISSOLVED_OXYGEN, READING_COLUMNS, TIMESTAMP

if TYPE_CHECKING:
    import pandas as pd

#: The regular grid readings are put on before lagging.
GRID_HOURS = 1
_TIME_FEATURES = ("hour_sin", "hour_cos", "doy_sin", "doy_cos")


@dataclass(frozen=True, slots=True)
class ForecastTask:
    """What to predict, how far ahead, from which lags; and how much data validates."""

    target: str = DISSOLVED_OXYGEN.column
    horizon_hours: int = 6
    lags_hours: tuple[int, ...] = (0, 1, 2, 3, 6, 12, 24)
    validation_fraction: float = 0.2

    def __post_init__(self) -> None:
        if self.target not in READING_COLUMNS:
            raise ValueError(
                f"ForecastTask.target {self.target!r} is not a reading; use one of "
                f"{', '.join(READING_COLUMNS)}"
            )
        if self.horizon_hours < 1:
            raise ValueError(f"ForecastTask.horizon_hours must be >= 1, got {self.horizon_hours}")
        if not self.lags_hours or min(self.lags_hours) < 0:
            raise ValueError(f"ForecastTask.lags_hours must be >= 0, got {self.lags_hours}")
        if not 0.0 < self.validation_fraction < 0.9:
            raise ValueError(
                "ForecastTask.validation_fraction must be between 0 and 0.9, "
                f"got {self.validation_fraction}"
            )

    def feature_names(self) -> list[str]:
        lagged = [f"{c}_lag{lag}h" for c in READING_COLUMNS for lag in self.lags_hours]
        return [*lagged, *_TIME_FEATURES]

    def signature(self) -> str:
        """A short fingerprint of the inputs and target: a change means a major version bump."""
        described = {"features": self.feature_names(), **asdict(self)}
        described.pop("validation_fraction")
        text = json.dumps(described, sort_keys=True, default=list)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class FeatureTable:
    """Features and target aligned row by row; ``times`` are when each forecast is made."""

    features: pd.DataFrame
    target: pd.Series
    times: pd.DatetimeIndex


@dataclass(frozen=True)
class Split:
    train: FeatureTable
    validation: FeatureTable


def to_hourly_grid(data: pd.DataFrame) -> pd.DataFrame:
    """Hourly means of the readings, one row per hour from the first to the last reading."""
    import pandas as pd

    indexed = data.set_index(TIMESTAMP)[list(READING_COLUMNS)]
    return indexed.resample(pd.Timedelta(hours=GRID_HOURS)).mean()


def build_features(data: pd.DataFrame, task: ForecastTask) -> FeatureTable:
    """Lagged readings and time-of-day/season features; rows without a known target dropped."""
    table = build_prediction_features(data, task)
    keep = table.target.notna().to_numpy()
    return FeatureTable(table.features.loc[keep], table.target.loc[keep], table.times[keep])


def build_prediction_features(data: pd.DataFrame, task: ForecastTask) -> FeatureTable:
    """Features for every hour of ``data``; the target is NaN where it lies in the future."""
    import numpy as np
    import pandas as pd

    grid = to_hourly_grid(data)
    index = pd.DatetimeIndex(grid.index)
    columns: dict[str, pd.Series] = {}
    for column in READING_COLUMNS:
        for lag in task.lags_hours:
            columns[f"{column}_lag{lag}h"] = grid[column].shift(lag)
    hour = index.hour.to_numpy() + index.minute.to_numpy() / 60.0
    doy = index.day_of_year.to_numpy()
    columns["hour_sin"] = pd.Series(np.sin(2 * np.pi * hour / 24), index=index)
    columns["hour_cos"] = pd.Series(np.cos(2 * np.pi * hour / 24), index=index)
    columns["doy_sin"] = pd.Series(np.sin(2 * np.pi * doy / 365.25), index=index)
    columns["doy_cos"] = pd.Series(np.cos(2 * np.pi * doy / 365.25), index=index)
    features = pd.DataFrame(columns, index=index)[task.feature_names()].astype(np.float64)
    target = grid[task.target].shift(-task.horizon_hours).astype(np.float64)
    return FeatureTable(features=features, target=target, times=index)


def split_by_time(table: FeatureTable, validation_fraction: float) -> Split:
    """The last ``validation_fraction`` of rows (by time) validate; the rest train."""
    n = len(table.times)
    n_validation = max(1, round(n * validation_fraction))
    cut = n - n_validation
    if cut < 10:
        raise ValueError(
            f"too little data to train: {n} usable rows after building features "
            f"(need at least {10 + n_validation})"
        )

    def part(rows: slice) -> FeatureTable:
        return FeatureTable(table.features.iloc[rows], table.target.iloc[rows], table.times[rows])

    return Split(train=part(slice(0, cut)), validation=part(slice(cut, n)))


def data_fingerprint(data: pd.DataFrame) -> str:
    """sha256 of the readings as used, so a run records exactly which data trained it."""
    import pandas as pd

    hashed = pd.util.hash_pandas_object(data, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes()).hexdigest()
