"""The base classes the generated clients extend: they differ only in how they send and sleep."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Self, TypeVar

from mlflow_rest_sdk._runtime.config import ClientConfig, build_config
from mlflow_rest_sdk._runtime.endpoint import Endpoint
from mlflow_rest_sdk._runtime.error_base import (
    APIConnectionError,
    APIConnectionRefused,
    APITimeoutError,
    MlflowApiError,
)
from mlflow_rest_sdk._runtime.message import Message
from mlflow_rest_sdk._runtime.retry import RetryPolicy, async_retrying, sync_retrying
from mlflow_rest_sdk._runtime.transport import (
    AsyncTransport,
    ConnectionRefused,
    HttpRequest,
    HttpResponse,
    Transport,
    TransportError,
    TransportTimeout,
)
from mlflow_rest_sdk._runtime.transports import resolve_async_transport, resolve_sync_transport
from mlflow_rest_sdk._runtime.wire import (
    build_http_request,
    call_timeouts,
    coerce_request,
    decode_response,
)

M = TypeVar("M", bound=Message)
R = TypeVar("R")
logger = logging.getLogger("mlflow_rest_sdk")


class _ClientCore:
    """Everything about a call that is not I/O: config, request building, decoding."""

    def __init__(self, config: ClientConfig, error_types: Mapping[str, type[MlflowApiError]]):
        self.config = config
        self._error_types = error_types
        self._headers = {
            "User-Agent": config.user_agent,
            "Accept": "application/json",
            **config.credentials.headers(),
        }

    def prepare(
        self,
        endpoint: Endpoint,
        request_type: type[M] | None,
        request: Any,
        fields: Mapping[str, Any],
        path_args: Mapping[str, str] | None,
        content: bytes | None,
        timeout: float | None,
    ) -> HttpRequest:
        message = (
            coerce_request(endpoint, request_type, request, fields)
            if request_type is not None
            else None
        )
        return build_http_request(
            endpoint,
            message,
            base_url=self.config.tracking_uri,
            headers=self._headers,
            timeouts=call_timeouts(self.config.transport.timeouts, timeout),
            path_args=path_args,
            content=content,
        )

    def finish(self, endpoint: Endpoint, response: HttpResponse, response_type: type[Any]) -> Any:
        return decode_response(endpoint, response, response_type, self._error_types)

    def retry_policy(self, override: RetryPolicy | None) -> RetryPolicy:
        return override or self.config.retry


def translate_transport_error(error: TransportError, request: HttpRequest) -> APIConnectionError:
    """Transport failures become SDK errors that name the method and URL (never headers)."""
    where = f"{request.method} {request.url}"
    if isinstance(error, TransportTimeout):
        return APITimeoutError(f"timed out: {where}: {error}", url=request.url)
    if isinstance(error, ConnectionRefused):
        return APIConnectionRefused(f"connection refused: {where}", url=request.url)
    return APIConnectionError(f"could not reach the server: {where}: {error}", url=request.url)


def log_exchange(request: HttpRequest, response: HttpResponse, started: float) -> None:
    """One DEBUG line per HTTP exchange: method, URL path, status, time. Never headers or bodies."""
    if logger.isEnabledFor(logging.DEBUG):
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug(
            "%s %s -> %d in %.1f ms", request.method, request.url, response.status_code, elapsed_ms
        )


class _Closable:
    _ERROR_TYPES: Mapping[str, type[MlflowApiError]] = {}

    def __init__(
        self,
        tracking_uri: str | None,
        config: ClientConfig | None,
        config_kwargs: Mapping[str, Any],
    ) -> None:
        resolved = config or build_config(tracking_uri, **config_kwargs)
        self._core = _ClientCore(resolved, self._ERROR_TYPES)

    @property
    def config(self) -> ClientConfig:
        return self._core.config

    @property
    def tracking_uri(self) -> str:
        return self._core.config.tracking_uri

    def __repr__(self) -> str:
        return f"{type(self).__name__}(tracking_uri={self.tracking_uri!r})"


class SyncClientBase(_Closable):
    """Blocking client: sends through a :class:`Transport`, sleeps with ``time.sleep``."""

    def __init__(
        self,
        tracking_uri: str | None = None,
        *,
        transport: str | Transport | None = None,
        config: ClientConfig | None = None,
        sleep: Callable[[float], None] | None = None,
        **config_kwargs: Any,
    ) -> None:
        super().__init__(tracking_uri, config, config_kwargs)
        self._transport = resolve_sync_transport(transport, self.config.transport)
        self._sleep = sleep

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _send_once(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        try:
            response = self._transport.send(request)
        except TransportError as error:
            raise translate_transport_error(error, request) from None
        log_exchange(request, response, started)
        return response

    def _call(
        self,
        endpoint: Endpoint,
        request_type: type[M] | None,
        response_type: type[R],
        request: Any,
        fields: Mapping[str, Any],
        *,
        path_args: Mapping[str, str] | None = None,
        content: bytes | None = None,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
    ) -> R:
        http_request = self._core.prepare(
            endpoint, request_type, request, fields, path_args, content, timeout
        )
        retrying = sync_retrying(self._core.retry_policy(retry), endpoint.idempotent, self._sleep)
        response: HttpResponse = retrying(self._send_once, http_request)
        result: R = self._core.finish(endpoint, response, response_type)
        return result


class AsyncClientBase(_Closable):
    """Asyncio client: sends through an :class:`AsyncTransport`, sleeps with ``asyncio.sleep``."""

    def __init__(
        self,
        tracking_uri: str | None = None,
        *,
        transport: str | AsyncTransport | None = None,
        config: ClientConfig | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        **config_kwargs: Any,
    ) -> None:
        super().__init__(tracking_uri, config, config_kwargs)
        self._transport = resolve_async_transport(transport, self.config.transport)
        self._sleep = sleep

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send_once(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        try:
            response = await self._transport.send(request)
        except TransportError as error:
            raise translate_transport_error(error, request) from None
        log_exchange(request, response, started)
        return response

    async def _call(
        self,
        endpoint: Endpoint,
        request_type: type[M] | None,
        response_type: type[R],
        request: Any,
        fields: Mapping[str, Any],
        *,
        path_args: Mapping[str, str] | None = None,
        content: bytes | None = None,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
    ) -> R:
        http_request = self._core.prepare(
            endpoint, request_type, request, fields, path_args, content, timeout
        )
        retrying = async_retrying(self._core.retry_policy(retry), endpoint.idempotent, self._sleep)
        response: HttpResponse = await retrying(self._send_once, http_request)
        result: R = self._core.finish(endpoint, response, response_type)
        return result
