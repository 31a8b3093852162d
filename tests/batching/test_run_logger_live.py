"""The blocking client's run logger against the real server: nothing lost, memory bounded,
failures named."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.batching import BatchLoggingError, LoggerClosedError
from mlflow_rest_sdk.errors import RequestValidationError

from .conftest import metric_history, stored_params_and_tags
from .gates import GatedTransport, InFlightProbe

#: 100,000 values: 10 keys x 10,000 steps (two history pages of 5,000 per key to read back).
KEYS, STEPS = 10, 10_000


def test_100k_metrics_through_the_logger_are_all_stored(
    client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    with client.run_logger(run_id) as logger:
        for step in range(STEPS):
            for k in range(KEYS):
                logger.log_metric(f"metric_{k}", step + k / 100, step=step)
    with ThreadPoolExecutor(2) as pool:  # the server has two workers
        histories = list(
            pool.map(lambda k: metric_history(client, run_id, f"metric_{k}"), range(KEYS))
        )
    for k, history in enumerate(histories):
        assert sorted((m.step, m.value) for m in history) == [
            (step, step + k / 100) for step in range(STEPS)
        ]


def test_params_and_tags_through_the_logger_are_stored(
    client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    with client.run_logger(run_id, batch_size=50) as logger:
        logger.log_params({f"p{i}": i for i in range(120)})
        logger.log_param("p0", 0)  # the same value again: ignored, not an error
        for i in range(130):
            logger.set_tag("phase", f"epoch-{i}")
    params, tags = stored_params_and_tags(client, run_id)
    assert params == {f"p{i}": str(i) for i in range(120)}
    assert tags["phase"] == "epoch-129"


def test_the_logger_keeps_several_requests_in_flight(
    tracking_uri: str, client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    with (
        # The logger's own bound is under test, not the load limit (which starts at 1).
        MlflowClient(tracking_uri, transport=InFlightProbe(expected=3), load_limit="off") as probed,
        probed.run_logger(run_id, batch_size=500, max_concurrency=3) as logger,
    ):
        for step in range(1500):
            logger.log_metric("loss", step / 10, step=step)
    assert [m.step for m in metric_history(client, run_id, "loss")] == list(range(1500))


def test_values_are_sent_after_the_flush_interval_without_a_flush(
    client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    with client.run_logger(run_id, flush_interval=0.2) as logger:
        logger.log_metric("loss", 0.5, step=1)
        deadline = time.monotonic() + 30
        while not metric_history(client, run_id, "loss"):
            assert time.monotonic() < deadline, "the value was never sent"
            time.sleep(0.1)


def test_several_threads_can_log_at_once(client: MlflowClient, new_run: Callable[[], str]) -> None:
    run_id = new_run()
    with client.run_logger(run_id, batch_size=300, max_queue_size=100) as logger:

        def produce(worker: int) -> None:
            for step in range(1500):
                logger.log_metric(f"worker_{worker}", float(step), step=step)

        threads = [threading.Thread(target=produce, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for worker in range(4):
        assert len(metric_history(client, run_id, f"worker_{worker}")) == 1500


def test_log_metric_blocks_when_the_queue_is_full(
    tracking_uri: str, new_run: Callable[[], str], client: MlflowClient
) -> None:
    run_id = new_run()
    transport = GatedTransport()
    accepted = 0
    with (
        MlflowClient(tracking_uri, transport=transport) as gated,
        gated.run_logger(
            run_id, batch_size=2, max_queue_size=4, flush_interval=60, max_concurrency=2
        ) as logger,
    ):

        def produce() -> None:
            nonlocal accepted
            for step in range(20):
                logger.log_metric("loss", float(step), step=step)
                accepted += 1

        producer = threading.Thread(target=produce)
        producer.start()
        deadline = time.monotonic() + 30
        while accepted < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # time enough to take more, if it could
        # Two batches of 2 held in flight, one packed and waiting for a free sender, 4 waiting
        # in the queue: nothing more.
        assert producer.is_alive()
        assert accepted == 10
        transport.gate.set()
        producer.join(timeout=60)
        assert accepted == 20
    assert len(metric_history(client, run_id, "loss")) == 20


def test_flush_on_a_deleted_run_raises_naming_the_lost_keys(
    client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    client.delete_run(run_id=run_id)
    logger = client.run_logger(run_id)
    for step in range(5):
        logger.log_metric("loss", 1.0 / (step + 1), step=step)
    logger.log_param("lr", 0.01)
    with pytest.raises(
        BatchLoggingError, match=r"metrics 'loss' \(5 values, steps 0..4\)"
    ) as caught:
        logger.flush()
    assert caught.value.param_keys == ["lr"]
    assert "'active' state" in str(caught.value)
    logger.close()  # the loss was reported once; nothing else is pending


def test_leaving_the_block_with_an_error_keeps_that_error_and_notes_the_loss(
    client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    client.delete_run(run_id=run_id)
    with pytest.raises(KeyError) as caught, client.run_logger(run_id) as logger:
        logger.log_metric("loss", 1.0)
        raise KeyError("training failed")
    assert any("metrics 'loss' (1 value, step 0)" in note for note in caught.value.__notes__)


def test_a_changed_param_is_refused_at_once(
    client: MlflowClient, new_run: Callable[[], str]
) -> None:
    with client.run_logger(new_run()) as logger:
        logger.log_param("lr", 0.1)
        with pytest.raises(RequestValidationError, match="'lr' was already logged"):
            logger.log_param("lr", 0.2)


def test_a_bad_value_is_refused_at_the_callers_line(
    client: MlflowClient, new_run: Callable[[], str]
) -> None:
    with client.run_logger(new_run()) as logger:
        with pytest.raises(RequestValidationError, match="must be a real number"):
            logger.log_metric("loss", "high")  # type: ignore[arg-type]
        with pytest.raises(RequestValidationError, match="251 characters"):
            logger.set_tag("t" * 251, "x")


def test_logging_after_close_is_refused(client: MlflowClient, new_run: Callable[[], str]) -> None:
    logger = client.run_logger(new_run())
    logger.close()
    with pytest.raises(LoggerClosedError, match="closed"):
        logger.log_metric("loss", 1.0)
