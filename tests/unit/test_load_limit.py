"""The adaptive load limit's policy, with an injected clock: how each signal moves the limit."""

from __future__ import annotations

import pytest

from mlflow_rest_sdk._runtime.error_base import (
    APIConnectionError,
    APIConnectionRefused,
    APITimeoutError,
)
from mlflow_rest_sdk._runtime.load_limit import (
    AdaptiveLimit,
    LoadLimit,
    Sample,
    Signal,
    signal_of,
    stream_signal,
)
from mlflow_rest_sdk._runtime.transport import HttpResponse

ROUTE = "POST /api/2.0/mlflow/runs/create"
POOL = 64


def ok(
    latency: float = 0.010, *, started: float = 0.0, in_flight: int = 64, route: str = ROUTE
) -> Sample:
    return Sample(Signal.OK, started, latency, route, in_flight)


def overload(*, started: float = 0.0) -> Sample:
    return Sample(Signal.OVERLOAD, started, 1.0, ROUTE, 1)


def policy(settings: LoadLimit | None = None, pool: int = POOL) -> AdaptiveLimit:
    return AdaptiveLimit(settings or LoadLimit(), pool, now=0.0)


def test_the_limit_starts_at_its_initial_level() -> None:
    assert policy(LoadLimit(initial=3)).limit == 3


def test_the_limit_doubles_per_round_while_calls_succeed_at_the_floor() -> None:
    limit = policy(LoadLimit(initial=4))
    for _ in range(4):  # one round of 4 full-limit successes
        limit.observe(ok(), now=1.0)
    assert limit.limit == 8


def test_a_limit_that_is_not_in_use_does_not_grow() -> None:
    limit = policy(LoadLimit(initial=4))
    for _ in range(20):
        limit.observe(ok(in_flight=1), now=1.0)
    assert limit.limit == 4


def test_an_overload_halves_the_limit() -> None:
    limit = policy(LoadLimit(initial=16))
    limit.observe(overload(started=1.0), now=2.0)
    assert limit.limit == 8


def test_overloads_of_requests_sent_before_the_last_cut_do_not_cut_again() -> None:
    limit = policy(LoadLimit(initial=16))
    limit.observe(overload(started=1.0), now=2.0)
    limit.observe(overload(started=1.5), now=2.1)  # in flight when the first cut happened
    assert limit.limit == 8
    limit.observe(overload(started=2.5), now=3.0)
    assert limit.limit == 4


def test_after_an_overload_growth_is_additive() -> None:
    limit = policy(LoadLimit(initial=16))
    limit.observe(overload(started=1.0), now=2.0)
    for _ in range(9):  # about one round at limit 8 adds one
        limit.observe(ok(started=3.0), now=3.0)
    assert limit.limit == 9


def test_latency_well_above_the_floor_with_many_waiting_steps_the_limit_down() -> None:
    limit = policy(LoadLimit(initial=10))
    limit.observe(ok(0.010, in_flight=1), now=1.0)
    # 2.5x the floor with 10 in flight: 10 x (1 - 1/2.5) = 6 waiting, above the allowance of 2.
    limit.observe(ok(0.025, started=1.5, in_flight=10), now=2.0)
    assert limit.limit == 9


def test_latency_within_the_tolerance_is_not_congestion() -> None:
    limit = policy(LoadLimit(initial=10))
    limit.observe(ok(0.010, in_flight=1), now=1.0)
    limit.observe(ok(0.019, started=1.5, in_flight=10), now=2.0)
    assert limit.limit >= 10


def test_a_latency_rise_with_few_requests_in_flight_is_not_a_queue() -> None:
    """At 2 in flight even a tenfold latency means fewer than 2 waiting: within the allowance."""
    limit = policy(LoadLimit(initial=10))
    limit.observe(ok(0.010, in_flight=1), now=1.0)
    limit.observe(ok(0.100, started=1.5, in_flight=2), now=2.0)
    assert limit.limit == 10


