"""Base exception classes. Generated code adds one class per MLflow ``error_code``.

Two levels, as in the best generated SDKs: first the HTTP status family (``NotFound``), then
MLflow's ``error_code`` (``ResourceDoesNotExist``, a ``NotFound``), so callers can catch either.
"""

from __future__ import annotations


class MlflowRestError(Exception):
    """Root of every exception this SDK raises."""


class RequestValidationError(MlflowRestError, ValueError):
    """The request was refused on the client, before anything was sent."""

    def __init__(self, operation: str, field: str | None, problem: str) -> None:
        where = f" field `{field}`" if field else ""
        super().__init__(f"{operation}:{where} {problem}")
        self.operation = operation
        self.field = field
        self.problem = problem


class APIConnectionError(MlflowRestError):
    """No HTTP response came back (refused, reset, timed out, TLS failure)."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class APIConnectionRefused(APIConnectionError):
    """Nothing listened on the server's address: the request cannot have been acted on."""


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout fired."""


class ResponseDecodeError(MlflowRestError):
    """A 2xx response whose body is not what the endpoint declares."""


class MlflowApiError(MlflowRestError):
    """The server answered with a non-2xx status."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        error_code: str | None,
        operation: str | None = None,
        details: object = None,
    ) -> None:
        self.message = message
        self.status_code = status_code
        self.error_code = error_code
        self.operation = operation
        self.details = details
        code = f" {error_code}" if error_code else ""
        where = f"{operation}: " if operation else ""
        super().__init__(f"{where}HTTP {status_code}{code}: {message}")


class BadRequest(MlflowApiError):
    """HTTP 400."""


class Unauthenticated(MlflowApiError):
    """HTTP 401: missing or wrong credentials."""


class PermissionDenied(MlflowApiError):
    """HTTP 403: authenticated, but not allowed (or a foreign Host header)."""


class NotFound(MlflowApiError):
    """HTTP 404."""


class Conflict(MlflowApiError):
    """HTTP 409."""


class TooManyRequests(MlflowApiError):
    """HTTP 429: the server asks to slow down."""


class ServerError(MlflowApiError):
    """HTTP 5xx."""


class NotImplementedByServer(ServerError):
    """HTTP 501: this server (or its storage backend) does not offer the operation."""


class ServiceUnavailable(ServerError):
    """HTTP 502/503/504."""


class UnsupportedByServer(MlflowApiError):
    """The server's MLflow release lacks what the call needs: a route, or a field it would
    silently drop. Raised before anything is sent when the server's release is known
    (``sent`` False), or from a 404 whose body is not MLflow's on a route the spec knows
    (``sent`` True). ``needs`` is the release that would do (None when no release the SDK knows
    serves it), ``server_release`` the server's (None: unknown), ``field`` the request field
    (None: the route itself). A field refused before sending has ``status_code`` 0: no answer
    came, and the old server would have answered 200 without storing the field."""

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        needs: str | None,
        server_release: str | None,
        server_url: str,
        field: str | None = None,
        sent: bool = False,
        status_code: int = 0,
    ) -> None:
        super().__init__(message, status_code=status_code, error_code=None, operation=operation)
        self.needs = needs
        self.server_release = server_release
        self.server_url = server_url
        self.field = field
        self.sent = sent

    def __str__(self) -> str:
        return self.message


class EndpointNotServed(UnsupportedByServer, NotFound):
    """The route itself is missing from the server's release. Also a :class:`NotFound` with
    ``status_code`` 404 (what that server answers the route), so code that caught the old
    server's 404 keeps working."""

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        needs: str | None,
        server_release: str | None,
        server_url: str,
        sent: bool = False,
    ) -> None:
        super().__init__(
            message, operation=operation, needs=needs, server_release=server_release,
            server_url=server_url, sent=sent, status_code=404,
        )  # fmt: skip


STATUS_FAMILIES: dict[int, type[MlflowApiError]] = {
    400: BadRequest,
    401: Unauthenticated,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    429: TooManyRequests,
    500: ServerError,
    501: NotImplementedByServer,
    502: ServiceUnavailable,
    503: ServiceUnavailable,
    504: ServiceUnavailable,
}


def family_for_status(status_code: int) -> type[MlflowApiError]:
    if status_code in STATUS_FAMILIES:
        return STATUS_FAMILIES[status_code]
    if 500 <= status_code < 600:
        return ServerError
    return MlflowApiError
