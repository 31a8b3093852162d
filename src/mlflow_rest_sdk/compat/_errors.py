"""SDK errors become ``MlflowException``s at the compat client's boundary, without ceasing to be
SDK errors.

Why twins, not a mapping to plain ``MlflowException``: code moved over from MLflow catches
``MlflowException`` and reads ``error_code``; code written for this SDK catches
``ResourceDoesNotExist`` or ``NotFound`` and reads ``status_code``. A plain mapping would serve
only the first. Why at the boundary, not in the SDK's own hierarchy: the SDK's errors must not
depend on the compat layer (the layers in ``.importlinter``), and ``MlflowException``'s
contract (an ``error_code`` on every failure, even a refused connection) is the compat
client's promise, not the SDK's. So each SDK error class ``X`` gets one twin class
``X(MlflowException, sdk.X)`` (``RestException`` for answers from the server), made on first
use and cached, and the compat client re-raises what the SDK raised as an instance of that twin,
with every attribute of the original, chained to it (``__cause__``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from mlflow_rest_sdk.compat.exceptions import (
    HTTP_STATUS_TO_ERROR_CODE,
    MlflowException,
    RestException,
)
from mlflow_rest_sdk.errors import (
    ConfigurationError,
    MlflowApiError,
    MlflowRestError,
    RequestValidationError,
)

__all__ = ["as_mlflow_exception", "mlflow_errors", "twin_class"]

#: What the compat client catches and re-raises; anything else (a bug, a KeyboardInterrupt)
#: passes through untouched.
SDK_ERRORS = (MlflowRestError, ConfigurationError)


_TWINS: dict[type[Exception], type[MlflowException]] = {}


def twin_class(sdk_class: type[Exception]) -> type[MlflowException]:
    """The class that is both ``sdk_class`` and an ``MlflowException`` (one per class: threads
    that race to make it all get the first one stored)."""
    twin = _TWINS.get(sdk_class)
    if twin is not None:
        return twin
    base = RestException if issubclass(sdk_class, MlflowApiError) else MlflowException
    made = type(
        sdk_class.__name__,
        (base, sdk_class),
        {
            "__module__": __name__,
            "__qualname__": sdk_class.__qualname__,
            "__doc__": f"{sdk_class.__doc__ or sdk_class.__name__} (an MlflowException too)",
        },
    )
    return _TWINS.setdefault(sdk_class, made)


def error_code_of(error: BaseException) -> str:
    """The MLflow error code for an SDK error, as MLflow's own client would report it."""
    if isinstance(error, MlflowApiError):
        if error.error_code:
            return error.error_code
        return HTTP_STATUS_TO_ERROR_CODE.get(error.status_code, "INTERNAL_ERROR")
    if isinstance(error, RequestValidationError | ConfigurationError):
        return "INVALID_PARAMETER_VALUE"
    cause = error.__cause__
    if isinstance(cause, MlflowApiError):  # a batch whose request failed on the server
        return error_code_of(cause)
    return "INTERNAL_ERROR"


def as_mlflow_exception(error: Exception) -> MlflowException:
    """``error`` as an instance of its twin class: the same attributes, plus ``error_code``,
    ``message`` and ``json_kwargs`` (and ``json`` for server answers)."""
    if isinstance(error, MlflowException):
        return error
    twin = twin_class(type(error))
    converted = twin.__new__(twin, *error.args)
    converted.__dict__.update(vars(error))
    code = error_code_of(error)
    message = error.message if isinstance(error, MlflowApiError) else str(error)
    converted.error_code = code
    converted.message = message
    converted.json_kwargs = {}
    if isinstance(converted, RestException):
        converted.json = {"error_code": code, "message": message}
    return converted


@contextlib.contextmanager
def mlflow_errors() -> Iterator[None]:
    """Re-raise what the SDK raises inside the block as its ``MlflowException`` twin."""
    try:
        yield
    except SDK_ERRORS as error:
        raise as_mlflow_exception(error) from error
