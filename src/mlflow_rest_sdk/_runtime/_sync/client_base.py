# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/_runtime/_async/client_base.py
"""The client's request path, written once for asyncio; ``_sync/client_base.py`` is its derived
blocking twin. Retries, the 401 refresh, safe recovery of creates, paging, and the check of what
the server's release serves (learned once, see ``_runtime/server_release.py``) live here."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

from mlflow_rest_sdk._runtime._sync.closing import Closing
from mlflow_rest_sdk._runtime._sync.retrying import sync_retrying
from mlflow_rest_sdk._runtime.admission import Admission, LoadLimitTimeout
from mlflow_rest_sdk._runtime.auth import AuthProvider
from mlflow_rest_sdk._runtime.client_core import (
    ClientCommon,
    log_exchange,
    log_server_release,
    translate_transport_error,
)
from mlflow_rest_sdk._runtime.config import ClientConfig
from mlflow_rest_sdk._runtime.endpoint import Endpoint
from mlflow_rest_sdk._runtime.error_base import APIConnectionError, MlflowApiError
from mlflow_rest_sdk._runtime.gates import Gate, StreamSlot, sync_lock
from mlflow_rest_sdk._runtime.load_limit import LoadLimit, LoadStats
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
from mlflow_rest_sdk._runtime.retry import Deadline, RetryPolicy, outcome_is_retryable
from mlflow_rest_sdk._runtime.transport import (
    HttpRequest,
    HttpResponse,
    PoolLimits,
    Timeouts,
    TlsConfig,
    Transport,
    TransportError,
)
from mlflow_rest_sdk._runtime.transports import resolve_sync_transport

__all__ = ["ClientBase"]

M = TypeVar("M", bound=Message)
R = TypeVar("R")


class ClientBase(Closing, ClientCommon):
    """The client's request path: sends through its transport, sleeps between retries with the
    injected ``sleep`` (tenacity's default when none is given)."""

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
        load_limit: LoadLimit | int | str | None = None,
        server_version: str | None = None,
        env_file: str | Path | bool | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(
            tracking_uri, config=config, registry_uri=registry_uri, username=username,
            password=password, token=token, auth=auth, timeout=timeout, limits=limits, tls=tls,
            retry=retry, load_limit=load_limit, server_version=server_version, env_file=env_file,
        )  # fmt: skip
        self._transport = resolve_sync_transport(transport, self.config.transport)
        self._sleep = sleep
        pool_size = self.config.transport.limits.max_connections
        self._gate = Gate(Admission(self.config.load_limit, pool_size))
        self._release_lock = sync_lock()  # one GET /version however many calls need it at once

    @property
    def _http_transport(self) -> Transport:
        """The transport every request goes through (helpers stream artifacts over it)."""
        return self._transport

    @property
    def _injected_sleep(self) -> Callable[[float], None] | None:
        """The sleep given to the constructor (tests pass one), else None for the default."""
        return self._sleep

    @property
    def load_stats(self) -> LoadStats:
        """The load limit now: its level, requests in flight and waiting, overloads seen."""
        return self._gate.stats()

    def close(self) -> None:
        self._transport.close()

    @contextmanager
    def _load_slot(self, request: HttpRequest) -> Iterator[StreamSlot]:
        """A slot under the load limit for a streamed exchange with the server (artifact
        transfers), held until the stream closes; waits at most the request's pool timeout, as
        it would for a connection. The holder sets ``status`` so that overloads count."""
        ticket = self._gate.enter(request, request.timeouts.pool)
        slot = StreamSlot()
        try:
            yield slot
        finally:
            self._gate.release_stream(ticket, request, slot)

    def _send_once(self, request: HttpRequest, deadline: Deadline) -> HttpResponse:
        """One attempt: a slot under the load limit (waiting at most until the deadline), then
        the exchange, whose outcome and latency the limit learns from."""
        ticket = self._gate.enter(request, deadline.remaining())
        request = deadline.cap(request)
        started = time.perf_counter()
        try:
            response = self._transport.send(request)
        except TransportError as error:
            failure = translate_transport_error(error, request)
        except BaseException:
            self._gate.abandon(ticket)
            raise
        else:
            self._gate.leave(ticket, request, response, time.perf_counter() - started)
            log_exchange(request, response, started)
            return response
        self._gate.leave(ticket, request, failure, time.perf_counter() - started)
        # Raised outside the handler so that the transport's exception (whose frames hold the
        # request headers, credentials included) is not kept as this error's context.
        raise failure

    def _send(self, request: HttpRequest, policy: RetryPolicy, idempotent: bool) -> HttpResponse:
        deadline = Deadline(policy)

        def attempt(prepared: HttpRequest) -> HttpResponse:
            return self._send_once(prepared, deadline)

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
        self._refuse_unserved(endpoint, message, timeout)
        response = self._send(http_request, policy, endpoint.idempotent)
        result: R = self._core.finish(endpoint, response, response_type)
        return result

    def _refuse_unserved(
        self, endpoint: Endpoint, message: Message | None, timeout: float | None
    ) -> None:
        """After the request is known to be well formed (nothing is asked of the server for a
        bad one), learn the server's release if this call needs it and refuse what it lacks."""
        needs = self._core.needs(endpoint, message)
        if needs:
            self._learn_server_release(timeout)
            self._core.refuse_unmet(endpoint, needs)

    def _learn_server_release(self, timeout: float | None) -> None:
        """Ask ``GET /version`` once per client (concurrent callers wait for the one asking).
        One attempt, no retries: a server that cannot say now is asked again by the next call
        that needs it; one that will not say (a 404, a page that is no version) is not."""
        knowledge = self._core.server
        if knowledge.settled or self._VERSION_ENDPOINT is None:
            return
        with self._release_lock:
            if knowledge.settled:
                return
            request = self._core.build(self._VERSION_ENDPOINT, None, None, None, timeout)
            try:
                response = self._send(request, RetryPolicy.none(), True)
            except (APIConnectionError, LoadLimitTimeout):
                return  # the call itself is sent, and says what is wrong with the connection
            knowledge.learn(response)
            log_server_release(self._core.server_url(self._VERSION_ENDPOINT), knowledge)

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
        self._refuse_unserved(endpoint, message, timeout)
        attempts = AttemptLog()
        deadline = Deadline(policy)

        def attempt(request: HttpRequest) -> HttpResponse | Found:
            if attempts.ambiguous and recovery.find_lost is not None:
                found = self._lookup(recovery.find_lost(message))
                if found is not None:
                    return Found(found)
            try:
                response = self._send_once(request, deadline)
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
            for item in pager.accept(page):
                yield item
