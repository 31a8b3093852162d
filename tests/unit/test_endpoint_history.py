"""The generated endpoint table carries the release history the client checks a server against."""

from __future__ import annotations

from mlflow_rest_sdk.endpoints import ALL_ENDPOINTS, OLDEST_RELEASE, Endpoint


def _endpoint(operation: str) -> Endpoint:
    return next(e for e in ALL_ENDPOINTS if e.operation == operation)


def test_an_endpoint_records_the_first_release_that_serves_it() -> None:
    assert _endpoint("create_logged_model").first_release == "3.0.0"
    assert _endpoint("create_webhook").first_release == "3.3.0"
    assert _endpoint("create_run").first_release == "2.0.0"


def test_request_fields_younger_than_their_endpoint_carry_their_first_release() -> None:
    later = dict(_endpoint("log_metric").later_fields)
    assert later == {"model_id": "3.0.0", "dataset_name": "3.0.0", "dataset_digest": "3.0.0"}


def test_younger_fields_of_nested_request_messages_are_dotted_paths() -> None:
    later = dict(_endpoint("log_batch").later_fields)
    assert later["metrics.model_id"] == "3.0.0"
    assert "metrics.key" not in later


def test_a_younger_field_is_listed_once_not_with_each_of_its_parts() -> None:
    assert _endpoint("log_inputs").later_fields == (("models", "3.0.0"),)


def test_the_table_names_the_oldest_release_of_the_history() -> None:
    assert OLDEST_RELEASE == "2.0.0"


def test_fields_that_left_and_came_back_carry_their_gap() -> None:
    assert ("request_id", "3.3.0", "3.7.0") in _endpoint("delete_trace_tag").field_gaps
