"""``verify``: authentic, fresh deliveries pass; everything else is refused with a reason."""

from __future__ import annotations

import email.parser
import http.client
import time
from collections.abc import Iterable

import pytest

from mlflow_rest_sdk.webhooks import (
    DEFAULT_TOLERANCE,
    ModelVersionAliasCreated,
    Reason,
    WebhookVerificationError,
    sign,
    verify,
)

from ._support import NOW, SECRET, Delivery, mlflow_signature


def _refusal(
    headers: object, body: bytes, *, secret: str = SECRET, now: float = NOW, **kwargs: float
) -> WebhookVerificationError:
    with pytest.raises(WebhookVerificationError) as caught:
        verify(secret, headers, body, now=now, **kwargs)  # type: ignore[arg-type]
    assert SECRET not in str(caught.value)
    return caught.value


def test_a_good_signature_gives_the_typed_event() -> None:
    delivery = Delivery()

    event = verify(SECRET, delivery.headers(), delivery.body, now=NOW)

    assert isinstance(event, ModelVersionAliasCreated)
    assert (event.data.name, event.data.alias, event.data.version) == (
        "station-42-xgb",
        "champion",
        "7",
    )
    assert event.delivery_id == delivery.delivery_id
    assert event.signed_at.timestamp() == NOW
    assert event.event_type == "model_version_alias.created"


def test_the_sdk_signs_as_mlflow_does() -> None:
    delivery = Delivery()
    expected = mlflow_signature(SECRET, delivery.delivery_id, delivery.timestamp, delivery.body)

    assert sign(SECRET, delivery.delivery_id, int(delivery.timestamp), delivery.body) == expected


def test_a_wrong_secret_is_refused() -> None:
    delivery = Delivery(secret="someone-elses-secret")

    error = _refusal(delivery.headers(), delivery.body)

    assert error.reason is Reason.SIGNATURE_MISMATCH


@pytest.mark.parametrize(
    "changed",
    [
        b'{"entity": "model_version_alias", "action": "created", "timestamp": '
        b'"2026-12-04T13:06:34.666446+00:00", "data": {"name": "station-42-xgb", '
        b'"alias": "champion", "version": "8"}}',
        Delivery().body + b" ",
        Delivery().body.replace(b", ", b","),  # the same JSON, other bytes
    ],
    ids=["other-version", "trailing-space", "re-encoded"],
)
def test_a_changed_body_is_refused(changed: bytes) -> None:
    delivery = Delivery()

    error = _refusal(delivery.headers(), changed)

    assert error.reason is Reason.SIGNATURE_MISMATCH


@pytest.mark.parametrize("header", ["X-MLflow-Delivery-Id", "X-MLflow-Timestamp"])
def test_a_changed_signed_header_is_refused(header: str) -> None:
    delivery = Delivery()
    headers = delivery.headers()
    headers[header] = (
        "11111111-2222-3333-4444-555555555555" if "Id" in header else str(int(NOW) - 1)
    )

    error = _refusal(headers, delivery.body)

    assert error.reason is Reason.SIGNATURE_MISMATCH


def test_a_stale_timestamp_is_refused_even_when_signed() -> None:
    delivery = Delivery(timestamp=str(int(NOW - DEFAULT_TOLERANCE - 1)))

    error = _refusal(delivery.headers(), delivery.body)

    assert error.reason is Reason.TIMESTAMP_TOO_OLD
    assert "301 s ago" in str(error)


def test_a_future_timestamp_is_refused_even_when_signed() -> None:
    delivery = Delivery(timestamp=str(int(NOW + DEFAULT_TOLERANCE + 1)))

    error = _refusal(delivery.headers(), delivery.body)

    assert error.reason is Reason.TIMESTAMP_IN_FUTURE


@pytest.mark.parametrize("offset", [-DEFAULT_TOLERANCE, DEFAULT_TOLERANCE])
def test_timestamps_at_the_edge_of_the_tolerance_pass(offset: float) -> None:
    delivery = Delivery(timestamp=str(int(NOW + offset)))

    assert verify(SECRET, delivery.headers(), delivery.body, now=NOW).delivery_id


def test_the_tolerance_is_the_callers_choice() -> None:
    delivery = Delivery(timestamp=str(int(NOW - 30)))

    assert verify(SECRET, delivery.headers(), delivery.body, now=NOW, tolerance=60)
    assert _refusal(delivery.headers(), delivery.body, tolerance=10).reason is (
        Reason.TIMESTAMP_TOO_OLD
    )


@pytest.mark.parametrize(
    "missing", ["X-MLflow-Signature", "X-MLflow-Timestamp", "X-MLflow-Delivery-Id"]
)
def test_a_missing_header_is_refused_by_name(missing: str) -> None:
    delivery = Delivery()
    headers = {name: value for name, value in delivery.headers().items() if name != missing}

    error = _refusal(headers, delivery.body)

    assert error.reason is Reason.MISSING_HEADER
    assert missing in str(error)


