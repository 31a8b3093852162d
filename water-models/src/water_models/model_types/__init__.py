"""Model types behind one small registry: adding a type is writing one class and registering it.

Importing this package registers the built-in types (``xgboost``, ``baseline``).
"""

from water_models.model_types import baseline as _baseline
from water_models.model_types import xgboost_model as _xgboost_model
from water_models.model_types.base import StationModel
from water_models.model_types.registry import (
    UnknownModelTypeError,
    get_model_type,
    model_type_names,
    register_model_type,
    unregister_model_type,
)

__all__ = [
    "StationModel",
    "UnknownModelTypeError",
    "get_model_type",
    "model_type_names",
    "register_model_type",
    "unregister_model_type",
]

del _baseline, _xgboost_model
