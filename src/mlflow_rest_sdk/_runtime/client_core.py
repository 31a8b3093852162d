"""What a client does without I/O, shared by the asyncio client and its derived blocking twin:
configuration, request building, response decoding, error wording, what the server's release
allows (``server_release``), the helpers' hooks."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from mlflow_rest_sdk._runtime.auth import AuthProvider, as_auth_provider
from mlflow_rest_sdk._runtime.config import ClientConfig, build_config
from mlflow_rest_sdk._runtime.endpoint import Endpoint
from mlflow_rest_sdk._runtime.error_base import (
    APIConnectionError,
    APIConnectionRefused,
    APITimeoutError,
    MlflowApiError,
)
from mlflow_rest_sdk._runtime.load_limit import LoadLimit
from mlflow_rest_sdk._runtime.message import Message
from mlflow_rest_sdk._runtime.recovery import Recovery
from mlflow_rest_sdk._runtime.retry import RetryPolicy
from mlflow_rest_sdk._runtime.server_release import (
    Need,
    ServerRelease,
    needs_of,
    not_served,
    refusal,
)
from mlflow_rest_sdk._runtime.transport import (
    ConnectionRefused,
    HttpRequest,
    HttpResponse,
    PoolLimits,
    Timeouts,
    TlsConfig,
    TransportError,
    TransportTimeout,
)
from mlflow_rest_sdk._runtime.urls import redact_url
from mlflow_rest_sdk._runtime.wire import (
    build_http_request,
    call_timeouts,
    coerce_request,
    decode_response,
)

M = TypeVar("M", bound=Message)
logger = logging.getLogger("mlflow_rest_sdk")


class _ClientCore:
    """Everything about a call that is not I/O: config, request building, decoding."""

    def __init__(
        self,
        config: ClientConfig,
        error_types: Mapping[str, type[MlflowApiError]],
        oldest_release: str | None = None,
    ):
        self.config = config
        self._error_types = error_types
        self._headers = {"User-Agent": config.user_agent, "Accept": "application/json"}
        self._oldest = oldest_release
        self.server = ServerRelease(config.server_version)

    def message(
        self,
        endpoint: Endpoint,
        request_type: type[M] | None,
        request: Any,
        fields: Mapping[str, Any],
    ) -> M | None:
        if request_type is None:
            return None
        message: M = coerce_request(endpoint, request_type, request, fields)
        return message

    def build(
        self,
        endpoint: Endpoint,
        message: Message | None,
        path_args: Mapping[str, str] | None,
        content: bytes | None,
        timeout: float | None,
    ) -> HttpRequest:
        return build_http_request(
            endpoint,
            message,
            base_url=self.config.base_url(registry=endpoint.is_registry),
            headers={**self._headers, **self.config.auth.auth_headers()},
            timeouts=call_timeouts(self.config.transport.timeouts, timeout),
            path_args=path_args,
            content=content,
        )

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
        message = self.message(endpoint, request_type, request, fields)
        return self.build(endpoint, message, path_args, content, timeout)

    def reauthenticate(self, request: HttpRequest) -> HttpRequest | None:
        """After a 401: fresh credentials from the provider, or None when it has none."""
        if not self.config.auth.refresh():
            return None
        return replace(request, headers={**request.headers, **self.config.auth.auth_headers()})

    def finish(self, endpoint: Endpoint, response: HttpResponse, response_type: type[Any]) -> Any:
        if response.status_code == 404:
            url = self.server_url(endpoint)
            missing = not_served(endpoint, response, self.server.release, url, self._oldest)
            if missing is not None:
                raise missing
        return decode_response(endpoint, response, response_type, self._error_types)

    def server_url(self, endpoint: Endpoint) -> str:
        """The server this endpoint goes to, as error messages name it (no credentials)."""
        return redact_url(self.config.base_url(registry=endpoint.is_registry))

    def needs(self, endpoint: Endpoint, message: Message | None) -> tuple[Need, ...]:
        """What the call needs of the server's release; nothing when checks are off, and for
        registry calls sent to a separate registry server (whose release the client never
        learns: the 404 rule still names what a missing route needs)."""
        if not self.server.checking or (endpoint.is_registry and self.config.registry_uri):
            return ()
        return needs_of(endpoint, message, self._oldest, self.server.release)

    def refuse_unmet(self, endpoint: Endpoint, needs: tuple[Need, ...]) -> None:
        """Raise ``UnsupportedByServer`` when the known release lacks what the call needs."""
        if self.server.release is None:
            return
        error = refusal(endpoint, needs, self.server.release, self.server_url(endpoint))
        if error is not None:
            raise error

    def retry_policy(self, override: RetryPolicy | None) -> RetryPolicy:
        return override or self.config.retry


def translate_transport_error(error: TransportError, request: HttpRequest) -> APIConnectionError:
    """Transport failures become SDK errors that name the method and URL (never headers)."""
    where = f"{request.method} {request.url}"
    detail = str(error)
    if urlsplit(request.url).netloc in detail:
        detail = detail.replace(where, "").strip(" :") or detail  # the transport named it already
    if isinstance(error, TransportTimeout):
        return APITimeoutError(f"timed out: {where}: {detail}", url=request.url)
    if isinstance(error, ConnectionRefused):
        return APIConnectionRefused(f"connection refused: {where}", url=request.url)
    return APIConnectionError(f"could not reach the server: {where}: {detail}", url=request.url)


def log_exchange(request: HttpRequest, response: HttpResponse, started: float) -> None:
    """One DEBUG line per HTTP exchange: method, URL, status, time. Never headers or bodies."""
    if logger.isEnabledFor(logging.DEBUG):
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug(
            "%s %s -> %d in %.1f ms", request.method, request.url, response.status_code, elapsed_ms
        )


def log_server_release(url: str, knowledge: ServerRelease) -> None:
    """One line when a client has asked its server's release: what it learned, or that it will
    check nothing before sending."""
    if knowledge.release is not None:
        logger.debug("the server at %s runs MLflow %s", url, knowledge.release)
    elif knowledge.settled:
        logger.info(
            "the server at %s did not say which MLflow release it runs (GET /version): calls "
            "are sent unchecked",
            url,
        )


class ClientCommon:
    """Configuration and hooks shared by both clients; the bases add sending and sleeping."""

    _ERROR_TYPES: Mapping[str, type[MlflowApiError]] = {}
    _RECOVERIES: Mapping[str, Recovery] = {}
    # From the generated endpoint table: the history's oldest release (what needs no check) and
    # the route that says the server's release. Without them, no call is checked.
    _OLDEST_RELEASE: str | None = None
    _VERSION_ENDPOINT: Endpoint | None = None

    def __init__(
        self,
        tracking_uri: str | None,
        *,
        config: ClientConfig | None,
        registry_uri: str | None,
        username: str | None,
        password: str | None,
        token: str | None,
        auth: AuthProvider | Callable[[], str] | None,
        timeout: float | Timeouts | None,
        limits: PoolLimits | None,
        tls: TlsConfig | None,
        retry: RetryPolicy | None,
        load_limit: LoadLimit | int | str | None,
        server_version: str | None,
        env_file: str | Path | bool | None,
    ) -> None:
        resolved = config or build_config(
            tracking_uri,
            registry_uri=registry_uri,
            username=username,
            password=password,
            token=token,
            auth=as_auth_provider(auth) if auth is not None else None,
            timeout=timeout,
            limits=limits,
            tls=tls,
            retry=retry,
            load_limit=load_limit,
            server_version=server_version,
            env_file=env_file,
        )
        self._core = _ClientCore(resolved, self._ERROR_TYPES, self._OLDEST_RELEASE)

    @property
    def config(self) -> ClientConfig:
        return self._core.config

    @property
    def tracking_uri(self) -> str:
        return self._core.config.tracking_uri

    @property
    def server_version(self) -> str | None:
        """The server's MLflow release as far as the client knows it now (configured, or
        learned from ``GET /version`` by the first call that needed it); None while unknown.
        Never sends a request."""
        release = self._core.server.release
        return release.text if release is not None else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(tracking_uri={self.tracking_uri!r})"

    # -- hooks for the helper mixins (artifacts, batching): named, so they need no private state

    def _prepare_request(
        self,
        endpoint: Endpoint,
        *,
        path_args: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> HttpRequest:
        """A bodiless request to ``endpoint`` with the client's base URL, headers and auth."""
        return self._core.prepare(endpoint, None, None, {}, path_args, None, timeout)

    def _retry_policy(self, override: RetryPolicy | None = None) -> RetryPolicy:
        """The policy a call uses: ``override``, else the client's."""
        return self._core.retry_policy(override)