def test_an_empty_header_counts_as_missing() -> None:
    delivery = Delivery()
    headers = {**delivery.headers(), "X-MLflow-Signature": "  "}

    assert _refusal(headers, delivery.body).reason is Reason.MISSING_HEADER


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("X-MLflow-Timestamp", "1796389594.5", Reason.MALFORMED_HEADER),
        ("X-MLflow-Timestamp", "-1796389594", Reason.MALFORMED_HEADER),
        ("X-MLflow-Timestamp", "soon", Reason.MALFORMED_HEADER),
        ("X-MLflow-Delivery-Id", "a.b", Reason.MALFORMED_HEADER),
        ("X-MLflow-Delivery-Id", "x" * 129, Reason.MALFORMED_HEADER),
        ("X-MLflow-Signature", "v1,not-base64!", Reason.MALFORMED_HEADER),
        ("X-MLflow-Signature", "v1,AAAA", Reason.MALFORMED_HEADER),  # base64, but not 32 bytes
        ("X-MLflow-Signature", "just-a-string", Reason.MALFORMED_HEADER),
        ("X-MLflow-Signature", "v2,c2lnbmF0dXJl", Reason.UNSUPPORTED_SIGNATURE_VERSION),
    ],
)
def test_a_malformed_header_is_refused(header: str, value: str, reason: Reason) -> None:
    delivery = Delivery()
    headers = {**delivery.headers(), header: value}

    assert _refusal(headers, delivery.body).reason is reason


def test_one_matching_signature_among_several_passes() -> None:
    """Standard Webhooks' space-separated list, as a sender rotating its secret would send."""
    delivery = Delivery()
    good = delivery.headers()["X-MLflow-Signature"]
    other = Delivery(secret="old-secret", delivery_id=delivery.delivery_id).headers()
    headers = {**delivery.headers(), "X-MLflow-Signature": f"{other['X-MLflow-Signature']} {good}"}

    assert verify(SECRET, headers, delivery.body, now=NOW)


def test_the_receiver_can_accept_two_secrets_while_rotating() -> None:
    delivery = Delivery(secret="new-secret")

    assert verify(["old-secret", "new-secret"], delivery.headers(), delivery.body, now=NOW)
    assert _refusal(delivery.headers(), delivery.body, secret="old-secret").reason is (
        Reason.SIGNATURE_MISMATCH
    )


def test_the_secret_never_appears_in_an_error() -> None:
    for headers, body in [
        (Delivery(secret="x").headers(), Delivery().body),
        (Delivery(timestamp="1").headers(), Delivery().body),
        ({}, b""),
    ]:
        error = _refusal(headers, body)
        assert SECRET not in repr(error) and SECRET not in error.detail


# -- header containers ----------------------------------------------------------------------


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def _http_message(headers: dict[str, str]) -> http.client.HTTPMessage:
    text = "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    message: http.client.HTTPMessage = email.parser.Parser(_class=http.client.HTTPMessage).parsestr(
        text
    )
    return message


def _starlette(headers: dict[str, str]) -> object:
    from starlette.datastructures import Headers

    return Headers(headers=headers)


def _asgi_pairs(headers: dict[str, str]) -> Iterable[tuple[bytes, bytes]]:
    return [(name.lower().encode(), value.encode()) for name, value in headers.items()]


@pytest.mark.parametrize(
    "container",
    [dict, _lower, _http_message, _starlette, _asgi_pairs],
    ids=["dict", "lower-case-dict", "http.client", "starlette", "asgi-pairs"],
)
def test_headers_are_found_case_insensitively_in_any_container(container: object) -> None:
    delivery = Delivery()
    headers = container(delivery.headers())  # type: ignore[operator]

    assert verify(SECRET, headers, delivery.body, now=NOW).delivery_id == delivery.delivery_id


def test_a_header_repeated_with_different_values_is_refused() -> None:
    delivery = Delivery()
    pairs = [*delivery.headers().items(), ("x-mlflow-timestamp", str(int(NOW) - 5))]

    assert _refusal(pairs, delivery.body).reason is Reason.MALFORMED_HEADER


# -- misuse ---------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", ["", []], ids=["empty", "none-given"])
def test_verifying_without_a_secret_is_a_programming_error(secret: str) -> None:
    delivery = Delivery()

    with pytest.raises(ValueError, match="non-empty webhook secret"):
        verify(secret, delivery.headers(), delivery.body, now=NOW)


def test_decoded_text_is_refused_as_a_body() -> None:
    delivery = Delivery()

    with pytest.raises(TypeError, match="raw body bytes"):
        verify(SECRET, delivery.headers(), delivery.body.decode(), now=NOW)  # type: ignore[arg-type]


def test_the_current_time_is_used_when_now_is_not_given() -> None:
    fresh = Delivery(timestamp=str(int(time.time())))
    stale = Delivery(timestamp=str(int(time.time() - 2 * DEFAULT_TOLERANCE)))

    assert verify(SECRET, fresh.headers(), fresh.body).delivery_id == fresh.delivery_id
    with pytest.raises(WebhookVerificationError) as caught:
        verify(SECRET, stale.headers(), stale.body)
    assert caught.value.reason is Reason.TIMESTAMP_TOO_OLD
