"""The base classes the generated clients extend: they differ only in how they send and sleep."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar, cast
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
from mlflow_rest_sdk._runtime.message import Message
from mlflow_rest_sdk._runtime.pagination import Pager
from mlflow_rest_sdk._runtime.recovery import (
    AttemptLog,
    Found,
    Lookup,
    Reconcile,
    Recovery,
    is_already_exists,
    log_removal_failed,
    log_settlement,
    log_unreconciled,
    needs_reconciling,
)
from mlflow_rest_sdk._runtime.retry import (
    Deadline,
    RetryPolicy,
    async_retrying,
    outcome_is_retryable,
    sync_retrying,
)
from mlflow_rest_sdk._runtime.transport import (
    AsyncTransport,
    ConnectionRefused,
    HttpRequest,
    HttpResponse,
    PoolLimits,
    Timeouts,
    TlsConfig,
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
        self._headers = {"User-Agent": config.user_agent, "Accept": "application/json"}

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
        return decode_response(endpoint, response, response_type, self._error_types)

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


class _ClientBase:
    _ERROR_TYPES: Mapping[str, type[MlflowApiError]] = {}
    _RECOVERIES: Mapping[str, Recovery] = {}

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
            env_file=env_file,
        )
        self._core = _ClientCore(resolved, self._ERROR_TYPES)

    @property
    def config(self) -> ClientConfig:
        return self._core.config

    @property
    def tracking_uri(self) -> str:
        return self._core.config.tracking_uri

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


class SyncClientBase(_ClientBase):
    """Blocking client: sends through a :class:`Transport`, sleeps with ``time.sleep``."""

    def __init__(
        self,
        tracking_uri: str | None = None,
        *,
        transport: str | Transport | None = None,
        config: ClientConfig | None = None,
        registry_uri: str | None = None,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        auth: AuthProvider | Callable[[], str] | None = None,
        timeout: float | Timeouts | None = None,
        limits: PoolLimits | None = None,
        tls: TlsConfig | None = None,
        retry: RetryPolicy | None = None,
        env_file: str | Path | bool | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(
            tracking_uri, config=config, registry_uri=registry_uri, username=username,
            password=password, token=token, auth=auth, timeout=timeout, limits=limits, tls=tls,
            retry=retry, env_file=env_file,
        )  # fmt: skip
        self._transport = resolve_sync_transport(transport, self.config.transport)
        self._sleep = sleep

    @property
    def _http_transport(self) -> Transport:
        """The transport every request goes through (helpers stream artifacts over it)."""
        return self._transport

    @property
    def _injected_sleep(self) -> Callable[[float], None] | None:
        """The sleep given to the constructor (tests pass one), else None for the default."""
        return self._sleep

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
            failure = translate_transport_error(error, request)
        else:
            log_exchange(request, response, started)
            return response
        # Raised outside the handler so that the transport's exception (whose frames hold the
        # request headers, credentials included) is not kept as this error's context.
        raise failure

    def _send(self, request: HttpRequest, policy: RetryPolicy, idempotent: bool) -> HttpResponse:
        deadline = Deadline(policy)

        def attempt(prepared: HttpRequest) -> HttpResponse:
            return self._send_once(deadline.cap(prepared))

        response = self._attempts(attempt, request, policy, idempotent, deadline)
        if response.status_code == 401:
            fresh = self._core.reauthenticate(request)
            if fresh is not None:
                response = self._attempts(attempt, fresh, policy, idempotent, deadline)
        return response

    def _attempts(
        self,
        attempt: Callable[[HttpRequest], HttpResponse],
        request: HttpRequest,
        policy: RetryPolicy,
        idempotent: bool,
        deadline: Deadline,
    ) -> HttpResponse:
        """The first attempt bare; tenacity only when it must be retried, counting it as its
        first (see :func:`outcome_is_retryable`)."""
        first: HttpResponse | Exception
        try:
            first = attempt(request)
        except Exception as error:
            first = error
        if not outcome_is_retryable(first, idempotent):
            if isinstance(first, Exception):
                raise first
            return first
        replayed = [first]

        def replay_then_attempt(prepared: HttpRequest) -> HttpResponse:
            if replayed:
                outcome = replayed.pop()
                if isinstance(outcome, Exception):
                    raise outcome
                return outcome
            return attempt(prepared)

        retrying = sync_retrying(policy, idempotent, self._sleep, deadline=deadline)
        response: HttpResponse = retrying(replay_then_attempt, request)
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
        policy = self._core.retry_policy(retry)
        message = self._core.message(endpoint, request_type, request, fields)
        recovery = self._RECOVERIES.get(endpoint.operation)
        if recovery is not None and message is not None and policy.max_attempts > 1:
            return self._call_with_recovery(
                endpoint, recovery, message, response_type, path_args, timeout, policy
            )
        http_request = self._core.build(endpoint, message, path_args, content, timeout)
        response = self._send(http_request, policy, endpoint.idempotent)
        result: R = self._core.finish(endpoint, response, response_type)
        return result

    def _call_with_recovery(
        self,
        endpoint: Endpoint,
        recovery: Recovery,
        message: Message,
        response_type: type[R],
        path_args: Mapping[str, str] | None,
        timeout: float | None,
        policy: RetryPolicy,
    ) -> R:
        if recovery.prepare is not None:
            message = recovery.prepare(message)
        http_request = self._core.build(endpoint, message, path_args, None, timeout)
        attempts = AttemptLog()
        deadline = Deadline(policy)

        def attempt(request: HttpRequest) -> HttpResponse | Found:
            if attempts.ambiguous and recovery.find_lost is not None:
                found = self._lookup(recovery.find_lost(message))
                if found is not None:
                    return Found(found)
            try:
                response = self._send_once(deadline.cap(request))
            except APIConnectionError as error:
                attempts.saw_error(error)
                raise
            attempts.saw_response(response)
            return response

        retrying = sync_retrying(policy, True, self._sleep, deadline=deadline)
        outcome: HttpResponse | Found = retrying(attempt, http_request)
        if isinstance(outcome, Found):
            value: R = outcome.value
            return value
        if attempts.ambiguous and recovery.find_existing and is_already_exists(outcome):
            existing = self._lookup(recovery.find_existing(message))
            if existing is not None:
                return cast(R, existing)
        result: R = self._core.finish(endpoint, outcome, response_type)
        if recovery.reconcile is not None and needs_reconciling(attempts, outcome):
            return self._reconcile(endpoint.operation, recovery.reconcile(message), result)
        return result

    def _reconcile(self, operation: str, reconcile: Reconcile, created: R) -> R:
        """Remove the duplicates a late first attempt left (see ``_runtime/recovery.py``). Best
        effort: when the read fails, the create's own result is returned."""
        try:
            found = getattr(self, reconcile.method)(**reconcile.arguments)
        except (APIConnectionError, MlflowApiError) as error:
            log_unreconciled(operation, error)
            return created
        settlement = reconcile.settle(created, found)
        for removal in settlement.removals:
            try:
                getattr(self, removal.method)(**removal.arguments)
            except (APIConnectionError, MlflowApiError) as error:
                log_removal_failed(operation, removal, error)
        log_settlement(operation, settlement)
        return cast(R, settlement.keep)

    def _lookup(self, lookup: Lookup) -> Any | None:
        """Run a recovery read. It is best effort: when it fails, the create is simply retried."""
        try:
            return lookup.extract(getattr(self, lookup.method)(**lookup.arguments))
        except (APIConnectionError, MlflowApiError):
            return None

    def _paginate(
        self,
        endpoint: Endpoint,
        request_type: type[M],
        response_type: type[Message],
        request: Any,
        fields: Mapping[str, Any],
        *,
        max_items: int | None,
        timeout: float | None,
        retry: RetryPolicy | None,
    ) -> Iterator[Any]:
        """Items of every page, fetched lazily one page at a time."""
        first = self._core.message(endpoint, request_type, request, fields)
        assert first is not None and endpoint.pagination is not None
        pager = Pager(endpoint.operation, endpoint.pagination, first, max_items)
        while not pager.done:
            page = self._call(
                endpoint, request_type, response_type, pager.request(), {},
                timeout=timeout, retry=retry,
            )  # fmt: skip
            yield from pager.accept(page)


