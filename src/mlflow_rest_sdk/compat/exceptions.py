"""``MlflowException``, the one exception MLflow code catches, as ``mlflow.exceptions`` has it.

Light on purpose: it imports nothing of the SDK, so entities can raise it and code can
``except MlflowException`` without loading a client. Errors raised by the compat client are
subclasses of both this class and the SDK's own class for the same failure (see
:mod:`mlflow_rest_sdk.compat._errors`), so ``except MlflowException`` and
``except ResourceDoesNotExist`` both work.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "ERROR_CODE_TO_HTTP_STATUS",
    "HTTP_STATUS_TO_ERROR_CODE",
    "InvalidArgumentType",
    "InvalidArgumentValue",
    "MlflowException",
    "RestException",
]

#: MLflow's error codes that have an HTTP status of their own: name -> (proto number, status).
_ERROR_CODES: dict[str, tuple[int, int]] = {
    "INTERNAL_ERROR": (1, 500),
    "TEMPORARILY_UNAVAILABLE": (2, 503),
    "BAD_REQUEST": (4, 400),
    "DEADLINE_EXCEEDED": (7, 504),
    "CANCELLED": (8, 499),
    "RESOURCE_EXHAUSTED": (9, 429),
    "ABORTED": (10, 409),
    "NOT_FOUND": (11, 404),
    "ALREADY_EXISTS": (12, 409),
    "UNAUTHENTICATED": (13, 401),
    "INVALID_PARAMETER_VALUE": (1000, 400),
    "ENDPOINT_NOT_FOUND": (1001, 404),
    "INVALID_STATE": (1003, 500),
    "PERMISSION_DENIED": (1004, 403),
    "CUSTOMER_UNAUTHORIZED": (1006, 401),
    "REQUEST_LIMIT_EXCEEDED": (1007, 429),
    "RESOURCE_CONFLICT": (1008, 409),
    "NOT_IMPLEMENTED": (1010, 501),
    "DATA_LOSS": (1011, 500),
    "RESOURCE_ALREADY_EXISTS": (3001, 400),
    "RESOURCE_DOES_NOT_EXIST": (3002, 404),
}

#: The HTTP status ``get_http_status_code()`` reports for an error code (500 for the others).
ERROR_CODE_TO_HTTP_STATUS: dict[str, int] = {
    name: status for name, (_, status) in _ERROR_CODES.items()
}
#: The error code MLflow gives an answer that carries none (a proxy's HTML page), by status.
HTTP_STATUS_TO_ERROR_CODE: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "ENDPOINT_NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL_ERROR",
    501: "NOT_IMPLEMENTED",
    503: "TEMPORARILY_UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_NAME_OF_NUMBER = {number: name for name, (number, _) in _ERROR_CODES.items()}


def error_code_name(error_code: str | int) -> str:
    """An error code as MLflow stores it on exceptions: its name.

    Names pass through; numbers (``mlflow.protos.databricks_pb2`` constants) are looked up;
    anything else is ``INTERNAL_ERROR``, as in MLflow.
    """
    if isinstance(error_code, str):
        return error_code
    return _NAME_OF_NUMBER.get(error_code, "INTERNAL_ERROR")


class MlflowException(Exception):
    """A failure, with MLflow's ``error_code`` name (``"RESOURCE_DOES_NOT_EXIST"``).

    ``MlflowException(message, error_code="INTERNAL_ERROR", **kwargs)``; ``error_code`` takes
    a name or MLflow's proto number. The keyword arguments go into :meth:`serialize_as_json`.
    """

    def __init__(
        self, message: object, error_code: str | int = "INTERNAL_ERROR", **kwargs: Any
    ) -> None:
        self.error_code = error_code_name(error_code)
        self.message = str(message)
        self.json_kwargs = kwargs
        super().__init__(self.message)

    def get_http_status_code(self) -> int:
        """The HTTP status MLflow associates with :attr:`error_code` (500 when none)."""
        return ERROR_CODE_TO_HTTP_STATUS.get(self.error_code, 500)

    def serialize_as_json(self) -> str:
        return json.dumps(
            {"error_code": self.error_code, "message": self.message, **self.json_kwargs}
        )

    @classmethod
    def invalid_parameter_value(cls, message: str, **kwargs: Any) -> MlflowException:
        """An ``INVALID_PARAMETER_VALUE`` exception: the caller passed something wrong."""
        return cls(message, error_code="INVALID_PARAMETER_VALUE", **kwargs)


class RestException(MlflowException):
    """The server answered with an error; ``json`` is its ``{"error_code", "message"}`` body."""

    def __init__(self, json: dict[str, Any]) -> None:
        code = json.get("error_code") or "INTERNAL_ERROR"
        message = json.get("message", f"Response: {json}")
        super().__init__(f"{code}: {message}", error_code=str(code))
        self.json = json


class InvalidArgumentType(MlflowException, TypeError):
    """An argument of the wrong type, refused before sending (``INVALID_PARAMETER_VALUE``).

    Where MLflow's client lets Python raise a ``TypeError`` (a metric value ``"high"``), this
    is one too, so ``except TypeError`` and ``except MlflowException`` both catch it.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, error_code="INVALID_PARAMETER_VALUE")


class InvalidArgumentValue(MlflowException, ValueError):
    """An argument of the right type but a wrong value (a view type ``7``), refused before
    sending; a ``ValueError`` too, as MLflow's client raises for it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, error_code="INVALID_PARAMETER_VALUE")
