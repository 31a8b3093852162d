"""Model types: the task's time split, and files that load back without pickle."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from station_models_support import FAST_PARAMS

from water_models.bundle import ModelBundle, PickleRefusedError
from water_models.features import ForecastTask, build_features, split_by_time
from water_models.model_types import (
    UnknownModelTypeError,
    get_model_type,
    model_type_names,
    register_model_type,
    unregister_model_type,
)
from water_models.model_types.baseline import BaselineModel
from water_models.training import train_station_model


def test_both_built_in_types_are_registered() -> None:
    assert {"xgboost", "baseline"} <= set(model_type_names())


def test_an_unknown_type_names_the_known_ones() -> None:
    with pytest.raises(UnknownModelTypeError, match="'lstm'; known types: baseline, xgboost"):
        get_model_type("lstm")


def test_the_validation_window_comes_after_the_training_window(
    station_data: pd.DataFrame,
) -> None:
    task = ForecastTask()
    split = split_by_time(build_features(station_data, task), task.validation_fraction)
    assert split.train.times.max() < split.validation.times.min()
    assert split.train.times.is_monotonic_increasing


def test_the_target_is_the_reading_horizon_hours_later(station_data: pd.DataFrame) -> None:
    task = ForecastTask(horizon_hours=3)
    table = build_features(station_data, task)
    # Matched by time, not by row: rows with a gap in their inputs are left out of the table.
    reading = pd.Series(table.features["dissolved_oxygen_mg_l_lag0h"].to_numpy(), table.times)
    later = reading.reindex(table.times + pd.Timedelta(hours=3)).to_numpy()
    target = table.target.to_numpy()
    both = ~np.isnan(later) & ~np.isnan(target)
    assert both.sum() > len(target) // 2
    assert np.allclose(later[both], target[both])


@pytest.mark.parametrize("model_type", ["xgboost", "baseline"])
def test_a_saved_model_loads_back_and_predicts_the_same(
    model_type: str, station: str, station_data: pd.DataFrame
) -> None:
    result = train_station_model(
        station, model_type, station_data, ForecastTask(), FAST_PARAMS[model_type]
    )
    content = result.model.to_bytes()
    assert content.lstrip().startswith(b"{")  # JSON, not a pickle
    loaded = get_model_type(model_type).from_bytes(content)
    features = build_features(station_data, ForecastTask()).features
    assert np.allclose(loaded.predict(features), result.model.predict(features))


@pytest.mark.parametrize("model_type", ["xgboost", "baseline"])
def test_bytes_that_are_not_a_model_are_refused(model_type: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        get_model_type(model_type).from_bytes(b'{"hello": "world"}')


def test_a_model_refuses_input_without_its_features(
    station: str, station_data: pd.DataFrame
) -> None:
    result = train_station_model(station, "baseline", station_data, ForecastTask())
    with pytest.raises(ValueError, match="lacks feature"):
        result.model.predict(pd.DataFrame({"ph_lag0h": [7.0]}))


class _PickledModel(BaselineModel):
    """A type whose files are pickles (as a joblib-stored scikit-learn model would be)."""

    type_name = "pickled_for_test"
    uses_pickle = True


@pytest.fixture
def pickled_type() -> Iterator[type[BaselineModel]]:
    register_model_type(_PickledModel)
    yield _PickledModel
    unregister_model_type(_PickledModel.type_name)


def test_a_downloaded_pickle_type_is_refused_unless_allowed(
    pickled_type: type[BaselineModel], station: str, station_data: pd.DataFrame
) -> None:
    result = train_station_model(station, "baseline", station_data, ForecastTask())
    bundle = ModelBundle.from_training(result)
    as_pickle = ModelBundle(
        bundle.model_bytes,
        bundle.metadata.model_copy(update={"model_type": pickled_type.type_name}),
    )
    with pytest.raises(PickleRefusedError, match="allow_pickle=True"):
        as_pickle.load("download", downloaded=True, allow_pickle=False)
    assert as_pickle.load("download", downloaded=True, allow_pickle=True) is not None
    assert as_pickle.load("local file", downloaded=False, allow_pickle=False) is not None