class AsyncClientBase(_ClientBase):
    """Asyncio client: sends through an :class:`AsyncTransport`, sleeps with ``asyncio.sleep``."""

    def __init__(
        self,
        tracking_uri: str | None = None,
        *,
        transport: str | AsyncTransport | None = None,
        config: ClientConfig | None = None,
        registry_uri: str | None = None,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        auth: AuthProvider | Callable[[], str] | None = None,
        timeout: float | Timeouts | None = None,
        limits: PoolLimits | None = None,
        tls: TlsConfig | None = None,
        retry: RetryPolicy | None = None,
        env_file: str | Path | bool | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(
            tracking_uri, config=config, registry_uri=registry_uri, username=username,
            password=password, token=token, auth=auth, timeout=timeout, limits=limits, tls=tls,
            retry=retry, env_file=env_file,
        )  # fmt: skip
        self._transport = resolve_async_transport(transport, self.config.transport)
        self._sleep = sleep

    @property
    def _http_transport(self) -> AsyncTransport:
        """The transport every request goes through (helpers stream artifacts over it)."""
        return self._transport

    @property
    def _injected_sleep(self) -> Callable[[float], Awaitable[None]] | None:
        """The sleep given to the constructor (tests pass one), else None for the default."""
        return self._sleep

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
            failure = translate_transport_error(error, request)
        else:
            log_exchange(request, response, started)
            return response
        raise failure  # outside the handler: see the sync client

    async def _send(
        self, request: HttpRequest, policy: RetryPolicy, idempotent: bool
    ) -> HttpResponse:
        deadline = Deadline(policy)

        async def attempt(prepared: HttpRequest) -> HttpResponse:
            return await self._send_once(deadline.cap(prepared))

        response = await self._attempts(attempt, request, policy, idempotent, deadline)
        if response.status_code == 401:
            fresh = self._core.reauthenticate(request)
            if fresh is not None:
                response = await self._attempts(attempt, fresh, policy, idempotent, deadline)
        return response

    async def _attempts(
        self,
        attempt: Callable[[HttpRequest], Awaitable[HttpResponse]],
        request: HttpRequest,
        policy: RetryPolicy,
        idempotent: bool,
        deadline: Deadline,
    ) -> HttpResponse:
        """As the sync client's ``_attempts``."""
        first: HttpResponse | Exception
        try:
            first = await attempt(request)
        except Exception as error:
            first = error
        if not outcome_is_retryable(first, idempotent):
            if isinstance(first, Exception):
                raise first
            return first
        replayed = [first]

        async def replay_then_attempt(prepared: HttpRequest) -> HttpResponse:
            if replayed:
                outcome = replayed.pop()
                if isinstance(outcome, Exception):
                    raise outcome
                return outcome
            return await attempt(prepared)

        retrying = async_retrying(policy, idempotent, self._sleep, deadline=deadline)
        response: HttpResponse = await retrying(replay_then_attempt, request)
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
        policy = self._core.retry_policy(retry)
        message = self._core.message(endpoint, request_type, request, fields)
        recovery = self._RECOVERIES.get(endpoint.operation)
        if recovery is not None and message is not None and policy.max_attempts > 1:
            return await self._call_with_recovery(
                endpoint, recovery, message, response_type, path_args, timeout, policy
            )
        http_request = self._core.build(endpoint, message, path_args, content, timeout)
        response = await self._send(http_request, policy, endpoint.idempotent)
        result: R = self._core.finish(endpoint, response, response_type)
        return result

    async def _call_with_recovery(
        self,
        endpoint: Endpoint,
        recovery: Recovery,
        message: Message,
        response_type: type[R],
        path_args: Mapping[str, str] | None,
        timeout: float | None,
        policy: RetryPolicy,
    ) -> R:
        if recovery.prepare is not None:
            message = recovery.prepare(message)
        http_request = self._core.build(endpoint, message, path_args, None, timeout)
        attempts = AttemptLog()
        deadline = Deadline(policy)

        async def attempt(request: HttpRequest) -> HttpResponse | Found:
            if attempts.ambiguous and recovery.find_lost is not None:
                found = await self._lookup(recovery.find_lost(message))
                if found is not None:
                    return Found(found)
            try:
                response = await self._send_once(deadline.cap(request))
            except APIConnectionError as error:
                attempts.saw_error(error)
                raise
            attempts.saw_response(response)
            return response

        retrying = async_retrying(policy, True, self._sleep, deadline=deadline)
        outcome: HttpResponse | Found = await retrying(attempt, http_request)
        if isinstance(outcome, Found):
            value: R = outcome.value
            return value
        if attempts.ambiguous and recovery.find_existing and is_already_exists(outcome):
            existing = await self._lookup(recovery.find_existing(message))
            if existing is not None:
                return cast(R, existing)
        result: R = self._core.finish(endpoint, outcome, response_type)
        if recovery.reconcile is not None and needs_reconciling(attempts, outcome):
            return await self._reconcile(endpoint.operation, recovery.reconcile(message), result)
        return result

    async def _reconcile(self, operation: str, reconcile: Reconcile, created: R) -> R:
        """Remove the duplicates a late first attempt left: see the sync client."""
        try:
            found = await getattr(self, reconcile.method)(**reconcile.arguments)
        except (APIConnectionError, MlflowApiError) as error:
            log_unreconciled(operation, error)
            return created
        settlement = reconcile.settle(created, found)
        for removal in settlement.removals:
            try:
                await getattr(self, removal.method)(**removal.arguments)
            except (APIConnectionError, MlflowApiError) as error:
                log_removal_failed(operation, removal, error)
        log_settlement(operation, settlement)
        return cast(R, settlement.keep)

    async def _lookup(self, lookup: Lookup) -> Any | None:
        """Run a recovery read. It is best effort: when it fails, the create is simply retried."""
        try:
            return lookup.extract(await getattr(self, lookup.method)(**lookup.arguments))
        except (APIConnectionError, MlflowApiError):
            return None

    async def _paginate(
        self,
        endpoint: Endpoint,
        request_type: type[M],
        response_type: type[Message],
        request: Any,
        fields: Mapping[str, Any],
        *,
        max_items: int | None,
        timeout: float | None,
        retry: RetryPolicy | None,
    ) -> AsyncIterator[Any]:
        """Items of every page, fetched lazily one page at a time."""
        first = self._core.message(endpoint, request_type, request, fields)
        assert first is not None and endpoint.pagination is not None
        pager = Pager(endpoint.operation, endpoint.pagination, first, max_items)
        while not pager.done:
            page = await self._call(
                endpoint, request_type, response_type, pager.request(), {},
                timeout=timeout, retry=retry,
            )  # fmt: skip
            for item in pager.accept(page):
                yield item
