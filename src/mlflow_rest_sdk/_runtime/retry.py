"""Retry policy: small pure decisions, shared by the sync and async clients, run by tenacity.

Which failures are retried depends on whether the endpoint is idempotent (from the spec): a
create whose response was lost must not be replayed blindly, or it leaves a duplicate behind.
:func:`retrying_options` gathers the decisions into tenacity's options; the builder that hands
them to ``tenacity.AsyncRetrying`` is written once in ``_async/retrying.py`` (``_sync/retrying.py``,
its derived twin, uses ``tenacity.Retrying``). tenacity (which imports tornado when that is
installed) is imported by the first call, and ``email.utils`` by the first ``Retry-After`` date,
rather than when the SDK is imported.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mlflow_rest_sdk._runtime.disguised import disguised_transient
from mlflow_rest_sdk._runtime.error_base import APIConnectionError, APIConnectionRefused
from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse, Timeouts

if TYPE_CHECKING:
    import tenacity

# Statuses that say "try again later" for any endpoint: the server did not act.
_NOTHING_DONE_STATUSES = frozenset({429, 503})
# Statuses worth retrying when replaying the request is harmless.
_TRANSIENT_STATUSES = frozenset({500, 502, 503, 504, 429})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. ``max_attempts`` counts the first try; ``deadline`` bounds a whole call."""

    max_attempts: int = 5
    backoff_factor: float = 0.5
    backoff_max: float = 20.0
    jitter: float = 0.25
    retry_after_max: float = 60.0
    deadline: float = 180.0
    clock: Callable[[], float] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"RetryPolicy.max_attempts must be >= 1, got {self.max_attempts}")
        if self.backoff_factor < 0 or self.backoff_max < 0 or self.deadline <= 0:
            raise ValueError("RetryPolicy backoff_factor/backoff_max must be >= 0, deadline > 0")

    @classmethod
    def none(cls) -> RetryPolicy:
        return cls(max_attempts=1)


def connection_error_is_retryable(error: BaseException, idempotent: bool) -> bool:
    """A refused connection never reached the server; other failures may have."""
    if not isinstance(error, APIConnectionError):
        return False
    if isinstance(error, APIConnectionRefused):
        return True
    return idempotent


def status_is_retryable(status_code: int, idempotent: bool) -> bool:
    if status_code in _NOTHING_DONE_STATUSES:
        return True
    return idempotent and status_code in _TRANSIENT_STATUSES


def response_is_retryable(response: HttpResponse, idempotent: bool) -> bool:
    """By status, and a 400 or 500 that hides a store overload (``disguised``) like a 503: any
    call when the store cannot have written, else only an idempotent one."""
    if status_is_retryable(response.status_code, idempotent):
        return True
    transient = disguised_transient(response)
    return transient is not None and (transient.nothing_written or idempotent)


def outcome_is_retryable(outcome: HttpResponse | BaseException, idempotent: bool) -> bool:
    """Whether an attempt's outcome calls for another attempt (tenacity's rule, as a function).

    The clients run a call's first attempt without tenacity and hand over only when this says
    so: nearly every call succeeds at once, and tenacity's loop costs about a tenth of a
    millisecond per call, a tenth of the SDK's whole overhead against a local server.
    """
    if isinstance(outcome, BaseException):
        return connection_error_is_retryable(outcome, idempotent)
    return response_is_retryable(outcome, idempotent)


def retry_after_seconds(headers: dict[str, str] | Any, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds, from either form (delta-seconds or HTTP date)."""
    value = headers.get("retry-after") if headers else None
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(
    policy: RetryPolicy, attempt: int, retry_after: float | None, rand: Callable[[], float]
) -> float:
    """Capped exponential backoff with jitter; a server's Retry-After wins, up to its cap."""
    if retry_after is not None:
        return min(retry_after, policy.retry_after_max)
    base = min(policy.backoff_max, policy.backoff_factor * 2.0 ** (attempt - 1))
    return max(0.0, base * (1 + policy.jitter * (2 * rand() - 1)))


class Deadline:
    """The overall time budget of one call, on the policy's clock (injectable in tests).

    Retrying stops when the next wait would not leave time for another attempt, and each
    attempt's timeouts are cut to the time left, so a call ends near its deadline, not a whole
    timeout after it.
    """

    _MIN_TIMEOUT = 0.001

    def __init__(self, policy: RetryPolicy) -> None:
        self._clock = policy.clock or time.monotonic
        self._end = self._clock() + policy.deadline

    def remaining(self) -> float:
        return self._end - self._clock()

    def exhausted_after_wait(self, state: tenacity.RetryCallState) -> bool:
        return state.upcoming_sleep >= self.remaining()

    def cap(self, request: HttpRequest) -> HttpRequest:
        left = max(self.remaining(), self._MIN_TIMEOUT)
        t = request.timeouts
        if max(t.connect, t.read, t.write, t.pool) <= left:
            return request
        capped = Timeouts(
            connect=min(t.connect, left),
            read=min(t.read, left),
            write=min(t.write, left),
            pool=min(t.pool, left),
        )
        return replace(request, timeouts=capped)


def _predicate(idempotent: bool) -> tenacity.retry_base:
    import tenacity

    def on_exception(error: BaseException) -> bool:
        return connection_error_is_retryable(error, idempotent)

    def on_result(response: object) -> bool:
        if not isinstance(response, HttpResponse):
            return False  # e.g. a create recovered by a lookup
        return response_is_retryable(response, idempotent)

    return tenacity.retry_if_exception(on_exception) | tenacity.retry_if_result(on_result)


def _wait(
    policy: RetryPolicy, rand: Callable[[], float]
) -> Callable[[tenacity.RetryCallState], float]:
    def wait(state: tenacity.RetryCallState) -> float:
        outcome = state.outcome
        retry_after = None
        if outcome is not None and not outcome.failed:
            response = outcome.result()
            if isinstance(response, HttpResponse):
                retry_after = retry_after_seconds(response.headers)
        return backoff_seconds(policy, state.attempt_number, retry_after, rand)

    return wait


def retrying_options(
    policy: RetryPolicy,
    idempotent: bool,
    sleep: Callable[[float], object] | None = None,
    rand: Callable[[], float] = random.random,
    deadline: Deadline | None = None,
) -> dict[str, Any]:
    """tenacity's keyword options for one call, the same for ``Retrying`` and ``AsyncRetrying``
    (the builders, ``_async/retrying.py`` and its derived twin, differ only in the class).

    ``sleep`` is the client's injected sleep (a coroutine function on the asyncio side); without
    it tenacity's own is used.
    """
    options: dict[str, Any] = {
        "stop": _stop(policy, deadline),
        "wait": _wait(policy, rand),
        "retry": _predicate(idempotent),
        "retry_error_callback": _last_result_or_raise,
        "reraise": True,
    }
    if sleep is not None:
        options["sleep"] = sleep
    return options


def _stop(
    policy: RetryPolicy, deadline: Deadline | None
) -> Callable[[tenacity.RetryCallState], bool]:
    """Stop after ``max_attempts`` attempts, or when the next wait would outlast the deadline."""
    budget = deadline or Deadline(policy)

    def stop(state: tenacity.RetryCallState) -> bool:
        return state.attempt_number >= policy.max_attempts or budget.exhausted_after_wait(state)

    return stop


def _last_result_or_raise(state: tenacity.RetryCallState) -> Any:
    assert state.outcome is not None
    if state.outcome.failed:
        raise state.outcome.exception()  # type: ignore[misc]
    return state.outcome.result()
