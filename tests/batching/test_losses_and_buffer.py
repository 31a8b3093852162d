"""The no-I/O parts of the run loggers: pending values, params, and reports of what was lost."""

from __future__ import annotations

import pytest

from mlflow_rest_sdk.batching import BatchLoggingError, RunLoggerSettings
from mlflow_rest_sdk.batching.buffer import ParamBook, PendingValues
from mlflow_rest_sdk.batching.losses import MAX_REASONS, LossLedger
from mlflow_rest_sdk.errors import RequestValidationError
from mlflow_rest_sdk.models import LogBatch, Metric, Param, RunTag

RUN_ID = "0123456789abcdef0123456789abcdef"


def metric(step: int, key: str = "loss") -> Metric:
    return Metric(key=key, value=0.5, timestamp=1, step=step)


def test_pending_values_are_full_at_the_batch_size() -> None:
    pending = PendingValues(RUN_ID, RunLoggerSettings(batch_size=3))
    for step in range(2):
        pending.add(metric(step), now=0.0)
    assert not pending.full
    pending.add(Param(key="lr", value="0.1"), now=0.0)
    assert pending.full


def test_pending_values_are_full_at_100_tags_whatever_the_batch_size() -> None:
    pending = PendingValues(RUN_ID, RunLoggerSettings(batch_size=1000))
    for i in range(100):
        pending.add(RunTag(key=f"t{i}", value="v"), now=0.0)
    assert pending.full


def test_pending_values_are_due_a_flush_interval_after_the_first_one() -> None:
    pending = PendingValues(RUN_ID, RunLoggerSettings(flush_interval=2.0))
    assert pending.seconds_until_due(now=10.0) is None
    pending.add(metric(0), now=10.0)
    pending.add(metric(1), now=11.5)
    assert pending.seconds_until_due(now=11.5) == pytest.approx(0.5)
    assert pending.seconds_until_due(now=13.0) == 0.0


def test_taking_pending_values_packs_them_and_empties_the_buffer() -> None:
    pending = PendingValues(RUN_ID, RunLoggerSettings(batch_size=2))
    for step in range(3):
        pending.add(metric(step), now=0.0)
    batches = pending.take()
    assert [len(b.metrics) for b in batches] == [2, 1]
    assert len(pending) == 0 and pending.seconds_until_due(now=0.0) is None


def test_a_param_repeated_with_the_same_value_is_admitted_once() -> None:
    book = ParamBook()
    assert book.admit(Param(key="lr", value="0.1"))
    assert not book.admit(Param(key="lr", value="0.1"))


def test_a_param_changed_is_refused_without_showing_its_values() -> None:
    book = ParamBook()
    book.admit(Param(key="token_budget", value="secret-1"))
    with pytest.raises(RequestValidationError, match="'token_budget' was already logged") as caught:
        book.admit(Param(key="token_budget", value="secret-2"))
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("batch_size", 0, "batch_size must be a positive integer"),
        ("batch_size", 1001, "exceeds the 1000 entities"),
        ("flush_interval", 0, "flush_interval must be > 0"),
        ("max_queue_size", 0, "max_queue_size must be a positive integer"),
        ("max_concurrency", -1, "max_concurrency must be a positive integer"),
    ],
)
def test_bad_logger_settings_are_refused_naming_the_setting(
    setting: str, value: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        RunLoggerSettings(**{setting: value})  # type: ignore[arg-type]


def test_nothing_recorded_raises_nothing() -> None:
    assert LossLedger().take(RUN_ID) is None


def test_a_loss_report_names_keys_steps_and_the_reason() -> None:
    ledger = LossLedger()
    refusal = ValueError("run is deleted")
    ledger.record(
        LogBatch(
            run_id=RUN_ID,
            metrics=[metric(s) for s in range(3, 8)] + [metric(2, key="acc")],
            params=[Param(key="lr", value="0.1")],
            tags=[RunTag(key="phase", value="x")],
        ),
        refusal,
    )
    error = ledger.take(RUN_ID)
    assert isinstance(error, BatchLoggingError)
    assert str(error) == (
        f"1 log-batch request for run '{RUN_ID}' could not be stored:\n"
        "  - metrics 'loss' (5 values, steps 3..7), 'acc' (1 value, step 2); params 'lr'; "
        "tags 'phase' -- because ValueError: run is deleted"
    )
    assert error.__cause__ is refusal
    assert (error.metric_keys, error.param_keys, error.tag_keys) == (
        ["loss", "acc"],
        ["lr"],
        ["phase"],
    )
    assert ledger.take(RUN_ID) is None  # reported once


def test_a_loss_report_never_shows_values() -> None:
    ledger = LossLedger()
    ledger.record(LogBatch(run_id=RUN_ID, params=[Param(key="api", value="hunter2")]), "refused")
    assert "hunter2" not in str(ledger.take(RUN_ID))


def test_losses_stay_bounded_however_many_reasons_and_values() -> None:
    ledger = LossLedger()
    for i in range(1000):
        ledger.record(LogBatch(run_id=RUN_ID, metrics=[metric(i)] * 100), f"reason {i}")
    error = ledger.take(RUN_ID)
    assert error is not None and len(error.lost) == MAX_REASONS
    assert sum(group.metrics["loss"].count for group in error.lost) == 100_000
    assert sum(group.requests for group in error.lost) == 1000
