"""Per-station water-quality forecasting models, tracked and served through MLflow's REST API.

>>> from water_models import ModelManager
>>> with ModelManager("http://127.0.0.1:5000") as manager:
...     result = manager.train("1", "xgboost")
...     manager.register_model_in_mlflow("1", "xgboost", result)
...     loaded = manager.load_model("1", "xgboost")
"""

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
