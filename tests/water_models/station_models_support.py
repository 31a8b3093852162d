"""Constants shared by the water_models tests (a module of its own: conftest is not importable)."""

from __future__ import annotations

from water_models.model_types.base import ParamValue
from water_models.synthetic import SyntheticConfig

#: A month of hourly readings: enough for a time split, fast to train.
SMALL = SyntheticConfig(days=30)
#: Few trees: the tests are about the lifecycle, not accuracy.
FAST_PARAMS: dict[str, dict[str, ParamValue]] = {
    "xgboost": {"n_estimators": 15, "max_depth": 3},
    "baseline": {"alpha": 1.0},
}
#: Much worse than FAST_PARAMS on the same data (the ridge penalty flattens the model).
BAD_PARAMS: dict[str, dict[str, ParamValue]] = {
    "xgboost": {"n_estimators": 1, "max_depth": 1, "learning_rate": 0.01},
    "baseline": {"alpha": 1e7},
}
