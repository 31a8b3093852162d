"""Every exception the SDK raises.

``MlflowApiError`` (with ``status_code``, ``error_code``, ``message``) for server answers, split
by HTTP status family (``NotFound``...) and then by MLflow ``error_code``
(``ResourceDoesNotExist``...); ``APIConnectionError`` when no answer came back;
``RequestValidationError`` when a request was refused before sending.
"""

from mlflow_rest_sdk._generated.errors import *  # noqa: F403
from mlflow_rest_sdk._generated.errors import ERROR_TYPES
from mlflow_rest_sdk._runtime.admission import LoadLimitTimeout
from mlflow_rest_sdk._runtime.config import ConfigurationError
from mlflow_rest_sdk._runtime.error_base import (
    APIConnectionError,
    APIConnectionRefused,
    APITimeoutError,
    BadRequest,
    Conflict,
    MlflowApiError,
    MlflowRestError,
    NotFound,
    NotImplementedByServer,
    PermissionDenied,
    RequestValidationError,
    ResponseDecodeError,
    ServerError,
    ServiceUnavailable,
    TooManyRequests,
    Unauthenticated,
)

__all__ = [
    "ERROR_TYPES",
    "APIConnectionError",
    "APIConnectionRefused",
    "APITimeoutError",
    "BadRequest",
    "ConfigurationError",
    "Conflict",
    "LoadLimitTimeout",
    "MlflowApiError",
    "MlflowRestError",
    "NotFound",
    "NotImplementedByServer",
    "PermissionDenied",
    "RequestValidationError",
    "ResponseDecodeError",
    "ServerError",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthenticated",
    *sorted({cls.__name__ for cls in ERROR_TYPES.values()}),
]
