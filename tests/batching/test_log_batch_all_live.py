"""``log_batch_all`` against the real server, on every transport: values past every limit are
split into requests the server takes, and all of them are stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.batching import MAX_PARAM_VALUE_LENGTH, MAX_TAG_VALUE_LENGTH, BatchLoggingError
from mlflow_rest_sdk.batching.losses import NOT_SENT
from mlflow_rest_sdk.errors import InvalidParameterValue

from .conftest import metric_history, stored_params_and_tags
from .gates import InFlightProbe


def test_values_past_every_count_limit_are_all_stored(
    api: MlflowClient, client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    requests = api.log_batch_all(
        run_id,
        metrics=[{"key": f"m{i % 2}", "value": i, "step": i // 2} for i in range(2001)],
        params=[{"key": f"p{i}", "value": str(i)} for i in range(101)],
        tags=[{"key": f"t{i}", "value": str(i)} for i in range(101)],
    )
    assert requests == 3  # 100 tags + 100 params + 800 metrics, then 1 + 1 + 998, then 203
    params, tags = stored_params_and_tags(client, run_id)
    assert params == {f"p{i}": str(i) for i in range(101)}
    assert all(tags[f"t{i}"] == str(i) for i in range(101))
    assert [m.value for m in metric_history(client, run_id, "m0")] == [
        float(i) for i in range(0, 2001, 2)
    ]
    assert len(metric_history(client, run_id, "m1")) == 1000


def test_values_past_one_megabyte_are_split_and_stored_intact(
    api: MlflowClient, client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    tags = [{"key": f"t{i}", "value": chr(0x4E00 + i) * MAX_TAG_VALUE_LENGTH} for i in range(100)]
    params = [
        {"key": f"p{i}", "value": chr(0x4E00 + i) * MAX_PARAM_VALUE_LENGTH} for i in range(100)
    ]
    # 1.4 million characters, 4.2 MB as UTF-8: five requests at most 1 MB each.
    assert api.log_batch_all(run_id, params=params, tags=tags) == 5
    stored_params, stored_tags = stored_params_and_tags(client, run_id)
    assert stored_params == {p["key"]: p["value"] for p in params}
    assert all(stored_tags[t["key"]] == t["value"] for t in tags)


def test_a_tag_set_twice_keeps_the_later_value_across_requests(
    api: MlflowClient, client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    tags = [{"key": "phase", "value": "warmup"}]
    tags += [{"key": f"t{i}", "value": "x"} for i in range(150)]
    tags += [{"key": "phase", "value": "train"}]  # lands in the second request
    api.log_batch_all(run_id, tags=tags)
    _, stored_tags = stored_params_and_tags(client, run_id)
    assert stored_tags["phase"] == "train"


def test_a_deleted_run_raises_naming_what_was_not_stored(
    api: MlflowClient, client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    client.delete_run(run_id=run_id)
    with pytest.raises(BatchLoggingError) as caught:
        api.log_batch_all(
            run_id,
            metrics=[{"key": "loss", "value": 0.5, "step": i} for i in range(1500)],
            params=[{"key": "lr", "value": "0.1"}],
        )
    lost = caught.value
    assert lost.metric_keys == ["loss"] and lost.param_keys == ["lr"]
    assert sum(group.metrics["loss"].count for group in lost.lost) == 1500
    # The first request was refused; the blocking client then stops, the asyncio client may
    # already have sent the second one (its order does not matter), which is refused too.
    assert "'active' state. Current state is deleted" in lost.lost[0].reason
    assert all(
        group is lost.lost[0] or group.reason == NOT_SENT or "'active' state" in group.reason
        for group in lost.lost
    )
    assert isinstance(lost.__cause__, InvalidParameterValue)


def test_the_generated_log_batch_still_sends_one_request_as_given(
    api: MlflowClient, new_run: Callable[[], str]
) -> None:
    """The server's limits are real: one request past them is refused, not split."""
    metrics = [{"key": "m", "value": 1.0, "timestamp": 1, "step": i} for i in range(1001)]
    with pytest.raises(InvalidParameterValue, match="at most 1000 metrics"):
        api.log_batch(run_id=new_run(), metrics=metrics)


def test_the_blocking_client_keeps_several_requests_in_flight(
    tracking_uri: str, client: MlflowClient, new_run: Callable[[], str]
) -> None:
    run_id = new_run()
    logged = [{"key": "loss", "value": i, "step": i} for i in range(4000)]
    # The helper's own bound is under test, not the load limit (which starts a client at 1).
    with MlflowClient(
        tracking_uri, transport=InFlightProbe(expected=4), load_limit="off"
    ) as probed:
        assert probed.log_batch_all(run_id, metrics=logged, max_concurrency=4) == 4
    assert [m.step for m in metric_history(client, run_id, "loss")] == list(range(4000))


@pytest.mark.parametrize("max_concurrency", [0, -1, 1.5, True])
def test_a_bad_max_concurrency_is_refused_before_anything_is_sent(
    api: MlflowClient, new_run: Callable[[], str], max_concurrency: Any
) -> None:
    with pytest.raises(ValueError, match="max_concurrency must be a positive integer"):
        api.log_batch_all(
            new_run(), metrics=[{"key": "a", "value": 1}], max_concurrency=max_concurrency
        )
