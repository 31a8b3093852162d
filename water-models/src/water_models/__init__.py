"""Per-station water-quality forecasting models, tracked and served through MLflow's REST API.

>>> from water_models import ModelManager
>>> with ModelManager("http://127.0.0.1:5000") as manager:
...     result = manager.train("1", "xgboost")
...     manager.register_model_in_mlflow("1", "xgboost", result)
...     loaded = manager.load_model("1", "xgboost")

The public names are imported on first access (PEP 562): ``import water_models`` loads neither
pandas, numpy, xgboost nor matplotlib, nor the SDK's clients. Those load when a method needs
them (training, loading a model, drawing the validation plot).
"""

from __future__ import annotations

from mlflow_rest_sdk.lazy import lazy_attributes

# The idiom type checkers treat like typing.TYPE_CHECKING, as in mlflow_rest_sdk: importing
# typing would make ``import water_models`` several times slower on its own.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

    from water_models.bundle import ModelIntegrityError, ModelMetadata, PickleRefusedError
    from water_models.features import ForecastTask
    from water_models.legacy_api import EndpointRemovedError, UnknownEndpointError
    from water_models.loaded import LoadedModel, ModelInfo
    from water_models.manager import ModelManager
    from water_models.registry_flows import RegistrationResult, RegistryRecord
    from water_models.schema import StationDataError
    from water_models.training import TrainingResult

__all__ = [
    "EndpointRemovedError",
    "ForecastTask",
    "LoadedModel",
    "ModelInfo",
    "ModelIntegrityError",
    "ModelManager",
    "ModelMetadata",
    "PickleRefusedError",
    "RegistrationResult",
    "RegistryRecord",
    "StationDataError",
    "TrainingResult",
    "UnknownEndpointError",
]

_MODULE_OF: Final[dict[str, str]] = {
    "EndpointRemovedError": "water_models.legacy_api",
    "ForecastTask": "water_models.features",
    "LoadedModel": "water_models.loaded",
    "ModelInfo": "water_models.loaded",
    "ModelIntegrityError": "water_models.bundle",
    "ModelManager": "water_models.manager",
    "ModelMetadata": "water_models.bundle",
    "PickleRefusedError": "water_models.bundle",
    "RegistrationResult": "water_models.registry_flows",
    "RegistryRecord": "water_models.registry_flows",
    "StationDataError": "water_models.schema",
    "TrainingResult": "water_models.training",
    "UnknownEndpointError": "water_models.legacy_api",
}

if not TYPE_CHECKING:  # type checkers see the imports above instead
    __getattr__, __dir__ = lazy_attributes(__name__, _MODULE_OF, __all__)
