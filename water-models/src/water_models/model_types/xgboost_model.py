"""``xgboost``: gradient-boosted trees, saved in XGBoost's own JSON format (no pickle).

xgboost (about a second to import) and numpy are imported by the methods that build, run or
read a booster: registering the type at import must not load them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self

from water_models.model_types.base import ParamValue, StationModel
from water_models.model_types.registry import register_model_type

if TYPE_CHECKING:
    import xgboost as xgb

    from water_models.features import FeatureTable
    from water_models.metrics import FloatArray

#: One thread per model: fleets train many stations at once in separate processes.
DEFAULT_PARAMS: dict[str, ParamValue] = {
    "n_estimators": 200,
    "max_depth": 5,
    "learning_rate": 0.08,
    "subsample": 0.9,
    "colsample_bytree": 0.9,
    "min_child_weight": 3.0,
    "early_stopping_rounds": 20,
    "nthread": 1,
    "seed": 0,
}


@register_model_type
class XGBoostModel(StationModel):
    """A ``xgboost.Booster``; early stopping watches the validation window."""

    type_name = "xgboost"
    format_version = 1
    file_name = "model.json"

    def __init__(self, booster: xgb.Booster, params: Mapping[str, ParamValue]) -> None:
        super().__init__(list(booster.feature_names or []))
        self.booster = booster
        self._params = dict(params)

    @classmethod
    def fit(
        cls,
        train: FeatureTable,
        validation: FeatureTable,
        params: Mapping[str, ParamValue] | None = None,
    ) -> Self:
        unknown = set(params or {}) - set(DEFAULT_PARAMS)
        if unknown:
            raise ValueError(
                f"xgboost: unknown parameter(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(DEFAULT_PARAMS)}"
            )
        import xgboost as xgb

        chosen = {**DEFAULT_PARAMS, **(params or {})}
        names = list(train.features.columns)
        dtrain = xgb.DMatrix(train.features.to_numpy(), label=train.target, feature_names=names)
        dvalid = xgb.DMatrix(
            validation.features.to_numpy(), label=validation.target, feature_names=names
        )
        booster_params: dict[str, Any] = {
            "objective": "reg:squarederror",
            "eval_metric": "rmse",
            "max_depth": int(chosen["max_depth"]),
            "eta": float(chosen["learning_rate"]),
            "subsample": float(chosen["subsample"]),
            "colsample_bytree": float(chosen["colsample_bytree"]),
            "min_child_weight": float(chosen["min_child_weight"]),
            "nthread": int(chosen["nthread"]),
            "seed": int(chosen["seed"]),
        }
        booster = xgb.train(
            booster_params,
            dtrain,
            num_boost_round=int(chosen["n_estimators"]),
            evals=[(dvalid, "validation")],
            early_stopping_rounds=int(chosen["early_stopping_rounds"]) or None,
            verbose_eval=False,
        )
        if booster.best_iteration is not None and int(chosen["early_stopping_rounds"]):
            # Keep only the trees up to the best round, so the saved file is the model we scored.
            booster = booster[: booster.best_iteration + 1]
        return cls(booster, chosen)

    def predict_array(self, features: FloatArray) -> FloatArray:
        import numpy as np
        import xgboost as xgb

        matrix = xgb.DMatrix(features, feature_names=self.feature_names)
        return np.asarray(self.booster.predict(matrix), dtype=np.float64)

    def params(self) -> dict[str, ParamValue]:
        return dict(self._params)

    def to_bytes(self) -> bytes:
        return bytes(self.booster.save_raw(raw_format="json"))

    @classmethod
    def from_bytes(cls, content: bytes) -> Self:
        import xgboost as xgb

        booster = xgb.Booster()
        try:
            booster.load_model(bytearray(content))
        except xgb.core.XGBoostError as error:
            raise ValueError(f"not an XGBoost model file: {str(error).splitlines()[0]}") from None
        if not booster.feature_names:
            raise ValueError("XGBoost model file without feature names")
        return cls(booster, _params_from_booster(booster))


def _params_from_booster(booster: xgb.Booster) -> dict[str, ParamValue]:
    """Only what the file itself records; the full set is in the run's params."""
    return {"n_estimators": booster.num_boosted_rounds()}
