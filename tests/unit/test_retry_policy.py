"""The retry policy: its pure decisions as tables, then the waits tenacity really makes.

No test here sleeps: waits are recorded by an injected ``sleep`` (and the deadline is measured on
an injected clock), so every number is exact.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from mlflow_rest_sdk import MLFLOW_VERSION, AsyncMlflowClient, MlflowClient, RetryPolicy
from mlflow_rest_sdk._generated import endpoints
from mlflow_rest_sdk._runtime.endpoint import Endpoint
from mlflow_rest_sdk._runtime.retry import (
    backoff_seconds,
    connection_error_is_retryable,
    retry_after_seconds,
    status_is_retryable,
)
from mlflow_rest_sdk._runtime.transport import (
    ConnectionRefused,
    HttpRequest,
    HttpResponse,
    TransportError,
    TransportTimeout,
)
from mlflow_rest_sdk.errors import (
    APIConnectionError,
    APIConnectionRefused,
    APITimeoutError,
    ServiceUnavailable,
)

URI = "http://127.0.0.1:9"
#: The scripted server runs the release the SDK was generated from, so no call asks /version.
SERVER_VERSION = MLFLOW_VERSION
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
#: No jitter, so that waits are exactly ``backoff_factor * 2 ** (attempt - 1)``.
EXACT = RetryPolicy(backoff_factor=0.1, backoff_max=10.0, jitter=0.0, max_attempts=5)

# --- pure decisions ----------------------------------------------------------------------------

#: status, retried for an idempotent endpoint, retried for a non-idempotent one (a create).
STATUS_TABLE = [
    (429, True, True),  # slow down: the server did nothing
    (503, True, True),  # unavailable: the server did nothing
    (500, True, False),  # may have acted before failing
    (502, True, False),  # a gateway cannot say whether the server acted
    (504, True, False),  # the server may still be acting
    (400, False, False),
    (401, False, False),
    (403, False, False),
    (404, False, False),
    (409, False, False),
    (501, False, False),
    (200, False, False),
]


@pytest.mark.parametrize(("status", "idempotent_retried", "create_retried"), STATUS_TABLE)
def test_status_is_retried_only_where_repeating_is_safe(
    status: int, idempotent_retried: bool, create_retried: bool
) -> None:
    assert status_is_retryable(status, idempotent=True) is idempotent_retried
    assert status_is_retryable(status, idempotent=False) is create_retried


#: error, retried for an idempotent endpoint, retried for a create.
CONNECTION_TABLE: list[tuple[BaseException, bool, bool]] = [
    (APIConnectionRefused("refused", url=URI), True, True),  # never reached the server
    (APITimeoutError("read timeout", url=URI), True, False),  # may have acted
    (APIConnectionError("connection reset by peer", url=URI), True, False),  # may have acted
    (ValueError("not a network failure"), False, False),
]


@pytest.mark.parametrize(("error", "idempotent_retried", "create_retried"), CONNECTION_TABLE)
def test_connection_failures_are_retried_unless_the_server_may_have_acted(
    error: BaseException, idempotent_retried: bool, create_retried: bool
) -> None:
    assert connection_error_is_retryable(error, idempotent=True) is idempotent_retried
    assert connection_error_is_retryable(error, idempotent=False) is create_retried


@pytest.mark.parametrize(
    ("endpoint", "idempotent"),
    [
        (endpoints.GET_EXPERIMENT, True),
        (endpoints.SEARCH_RUNS, True),
        (endpoints.LOG_METRIC, True),
        (endpoints.LOG_BATCH, True),
        (endpoints.SET_TAG, True),
        (endpoints.CREATE_EXPERIMENT, False),
        (endpoints.CREATE_RUN, False),
        (endpoints.CREATE_REGISTERED_MODEL, False),
        (endpoints.CREATE_MODEL_VERSION, False),
    ],
)
def test_endpoint_idempotency_comes_from_the_spec(endpoint: Endpoint, idempotent: bool) -> None:
    assert endpoint.idempotent is idempotent


def test_every_get_endpoint_is_idempotent() -> None:
    table = [value for value in vars(endpoints).values() if isinstance(value, Endpoint)]

    assert [e.operation for e in table if e.method == "GET" and not e.idempotent] == []


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": " 7 "}, 7.0),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after": format_datetime(NOW + timedelta(seconds=30), usegmt=True)}, 30.0),
        ({"retry-after": format_datetime(NOW - timedelta(seconds=30), usegmt=True)}, 0.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": ""}, None),
        ({}, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_as_an_http_date(
    headers: dict[str, str], seconds: float | None
) -> None:
    assert retry_after_seconds(headers, now=NOW) == seconds


@pytest.mark.parametrize(
    ("attempt", "wait"), [(1, 0.1), (2, 0.2), (3, 0.4), (4, 0.8), (5, 1.6), (6, 3.2)]
)
def test_backoff_doubles_with_each_attempt(attempt: int, wait: float) -> None:
    assert backoff_seconds(EXACT, attempt, None, rand=lambda: 0.5) == pytest.approx(wait)


def test_backoff_is_capped_at_backoff_max() -> None:
    policy = RetryPolicy(backoff_factor=1.0, backoff_max=5.0, jitter=0.0)

    waits = [backoff_seconds(policy, attempt, None, rand=lambda: 0.5) for attempt in (3, 4, 10)]

    assert waits == [4.0, 5.0, 5.0]


@pytest.mark.parametrize(("draw", "factor"), [(0.0, 0.75), (0.5, 1.0), (0.999999, 1.25)])
def test_jitter_stays_within_its_share_of_the_wait(draw: float, factor: float) -> None:
    policy = RetryPolicy(backoff_factor=1.0, backoff_max=60.0, jitter=0.25)

    assert backoff_seconds(policy, 3, None, rand=lambda: draw) == pytest.approx(4.0 * factor)


def test_retry_after_replaces_the_backoff() -> None:
    assert backoff_seconds(EXACT, 4, retry_after=2.0, rand=lambda: 0.0) == 2.0


def test_retry_after_is_capped_at_retry_after_max() -> None:
    policy = RetryPolicy(retry_after_max=10.0)

    assert backoff_seconds(policy, 1, retry_after=3600.0, rand=lambda: 0.5) == 10.0


# --- what tenacity does with them, through a client with a scripted transport -------------------

Step = HttpResponse | TransportError


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(status, headers or {}, json.dumps(body).encode())


UNAVAILABLE = _json(503, {"error_code": "TEMPORARILY_UNAVAILABLE", "message": "busy"})
BAD_GATEWAY = _json(502, {"message": "bad gateway"})
EXPERIMENT = _json(200, {"experiment": {"experiment_id": "1", "name": "e"}})
LOGGED_MODEL = _json(200, {"model": {"info": {"model_id": "m-1", "experiment_id": "1"}}})


class Script:
    """A transport that answers the n-th request with the n-th step; it records what was sent."""

    def __init__(self, *steps: Step) -> None:
        self._steps = list(steps)
        self.sent: list[HttpRequest] = []

    def next(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        step = self._steps.pop(0)
        if isinstance(step, TransportError):
            raise step
        return step


class SyncScript(Script):
    def send(self, request: HttpRequest) -> HttpResponse:
        return self.next(request)

    def close(self) -> None:
        pass


class AsyncScript(Script):
    async def send(self, request: HttpRequest) -> HttpResponse:
        return self.next(request)

    async def aclose(self) -> None:
        pass


def _client(script: SyncScript, waits: list[float], policy: RetryPolicy = EXACT) -> MlflowClient:
    return MlflowClient(
        URI, transport=script, retry=policy, env_file=False, sleep=waits.append,
        server_version=SERVER_VERSION,
    )  # fmt: skip


def test_two_503s_then_success_make_two_growing_waits() -> None:
    script = SyncScript(UNAVAILABLE, UNAVAILABLE, EXPERIMENT)
    waits: list[float] = []

    got = _client(script, waits).get_experiment(experiment_id="1")

    assert got.experiment is not None and got.experiment.experiment_id == "1"
    assert waits == pytest.approx([0.1, 0.2])
    assert len(script.sent) == 3


def test_429_with_retry_after_waits_what_the_server_asked() -> None:
    slow_down = _json(429, {"error_code": "REQUEST_LIMIT_EXCEEDED"}, {"retry-after": "2"})
    script = SyncScript(slow_down, EXPERIMENT)
    waits: list[float] = []

    _client(script, waits).get_experiment(experiment_id="1")

    assert waits == [2.0]


def test_a_create_whose_response_was_lost_is_not_sent_again() -> None:
    lost = TransportTimeout("read timeout", url=URI)
    script = SyncScript(lost, LOGGED_MODEL)
    waits: list[float] = []

    with pytest.raises(APITimeoutError):
        _client(script, waits).create_logged_model(experiment_id="1")

    assert (len(script.sent), waits) == (1, [])


def test_a_create_answered_502_is_not_sent_again() -> None:
    script = SyncScript(BAD_GATEWAY, LOGGED_MODEL)
    waits: list[float] = []

    with pytest.raises(ServiceUnavailable):
        _client(script, waits).create_logged_model(experiment_id="1")

    assert len(script.sent) == 1


def test_a_create_refused_at_connect_is_sent_again() -> None:
    refused = ConnectionRefused("connection refused", url=URI)
    script = SyncScript(refused, LOGGED_MODEL)
    waits: list[float] = []

    _client(script, waits).create_logged_model(experiment_id="1")

    assert len(script.sent) == 2
    assert waits == pytest.approx([0.1])


def test_an_idempotent_read_is_sent_again_after_a_read_timeout() -> None:
    lost = TransportTimeout("read timeout", url=URI)
    script = SyncScript(lost, EXPERIMENT)
    waits: list[float] = []

    _client(script, waits).get_experiment(experiment_id="1")

    assert len(script.sent) == 2


def test_max_attempts_counts_the_first_try_and_the_last_answer_is_raised() -> None:
    script = SyncScript(*[UNAVAILABLE] * 4)
    waits: list[float] = []
    policy = RetryPolicy(backoff_factor=0.1, jitter=0.0, max_attempts=3)

    with pytest.raises(ServiceUnavailable):
        _client(script, waits, policy).get_experiment(experiment_id="1")

    assert len(script.sent) == 3
    assert waits == pytest.approx([0.1, 0.2])


def test_a_per_call_policy_overrides_the_clients() -> None:
    script = SyncScript(UNAVAILABLE, EXPERIMENT)
    waits: list[float] = []

    with pytest.raises(ServiceUnavailable):
        _client(script, waits).get_experiment(experiment_id="1", retry=RetryPolicy.none())

    assert (len(script.sent), waits) == (1, [])


def test_the_deadline_stops_retries_on_the_injected_clock() -> None:
    clock = FakeClock()
    policy = RetryPolicy(
        backoff_factor=1.0, backoff_max=1.0, jitter=0.0, max_attempts=100, deadline=3.5,
        clock=clock,
    )  # fmt: skip
    script = SyncScript(*[UNAVAILABLE] * 100)
    client = MlflowClient(URI, transport=script, retry=policy, env_file=False, sleep=clock.sleep)

    with pytest.raises(ServiceUnavailable):
        client.get_experiment(experiment_id="1")

    # Tries at t = 0, 1, 2, 3; the next one would start at 4 s, past the 3.5 s deadline.
    assert len(script.sent) == 4
    assert clock.now <= 3.5


class FakeClock:
    """Monotonic seconds that move only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_the_async_client_waits_the_same_way() -> None:
    script = AsyncScript(UNAVAILABLE, UNAVAILABLE, EXPERIMENT)
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async with AsyncMlflowClient(
        URI, transport=script, retry=EXACT, env_file=False, sleep=record
    ) as client:
        await client.get_experiment(experiment_id="1")

    assert waits == pytest.approx([0.1, 0.2])