@pytest.mark.parametrize(
    ("in_flight", "latency", "steps_down"),
    [
        (3, 0.030, False),  # 3 x 2/3 = 2 waiting: not above the allowance
        (4, 0.030, True),  # 2.7 waiting
        (8, 0.020, False),  # 4 waiting, but only 2x the floor
        (9, 0.025, True),  # 5.4 waiting at 2.5x
        (64, 0.020, False),  # 32 waiting, but within the latency tolerance
    ],
)
def test_a_step_down_needs_both_the_latency_ratio_and_the_queue(
    in_flight: int, latency: float, steps_down: bool
) -> None:
    limit = policy(LoadLimit(initial=10))
    limit.observe(ok(0.010, in_flight=1), now=1.0)
    limit.observe(ok(latency, started=1.5, in_flight=in_flight), now=2.0)
    assert (limit.limit < 10) is steps_down


def test_the_allowance_can_be_set_to_zero_for_a_pure_latency_ratio() -> None:
    limit = policy(LoadLimit(initial=10, queue_allowance=0))
    limit.observe(ok(0.010, in_flight=1), now=1.0)
    limit.observe(ok(0.025, started=1.5, in_flight=1), now=2.0)
    assert limit.limit == 9


def _settled_on_a_serialising_server(limit: AdaptiveLimit, service: float) -> list[int]:
    """The limit over the last 500 of 2,000 requests to a server whose latency is the requests
    in flight times ``service`` (a 1-worker sqlite writer), one sent per service time."""
    clock = 0.0
    seen: list[int] = []
    for _ in range(2000):
        in_flight = limit.limit
        latency = in_flight * service
        limit.observe(ok(latency, started=clock, in_flight=in_flight), now=clock + latency)
        clock += service
        seen.append(limit.limit)
    return seen[-500:]


@pytest.mark.parametrize(
    ("allowance", "lowest", "highest"),
    [(2.0, 3, 4), (4.0, 5, 7), (0.0, 1, 3)],  # without the queue allowance: pinned at 1-3
)
def test_on_a_server_that_serialises_requests_the_limit_settles_past_the_allowance(
    allowance: float, lowest: int, highest: int
) -> None:
    """Latency = requests in flight x service time (a 1-worker sqlite writer), the floor learnt
    from one call alone: the limit settles where the estimated queue passes the allowance."""
    service = 0.010
    limit = policy(LoadLimit(queue_allowance=allowance))
    limit.observe(ok(service, in_flight=1), now=0.0)
    assert lowest <= min(settled := _settled_on_a_serialising_server(limit, service))
    assert max(settled) <= highest


@pytest.mark.parametrize(
    ("initial", "lowest", "highest"),
    [(1, 3, 4), (4, 7, 9)],  # a floor learnt at 4 in flight is 4x the service time
)
def test_a_fresh_client_learns_its_floor_from_its_first_requests(
    initial: int, lowest: int, highest: int
) -> None:
    """On a serialising server, from the first request of a burst: the default sends one call
    alone and settles where the queue passes the allowance; starting at 4 in flight, every
    latency the floor sees is already queued, and the limit settles twice as high."""
    service = 0.010
    limit = policy(LoadLimit(initial=initial))
    assert lowest <= min(settled := _settled_on_a_serialising_server(limit, service))
    assert max(settled) <= highest


def test_the_default_limit_sends_the_first_call_alone() -> None:
    assert policy().limit == 1


def test_a_slow_route_is_judged_against_its_own_floor() -> None:
    limit = policy(LoadLimit(initial=10))
    limit.observe(ok(0.010, in_flight=1), now=1.0)
    limit.observe(ok(0.500, started=1.5, in_flight=10, route="POST /log-batch"), now=2.0)
    assert limit.limit >= 10


def test_the_floor_forgets_old_samples_after_two_windows() -> None:
    limit = policy(LoadLimit(floor_window=10.0))
    limit.observe(ok(0.010, in_flight=1), now=0.0)
    limit.observe(ok(0.015, in_flight=1), now=11.0)  # the 10 ms window is now the previous one
    limit.observe(ok(0.015, in_flight=1), now=22.0)
    assert limit.floor(ROUTE) == pytest.approx(0.015)


