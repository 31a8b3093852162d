"""MLflow's store overloads answered as 400/500 are transient; real caller mistakes stay final."""

from __future__ import annotations

import json

import pytest

from mlflow_rest_sdk._runtime.disguised import DISGUISED_TRANSIENTS, disguised_transient
from mlflow_rest_sdk._runtime.load_limit import Signal, signal_of
from mlflow_rest_sdk._runtime.recovery import AttemptLog
from mlflow_rest_sdk._runtime.retry import outcome_is_retryable
from mlflow_rest_sdk._runtime.transport import HttpResponse

# Recorded from a 1-worker MLflow 3.17.2 server (sqlite) under a burst of 150 create_run calls.
POOL_TIMEOUT = (
    b'{"error_code": "BAD_REQUEST", "message": "QueuePool limit of size 5 overflow 10 reached, '
    b"connection timed out, timeout 30.00 (Background on this error at: "
    b'https://sqlalche.me/e/21/3o7r)", "sqlstate": "KAM00", "error_class": '
    b'"INVALID_PARAMETER_VALUE"}'
)


def mlflow_error(status: int, code: str, message: str) -> HttpResponse:
    body = json.dumps({"error_code": code, "message": message}).encode()
    return HttpResponse(status, {"content-type": "application/json"}, body)


# The driver's text as MLflow passes it on (psycopg2 and sqlite3 wording); the last three as
# MLflow 3.17.2 answered them live (tests/production/test_*_lock_errors.py), which 2.0.x servers
# send as 400 BAD_REQUEST.
DRIVER_TEXTS = {
    "database connection refused": "(psycopg2.OperationalError) connection to server at "
    '"127.0.0.1", port 5432 failed: Connection refused',
    "postgresql connection slots exhausted": "(psycopg2.OperationalError) FATAL:  sorry, too many "
    "clients already",
    "sqlite database locked": "(sqlite3.OperationalError) database is locked",
    "postgresql deadlock": "(psycopg2.errors.DeadlockDetected) deadlock detected\nDETAIL:  "
    "Process 24887 waits for ShareLock on transaction 731; blocked by process 24882.",
    "postgresql serialization failure": "(raised as a result of Query-invoked autoflush; "
    "consider using a session.no_autoflush block if this flush is occurring prematurely)\n"
    "(psycopg2.errors.SerializationFailure) could not serialize access due to concurrent update",
}
LOCK_ERRORS = ("sqlite database locked", "postgresql deadlock", "postgresql serialization failure")


def test_the_recorded_pool_timeout_is_recognised_as_nothing_written() -> None:
    found = disguised_transient(HttpResponse(400, {}, POOL_TIMEOUT))
    assert found is not None
    assert (found.name, found.nothing_written) == ("sqlalchemy pool timeout", True)


@pytest.mark.parametrize("name", sorted(DRIVER_TEXTS))
@pytest.mark.parametrize(("status", "code"), [(400, "BAD_REQUEST"), (500, "INTERNAL_ERROR")])
def test_each_store_failure_is_recognised_by_its_text(name: str, status: int, code: str) -> None:
    found = disguised_transient(mlflow_error(status, code, DRIVER_TEXTS[name]))
    assert found is not None and found.name == name


def test_every_pattern_of_the_table_has_a_test() -> None:
    assert {t.name for t in DISGUISED_TRANSIENTS} == {*DRIVER_TEXTS, "sqlalchemy pool timeout"}


def test_an_ordinary_invalid_parameter_stays_a_caller_error() -> None:
    response = mlflow_error(400, "INVALID_PARAMETER_VALUE", "Invalid value for parameter")
    assert disguised_transient(response) is None
    assert not outcome_is_retryable(response, idempotent=True)


def test_overload_text_echoed_from_a_request_is_not_taken_for_overload() -> None:
    message = "Experiment name 'database is locked' is invalid"
    assert disguised_transient(mlflow_error(400, "INVALID_PARAMETER_VALUE", message)) is None


def test_a_pool_timeout_is_retried_even_for_a_create() -> None:
    assert outcome_is_retryable(HttpResponse(400, {}, POOL_TIMEOUT), idempotent=False)


def test_a_lock_error_is_retried_only_where_repeating_is_safe() -> None:
    locked = mlflow_error(400, "BAD_REQUEST", DRIVER_TEXTS["sqlite database locked"])
    assert outcome_is_retryable(locked, idempotent=True)
    assert not outcome_is_retryable(locked, idempotent=False)


def test_a_pool_timeout_leaves_a_create_unambiguous() -> None:
    attempts = AttemptLog()
    attempts.saw_response(HttpResponse(400, {}, POOL_TIMEOUT))
    assert not attempts.ambiguous


def test_a_lock_error_makes_a_create_ambiguous() -> None:
    attempts = AttemptLog()
    attempts.saw_response(mlflow_error(500, "INTERNAL_ERROR", DRIVER_TEXTS["postgresql deadlock"]))
    assert attempts.ambiguous


@pytest.mark.parametrize("name", LOCK_ERRORS)
def test_a_lock_error_answered_503_as_3_17_2_does_is_no_disguise(name: str) -> None:
    answered = mlflow_error(503, "TEMPORARILY_UNAVAILABLE", DRIVER_TEXTS[name])
    assert disguised_transient(answered) is None
    assert signal_of(answered) is Signal.OVERLOAD


@pytest.mark.parametrize("name", LOCK_ERRORS)
def test_a_lock_error_answered_503_is_sent_again_even_for_a_create(name: str) -> None:
    """3.17.2 rolled the store's session back: nothing was written (seen live)."""
    answered = mlflow_error(503, "TEMPORARILY_UNAVAILABLE", DRIVER_TEXTS[name])
    assert outcome_is_retryable(answered, idempotent=False)


@pytest.mark.parametrize("name", LOCK_ERRORS)
def test_a_lock_error_answered_503_leaves_a_create_unambiguous(name: str) -> None:
    attempts = AttemptLog()
    attempts.saw_response(mlflow_error(503, "TEMPORARILY_UNAVAILABLE", DRIVER_TEXTS[name]))
    assert not attempts.ambiguous