async def test_the_async_client_does_not_resend_a_create_whose_response_was_lost() -> None:
    script = AsyncScript(TransportTimeout("read timeout", url=URI), LOGGED_MODEL)

    async with AsyncMlflowClient(
        URI, transport=script, retry=EXACT, env_file=False, server_version=SERVER_VERSION
    ) as client:
        with pytest.raises(APITimeoutError):
            await client.create_logged_model(experiment_id="1")

    assert len(script.sent) == 1


# --- the builders: one derived from the other, both from retry.py's options -------------------


def test_both_builders_take_retry_pys_options_and_default_to_tenacitys_sleep() -> None:
    import tenacity

    from mlflow_rest_sdk._runtime._async.retrying import async_retrying
    from mlflow_rest_sdk._runtime._sync.retrying import sync_retrying
    from mlflow_rest_sdk._runtime.retry import retrying_options

    policy = RetryPolicy(max_attempts=3)
    blocking, asyncio_ = sync_retrying(policy, True), async_retrying(policy, True)
    assert isinstance(blocking, tenacity.Retrying)
    assert isinstance(asyncio_, tenacity.AsyncRetrying)
    assert blocking.reraise and asyncio_.reraise
    assert "sleep" not in retrying_options(policy, True)
    assert retrying_options(policy, True, sleep=print)["sleep"] is print