def test_the_limit_never_falls_below_one() -> None:
    limit = policy(LoadLimit(initial=2))
    for step in range(10):
        limit.observe(overload(started=float(step)), now=step + 0.5)
    assert limit.limit == 1


def test_the_limit_never_rises_above_the_pool() -> None:
    limit = policy(pool=6)
    for _ in range(100):
        limit.observe(ok(), now=1.0)
    assert limit.limit == 6


def test_the_maximum_caps_the_limit_below_the_pool() -> None:
    limit = policy(LoadLimit(maximum=5))
    for _ in range(100):
        limit.observe(ok(), now=1.0)
    assert limit.limit == 5


def test_a_fixed_limit_never_moves() -> None:
    limit = policy(LoadLimit.fixed(3))
    limit.observe(overload(started=1.0), now=2.0)
    for _ in range(10):
        limit.observe(ok(), now=3.0)
    assert limit.limit == 3


def test_a_finished_transfer_grows_a_limit_in_use_and_its_duration_is_not_queueing() -> None:
    limit = policy(LoadLimit(initial=2))
    limit.observe(ok(0.010), now=0.0)  # a floor of 10 ms on the route
    limit.observe(Sample(Signal.DONE, 0.0, 30.0, ROUTE, 2), now=30.0)  # a 30 s download
    assert limit.limit == 3
    assert limit.floor(ROUTE) == 0.010


def test_a_finished_transfer_does_not_grow_a_limit_that_is_not_in_use() -> None:
    limit = policy(LoadLimit(initial=4))
    limit.observe(Sample(Signal.DONE, 0.0, 1.0, ROUTE, 1), now=1.0)
    assert limit.limit == 4


@pytest.mark.parametrize(
    ("status", "signal"),
    [
        (200, Signal.DONE),
        (503, Signal.OVERLOAD),
        (429, Signal.OVERLOAD),
        (404, Signal.NEUTRAL),
        (None, Signal.NEUTRAL),
    ],
)
def test_each_transfer_status_gives_its_signal(status: int | None, signal: Signal) -> None:
    assert stream_signal(status) is signal


def test_neutral_signals_leave_the_limit_alone() -> None:
    limit = policy(LoadLimit(initial=4))
    limit.observe(Sample(Signal.NEUTRAL, 1.0, 5.0, ROUTE, 4), now=2.0)
    assert limit.limit == 4


@pytest.mark.parametrize(
    ("outcome", "signal"),
    [
        (HttpResponse(200, {}, b"{}"), Signal.OK),
        (HttpResponse(404, {}, b'{"error_code": "RESOURCE_DOES_NOT_EXIST"}'), Signal.OK),
        (HttpResponse(429, {}, b""), Signal.OVERLOAD),
        (HttpResponse(503, {}, b""), Signal.OVERLOAD),
        (HttpResponse(504, {}, b""), Signal.OVERLOAD),
        (
            HttpResponse(
                400,
                {},
                b'{"error_code": "BAD_REQUEST", "message": "QueuePool limit of size 5 '
                b'overflow 10 reached, connection timed out, timeout 30.00"}',
            ),
            Signal.OVERLOAD,
        ),
        (APITimeoutError("read timeout", url="u"), Signal.OVERLOAD),
        (APIConnectionRefused("refused", url="u"), Signal.NEUTRAL),
        (APIConnectionError("reset", url="u"), Signal.NEUTRAL),
    ],
)
def test_each_outcome_gives_its_signal(outcome: HttpResponse | Exception, signal: Signal) -> None:
    assert signal_of(outcome) is signal


@pytest.mark.parametrize(
    "settings",
    [
        {"mode": "sometimes"},
        {"initial": 0},
        {"maximum": 0},
        {"latency_tolerance": 1.0},
        {"queue_allowance": -1},
        {"backoff": 1.0},
        {"floor_window": 0},
    ],
)
def test_settings_out_of_range_are_refused(settings: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="LoadLimit"):
        LoadLimit(**settings)  # type: ignore[arg-type]
