"""Duplicate deliveries: the filter alone (expiry, bounds, threads) and through ``verify``."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from mlflow_rest_sdk.webhooks import (
    DEFAULT_TOLERANCE,
    DeliveryFilter,
    DuplicateDeliveryError,
    Reason,
    WebhookVerificationError,
    verify,
)

from ._support import NOW, SECRET, Delivery


class FakeClock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_first_claim_is_new_and_the_second_a_duplicate() -> None:
    deliveries = DeliveryFilter()

    assert deliveries.claim("a") is True
    assert deliveries.claim("a") is False
    assert deliveries.claim("b") is True
    assert "a" in deliveries and "c" not in deliveries
    assert len(deliveries) == 2


def test_an_id_is_forgotten_after_its_ttl() -> None:
    clock = FakeClock()
    deliveries = DeliveryFilter(ttl=60, clock=clock)
    deliveries.claim("a")

    clock.now += 59.9
    assert deliveries.claim("a") is False
    clock.now += 0.2
    assert deliveries.claim("a") is True


def test_until_sets_how_long_one_id_is_remembered() -> None:
    clock = FakeClock()
    deliveries = DeliveryFilter(ttl=1, clock=clock)
    deliveries.claim("a", until=NOW + 100)

    clock.now += 99
    assert deliveries.claim("a") is False


def test_expired_ids_do_not_use_memory() -> None:
    clock = FakeClock()
    deliveries = DeliveryFilter(ttl=10, clock=clock)
    for number in range(1000):
        deliveries.claim(f"id-{number}")

    clock.now += 11
    deliveries.claim("fresh")

    assert len(deliveries) == 1


def test_a_full_filter_drops_the_ids_closest_to_expiry_and_counts_them() -> None:
    clock = FakeClock()
    deliveries = DeliveryFilter(ttl=100, max_entries=3, clock=clock)
    for number, until in enumerate([NOW + 50, NOW + 10, NOW + 90, NOW + 70]):
        deliveries.claim(f"id-{number}", until=until)

    assert len(deliveries) == 3
    assert "id-1" not in deliveries
    assert all(f"id-{number}" in deliveries for number in (0, 2, 3))
    assert deliveries.evicted == 1


def test_memory_stays_bounded_when_ids_are_claimed_and_released_over_and_over() -> None:
    deliveries = DeliveryFilter(max_entries=10)
    for _ in range(1000):
        deliveries.claim("same")
        deliveries.release("same")

    assert len(deliveries._heap) <= 2 * deliveries.max_entries


def test_a_released_id_is_accepted_again() -> None:
    deliveries = DeliveryFilter()
    deliveries.claim("a")

    deliveries.release("a")
    deliveries.release("never-claimed")

    assert deliveries.claim("a") is True


def test_concurrent_claims_of_one_id_let_exactly_one_through() -> None:
    deliveries = DeliveryFilter()
    start = threading.Barrier(8)

    def claim(_: int) -> bool:
        start.wait()
        return deliveries.claim("contested")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(claim, range(8)))

    assert sorted(results) == [False] * 7 + [True]


@pytest.mark.parametrize(("ttl", "max_entries"), [(0, 10), (-1, 10), (10, 0)])
def test_nonsense_bounds_are_refused(ttl: float, max_entries: int) -> None:
    with pytest.raises(ValueError):
        DeliveryFilter(ttl=ttl, max_entries=max_entries)


# -- through verify -------------------------------------------------------------------------


def test_a_replayed_delivery_is_refused_by_the_filter() -> None:
    deliveries = DeliveryFilter()
    delivery = Delivery()
    verify(SECRET, delivery.headers(), delivery.body, now=NOW, deliveries=deliveries)

    with pytest.raises(DuplicateDeliveryError) as caught:
        verify(SECRET, delivery.headers(), delivery.body, now=NOW + 5, deliveries=deliveries)

    assert caught.value.reason is Reason.DUPLICATE_DELIVERY
    assert caught.value.delivery_id == delivery.delivery_id
    assert isinstance(caught.value, WebhookVerificationError)


def test_a_replay_after_the_window_is_refused_by_its_timestamp() -> None:
    """The filter may forget an id once the delivery's timestamp would be refused anyway."""
    deliveries = DeliveryFilter(ttl=1)  # shorter than the tolerance: verify's `until` rules
    delivery = Delivery()
    verify(SECRET, delivery.headers(), delivery.body, now=NOW, deliveries=deliveries)

    with pytest.raises(DuplicateDeliveryError):
        verify(SECRET, delivery.headers(), delivery.body, now=NOW + 200, deliveries=deliveries)
    with pytest.raises(WebhookVerificationError) as caught:
        late = NOW + DEFAULT_TOLERANCE + 1
        verify(SECRET, delivery.headers(), delivery.body, now=late, deliveries=deliveries)
    assert caught.value.reason is Reason.TIMESTAMP_TOO_OLD


def test_a_delivery_dated_ahead_is_remembered_until_its_own_window_ends() -> None:
    deliveries = DeliveryFilter()
    ahead = Delivery(timestamp=str(int(NOW + 250)))
    verify(SECRET, ahead.headers(), ahead.body, now=NOW, deliveries=deliveries)

    with pytest.raises(DuplicateDeliveryError):
        verify(SECRET, ahead.headers(), ahead.body, now=NOW + 500, deliveries=deliveries)


def test_a_forged_request_with_a_real_id_neither_passes_nor_blocks_the_real_one() -> None:
    deliveries = DeliveryFilter()
    real = Delivery()
    forged = real.but(secret="guess")

    with pytest.raises(WebhookVerificationError) as caught:
        verify(SECRET, forged.headers(), forged.body, now=NOW, deliveries=deliveries)

    assert caught.value.reason is Reason.SIGNATURE_MISMATCH
    assert verify(SECRET, real.headers(), real.body, now=NOW, deliveries=deliveries)


def test_a_malformed_body_does_not_use_up_its_delivery_id() -> None:
    deliveries = DeliveryFilter()
    broken = Delivery(body=b'{"entity": "model_version_alias"}')

    with pytest.raises(WebhookVerificationError):
        verify(SECRET, broken.headers(), broken.body, now=NOW, deliveries=deliveries)

    assert broken.delivery_id not in deliveries


def test_releasing_lets_a_retry_through_after_a_failed_handler() -> None:
    deliveries = DeliveryFilter()
    delivery = Delivery()
    event = verify(SECRET, delivery.headers(), delivery.body, now=NOW, deliveries=deliveries)

    deliveries.release(event.delivery_id)  # the handler failed; the receiver answers 503

    assert verify(SECRET, delivery.headers(), delivery.body, now=NOW + 2, deliveries=deliveries)
