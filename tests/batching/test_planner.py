"""The batch planner: every request within MLflow's limits, nothing dropped, order kept."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlflow_rest_sdk.batching import (
    MAX_KEY_LENGTH,
    MAX_PARAM_VALUE_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    SERVER_LIMITS,
    BatchLimits,
    plan_log_batches,
)
from mlflow_rest_sdk.batching.planner import PlannedLogBatch, split_by_order
from mlflow_rest_sdk.errors import RequestValidationError
from mlflow_rest_sdk.models import LogBatch, Metric, Param, RunTag

RUN_ID = "0123456789abcdef0123456789abcdef"


def metrics(count: int, key: str = "loss") -> list[dict[str, Any]]:
    return [
        {"key": key, "value": i / 7, "timestamp": 1_700_000_000_000, "step": i}
        for i in range(count)
    ]


def params(count: int, value: str = "v") -> list[dict[str, Any]]:
    return [{"key": f"param_{i}", "value": value} for i in range(count)]


def tags(count: int, value: str = "v") -> list[dict[str, Any]]:
    return [{"key": f"tag_{i}", "value": value} for i in range(count)]


def shape(batches: Sequence[LogBatch]) -> list[tuple[int, int, int]]:
    return [(len(b.metrics), len(b.params), len(b.tags)) for b in batches]


def wire_size(batch: LogBatch) -> int:
    return len(batch.to_wire_json())


# -- counts: at each limit and just past it ---------------------------------------------------


def test_1000_metrics_fit_in_one_request() -> None:
    assert shape(plan_log_batches(RUN_ID, metrics=metrics(1000))) == [(1000, 0, 0)]


def test_1001_metrics_take_two_requests_in_order() -> None:
    batches = plan_log_batches(RUN_ID, metrics=metrics(1001))
    assert shape(batches) == [(1000, 0, 0), (1, 0, 0)]
    assert [m.step for b in batches for m in b.metrics] == list(range(1001))


def test_100_params_fit_in_one_request() -> None:
    assert shape(plan_log_batches(RUN_ID, params=params(100))) == [(0, 100, 0)]


def test_101_params_take_two_requests() -> None:
    batches = plan_log_batches(RUN_ID, params=params(101))
    assert shape(batches) == [(0, 100, 0), (0, 1, 0)]
    assert batches[1].params[0].key == "param_100"


def test_100_tags_fit_in_one_request() -> None:
    assert shape(plan_log_batches(RUN_ID, tags=tags(100))) == [(0, 0, 100)]


def test_101_tags_take_two_requests() -> None:
    batches = plan_log_batches(RUN_ID, tags=tags(101))
    assert shape(batches) == [(0, 0, 100), (0, 0, 1)]
    assert batches[1].tags[0].key == "tag_100"


def test_1000_entities_of_mixed_kinds_fit_in_one_request() -> None:
    batches = plan_log_batches(RUN_ID, metrics=metrics(800), params=params(100), tags=tags(100))
    assert shape(batches) == [(800, 100, 100)]


def test_1001_entities_of_mixed_kinds_take_two_requests() -> None:
    batches = plan_log_batches(RUN_ID, metrics=metrics(801), params=params(100), tags=tags(100))
    assert shape(batches) == [(800, 100, 100), (1, 0, 0)]


def test_no_values_make_no_requests() -> None:
    assert plan_log_batches(RUN_ID) == []


# -- bytes: 1 MB (10**6 bytes, as MLflow counts) of JSON body ----------------------------------


def values_of_body_size(target: int) -> dict[str, list[dict[str, Any]]]:
    """100 long tags and enough long params that their single request is ``target`` bytes."""
    chosen = {"tags": tags(100, value="t" * MAX_TAG_VALUE_LENGTH), "params": []}
    while wire_size(LogBatch(run_id=RUN_ID, **chosen)) < target:
        chosen["params"].append({"key": f"param_{len(chosen['params'])}", "value": "p" * 6000})
    excess = wire_size(LogBatch(run_id=RUN_ID, **chosen)) - target
    last = chosen["params"][-1]
    last["value"] = last["value"][: len(last["value"]) - excess]
    assert wire_size(LogBatch(run_id=RUN_ID, **chosen)) == target
    return chosen


def test_a_body_of_exactly_one_megabyte_is_one_request() -> None:
    values = values_of_body_size(1_000_000)
    (batch,) = plan_log_batches(RUN_ID, params=values["params"], tags=values["tags"])
    assert wire_size(batch) == 1_000_000


def test_a_body_one_byte_over_one_megabyte_takes_two_requests() -> None:
    values = values_of_body_size(1_000_001)
    batches = plan_log_batches(RUN_ID, params=values["params"], tags=values["tags"])
    assert len(batches) == 2
    assert all(wire_size(b) <= 1_000_000 for b in batches)
    assert [p.key for b in batches for p in b.params] == [p["key"] for p in values["params"]]
    assert [t.key for b in batches for t in b.tags] == [t["key"] for t in values["tags"]]


def test_the_body_size_counts_utf8_bytes_not_characters() -> None:
    # 100 tags of 8000 three-byte characters: 2.4 MB although only 800,000 characters.
    batches = plan_log_batches(RUN_ID, tags=tags(100, value="€" * MAX_TAG_VALUE_LENGTH))
    assert len(batches) == 3
    assert all(wire_size(b) <= 1_000_000 for b in batches)


# -- values that can never be stored are refused, naming the item and the limit --------------


def test_a_param_value_over_the_server_limit_is_refused() -> None:
    too_long = [*params(2), {"key": "notes", "value": "x" * (MAX_PARAM_VALUE_LENGTH + 1)}]
    with pytest.raises(RequestValidationError, match=r"params\[2\].*'notes'.*6001.*at most 6000"):
        plan_log_batches(RUN_ID, params=too_long)


def test_a_param_value_at_the_server_limit_is_accepted() -> None:
    (batch,) = plan_log_batches(
        RUN_ID, params=[{"key": "notes", "value": "x" * MAX_PARAM_VALUE_LENGTH}]
    )
    assert batch.params[0].value == "x" * MAX_PARAM_VALUE_LENGTH


def test_a_tag_value_over_the_server_limit_is_refused() -> None:
    with pytest.raises(RequestValidationError, match=r"tags\[0\].*8001.*at most 8000"):
        plan_log_batches(RUN_ID, tags=[{"key": "t", "value": "x" * (MAX_TAG_VALUE_LENGTH + 1)}])


def test_a_key_over_250_characters_is_refused() -> None:
    key = "k" * (MAX_KEY_LENGTH + 1)
    with pytest.raises(RequestValidationError, match=r"metrics\[1\].*251 characters.*at most 250"):
        plan_log_batches(RUN_ID, metrics=[*metrics(1), {"key": key, "value": 1, "timestamp": 0}])


def test_a_key_of_250_characters_is_accepted() -> None:
    (batch,) = plan_log_batches(RUN_ID, tags=[{"key": "k" * MAX_KEY_LENGTH, "value": ""}])
    assert len(batch.tags) == 1


@pytest.mark.parametrize("key", ["", "a/../b", "/abs", "a//b", "semi;colon", "new\nline"])
def test_a_key_the_server_refuses_is_refused_before_sending(key: str) -> None:
    with pytest.raises(RequestValidationError, match=r"params\[0\]"):
        plan_log_batches(RUN_ID, params=[{"key": key, "value": "v"}])


def test_a_misspelled_field_is_refused_naming_it() -> None:
    with pytest.raises(RequestValidationError, match=r"metrics\[0\]\.vaule.*not a field of Metric"):
        plan_log_batches(RUN_ID, metrics=[{"key": "a", "vaule": 1.0, "timestamp": 0}])


def test_a_metric_without_a_value_is_refused() -> None:
    with pytest.raises(RequestValidationError, match=r"metrics\[0\].*value is required"):
        plan_log_batches(RUN_ID, metrics=[{"key": "a", "timestamp": 0}])


def test_a_metric_without_a_timestamp_is_refused_when_there_is_no_default() -> None:
    with pytest.raises(RequestValidationError, match=r"metrics\[0\]\.timestamp.*required"):
        plan_log_batches(RUN_ID, metrics=[{"key": "a", "value": 1.0}])


def test_a_metric_without_timestamp_or_step_gets_the_defaults() -> None:
    (batch,) = plan_log_batches(
        RUN_ID, metrics=[{"key": "a", "value": 1.0}], default_timestamp=1234
    )
    assert (batch.metrics[0].timestamp, batch.metrics[0].step) == (1234, 0)


def test_an_item_that_is_neither_model_nor_mapping_is_refused() -> None:
    with pytest.raises(RequestValidationError, match=r"params\[0\].*Param or a mapping.*tuple"):
        plan_log_batches(RUN_ID, params=[("lr", "0.1")])  # type: ignore[list-item]


def test_a_missing_run_id_is_refused() -> None:
    with pytest.raises(RequestValidationError, match="run_id"):
        plan_log_batches("", metrics=metrics(1))


def test_an_item_larger_than_the_body_limit_by_itself_is_refused() -> None:
    limits = BatchLimits(max_body_bytes=200)
    with pytest.raises(RequestValidationError, match=r"params\[1\].*'param_1'.*at most 200 bytes"):
        plan_log_batches(
            RUN_ID, params=[*params(1), *params(2, value="x" * 300)[1:]], limits=limits
        )


# -- params: MLflow refuses a key twice in one request and never changes a value --------------


def test_a_param_repeated_with_the_same_value_is_sent_once() -> None:
    (batch,) = plan_log_batches(RUN_ID, params=[*params(2), {"key": "param_0", "value": "v"}])
    assert [p.key for p in batch.params] == ["param_0", "param_1"]


def test_a_param_repeated_with_another_value_is_refused() -> None:
    with pytest.raises(RequestValidationError, match=r"params\[2\].*'param_0'.*params\[0\]"):
        plan_log_batches(RUN_ID, params=[*params(2), {"key": "param_0", "value": "other"}])


# -- models and dicts, limits ------------------------------------------------------------------


def test_models_and_dicts_can_be_mixed() -> None:
    (batch,) = plan_log_batches(
        RUN_ID,
        metrics=[Metric(key="a", value=1.0, timestamp=5, step=1), *metrics(1)],
        params=[Param(key="p", value="1")],
        tags=[RunTag(key="t", value="x"), {"key": "u", "value": "y"}],
    )
    assert shape([batch]) == [(2, 1, 2)]


def test_the_limits_are_those_of_the_installed_mlflow() -> None:
    from mlflow.utils import validation

    installed = BatchLimits(
        max_metrics=validation.MAX_METRICS_PER_BATCH,
        max_params=validation.MAX_PARAMS_TAGS_PER_BATCH,
        max_tags=validation.MAX_PARAMS_TAGS_PER_BATCH,
        max_entities=validation.MAX_ENTITIES_PER_BATCH,
        max_body_bytes=validation.MAX_BATCH_LOG_REQUEST_SIZE,
    )
    assert installed == SERVER_LIMITS
    assert MAX_KEY_LENGTH == validation.MAX_ENTITY_KEY_LENGTH
    assert MAX_PARAM_VALUE_LENGTH == validation.MAX_PARAM_VAL_LENGTH
    assert MAX_TAG_VALUE_LENGTH == validation.MAX_TAG_VAL_LENGTH


def test_limits_above_the_servers_are_refused() -> None:
    with pytest.raises(ValueError, match="max_metrics=1001 exceeds the server's limit of 1000"):
        BatchLimits(max_metrics=1001)


def test_smaller_limits_are_respected() -> None:
    limits = BatchLimits(max_metrics=3, max_entities=4)
    batches = plan_log_batches(RUN_ID, metrics=metrics(7), tags=tags(2), limits=limits)
    assert shape(batches) == [(2, 0, 2), (3, 0, 0), (2, 0, 0)]


# -- properties over arbitrary inputs -----------------------------------------------------------

SEGMENT = st.text(st.sampled_from("ab_-. :é字"), min_size=1, max_size=5).filter(
    lambda segment: segment not in (".", "..")
)
KEY = (
    st.lists(SEGMENT, min_size=1, max_size=3)
    .map("/".join)
    .filter(lambda key: not key.startswith(".."))
)
VALUE = st.text(max_size=60)


@st.composite
def logged_values(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "metrics": draw(
            st.lists(
                st.builds(
                    Metric,
                    key=KEY,
                    value=st.floats(allow_nan=True, allow_infinity=True),
                    timestamp=st.integers(0, 2**63 - 1),
                    step=st.integers(-(2**63), 2**63 - 1),
                ),
                max_size=40,
            )
        ),
        "params": draw(
            st.lists(st.builds(Param, key=KEY, value=VALUE), max_size=15, unique_by=lambda p: p.key)
        ),
        "tags": draw(st.lists(st.builds(RunTag, key=KEY, value=VALUE), max_size=15)),
        "limits": BatchLimits(
            max_metrics=draw(st.integers(1, 12)),
            max_params=draw(st.integers(1, 5)),
            max_tags=draw(st.integers(1, 5)),
            max_entities=draw(st.integers(1, 15)),
            max_body_bytes=draw(st.integers(600, 3000)),
        ),
    }


def plan_drawn(values: dict[str, Any]) -> list[PlannedLogBatch]:
    return plan_log_batches(
        RUN_ID,
        metrics=values["metrics"],
        params=values["params"],
        tags=values["tags"],
        limits=values["limits"],
    )


@settings(max_examples=60, deadline=None)
@given(logged_values())
def test_every_request_is_within_limits_and_everything_is_sent_in_order(
    values: dict[str, Any],
) -> None:
    limits: BatchLimits = values["limits"]
    batches = plan_drawn(values)
    for batch in batches:
        assert 0 < len(batch.metrics) + len(batch.params) + len(batch.tags) <= limits.max_entities
        assert len(batch.metrics) <= limits.max_metrics
        assert len(batch.params) <= limits.max_params
        assert len(batch.tags) <= limits.max_tags
        assert wire_size(batch) <= limits.max_body_bytes
    assert [m for b in batches for m in b.metrics] == values["metrics"]
    assert [p for b in batches for p in b.params] == values["params"]
    assert [t for b in batches for t in b.tags] == values["tags"]


@settings(max_examples=40, deadline=None)
@given(logged_values())
def test_only_a_leading_run_of_requests_carries_tags(values: dict[str, Any]) -> None:
    batches = plan_drawn(values)
    ordered, unordered = split_by_order(batches)
    assert ordered + unordered == batches
    assert not any(b.tags for b in unordered)


# -- the body: written once by the planner, and the same the models' serializer writes --------


@settings(max_examples=60, deadline=None)
@given(logged_values())
def test_the_planned_body_is_what_the_models_serializer_writes(values: dict[str, Any]) -> None:
    batches = plan_drawn(values)
    for batch in batches:
        assert batch.to_wire_json() == LogBatch.to_wire_json(batch)


def test_a_metric_with_optional_fields_and_non_finite_values_keeps_them_on_the_wire() -> None:
    logged = [
        {"key": "a", "value": float("nan"), "timestamp": 1, "step": 0, "dataset_name": "train"},
        {"key": "b", "value": float("-inf"), "timestamp": 1, "step": 0, "model_id": "m-1"},
        {"key": "c", "value": 1e16, "timestamp": 1, "step": 0, "dataset_digest": None},
    ]
    (batch,) = plan_log_batches(RUN_ID, metrics=logged)
    assert batch.to_wire_json() == LogBatch.to_wire_json(batch)
    assert b'"NaN"' in batch.to_wire_json() and b'"dataset_digest"' not in batch.to_wire_json()


@pytest.mark.parametrize("model", [Metric, Param, RunTag])
def test_logged_item_models_are_flat_as_the_fast_serializer_assumes(model: type[Any]) -> None:
    """``wire_fields`` writes an item's ``__dict__``: no aliases, every default None."""
    for name, field in model.model_fields.items():
        assert field.alias in (None, name), f"{model.__name__}.{name} has an alias"
        assert field.default is None, f"{model.__name__}.{name} has a default"
