"""Wire rules shared by every client and transport, specified without a server."""

from __future__ import annotations

import json

import pytest

from mlflow_rest_sdk._generated import endpoints as e
from mlflow_rest_sdk._generated.errors import ERROR_TYPES
from mlflow_rest_sdk._runtime.transport import HttpResponse, Timeouts
from mlflow_rest_sdk._runtime.wire import (
    build_http_request,
    call_timeouts,
    coerce_request,
    decode_response,
    encode_query,
    error_from_response,
)
from mlflow_rest_sdk.errors import (
    InvalidParameterValue,
    MlflowApiError,
    NotFound,
    PermissionDenied,
    RequestValidationError,
    ResourceDoesNotExist,
    ServiceUnavailable,
    Unauthenticated,
)
from mlflow_rest_sdk.models import (
    CreateExperiment,
    CreateWebhook,
    GetRun,
    GetRunResponse,
    LogMetric,
    SearchExperiments,
    SearchExperimentsResponse,
    SetTag,
    ViewType,
)

BASE = "http://mlflow.test:5000"


def test_repeated_query_fields_become_repeated_keys_in_order() -> None:
    assert encode_query({"experiment_ids": ["3", "1", "2"], "max_results": 5}) == [
        ("experiment_ids", "3"),
        ("experiment_ids", "1"),
        ("experiment_ids", "2"),
        ("max_results", "5"),
    ]


def test_query_booleans_are_lower_case_words() -> None:
    assert encode_query({"a": True, "b": False}) == [("a", "true"), ("b", "false")]


def test_query_non_finite_floats_use_protobuf_spelling() -> None:
    pairs = encode_query({"x": float("nan"), "y": float("inf"), "z": float("-inf")})
    assert pairs == [("x", "NaN"), ("y", "Infinity"), ("z", "-Infinity")]


def test_get_requests_carry_fields_in_the_query_and_no_body() -> None:
    message = SearchExperiments(max_results=10, view_type=ViewType.ALL)
    request = build_http_request(
        e.SEARCH_EXPERIMENTS_GET, message, base_url=BASE, headers={}, timeouts=Timeouts()
    )
    assert request.method == "GET"
    assert request.content is None
    assert list(request.params) == [("max_results", "10"), ("view_type", "ALL")]
    assert request.url == f"{BASE}/api/2.0/mlflow/experiments/search"


def test_post_requests_send_only_the_fields_that_were_set_as_json() -> None:
    message = SearchExperiments(filter="name = 'x'")
    request = build_http_request(
        e.SEARCH_EXPERIMENTS, message, base_url=BASE, headers={}, timeouts=Timeouts()
    )
    assert json.loads(request.content or b"") == {"filter": "name = 'x'"}
    assert request.headers["Content-Type"] == "application/json"


def test_nan_metric_values_are_sent_as_the_string_nan() -> None:
    message = LogMetric(run_id="r", key="k", value=float("nan"), timestamp=1, step=0)
    request = build_http_request(
        e.LOG_METRIC, message, base_url=BASE, headers={}, timeouts=Timeouts()
    )
    assert json.loads(request.content or b"")["value"] == "NaN"


def test_int64_values_beyond_double_precision_are_sent_exactly() -> None:
    message = LogMetric(run_id="r", key="k", value=1.0, timestamp=2**62 + 1, step=0)
    request = build_http_request(
        e.LOG_METRIC, message, base_url=BASE, headers={}, timeouts=Timeouts()
    )
    assert b'"timestamp":4611686018427387905' in (request.content or b"")


def test_a_base_url_with_a_path_prefix_is_kept() -> None:
    message = coerce_request(e.GET_RUN, GetRun, None, {"run_id": "r1"})
    request = build_http_request(
        e.GET_RUN, message, base_url="https://host/mlflow/", headers={}, timeouts=Timeouts()
    )
    assert request.url == "https://host/mlflow/api/2.0/mlflow/runs/get"


def test_a_request_object_and_keyword_fields_together_are_refused() -> None:
    with pytest.raises(RequestValidationError, match="either a request object or keyword"):
        coerce_request(
            e.SEARCH_EXPERIMENTS, SearchExperiments, SearchExperiments(), {"max_results": 1}
        )


def test_a_mapping_is_accepted_as_the_request() -> None:
    message = coerce_request(e.SEARCH_EXPERIMENTS, SearchExperiments, {"max_results": 3}, {})
    assert message.max_results == 3


def test_responses_accept_int64_as_strings_or_numbers() -> None:
    for raw in (b'{"run": {"info": {"start_time": "1700000000000"}}}',
                b'{"run": {"info": {"start_time": 1700000000000}}}'):  # fmt: skip
        response = HttpResponse(200, {}, raw)
        run = decode_response(e.GET_RUN, response, GetRunResponse, ERROR_TYPES)
        assert run.run.info.start_time == 1700000000000


def test_responses_keep_fields_a_newer_server_added() -> None:
    response = HttpResponse(200, {}, b'{"experiments": [], "shiny_new": 1}')
    decoded = decode_response(
        e.SEARCH_EXPERIMENTS, response, SearchExperimentsResponse, ERROR_TYPES
    )
    assert decoded.model_extra == {"shiny_new": 1}


def test_an_empty_2xx_body_is_an_empty_response() -> None:
    decoded = decode_response(e.SEARCH_EXPERIMENTS, HttpResponse(200, {}, b""),
                              SearchExperimentsResponse, ERROR_TYPES)  # fmt: skip
    assert decoded.experiments == []


def _error(status: int, body: bytes) -> MlflowApiError:
    return error_from_response("op", HttpResponse(status, {}, body), ERROR_TYPES)


def test_error_code_picks_the_specific_class_under_its_status_family() -> None:
    error = _error(404, b'{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run x not found"}')
    assert isinstance(error, ResourceDoesNotExist)
    assert isinstance(error, NotFound)
    assert (error.status_code, error.error_code, error.message) == (
        404, "RESOURCE_DOES_NOT_EXIST", "Run x not found",
    )  # fmt: skip


def test_invalid_parameter_value_maps_to_its_class() -> None:
    assert isinstance(
        _error(400, b'{"error_code": "INVALID_PARAMETER_VALUE"}'), InvalidParameterValue
    )


def test_401_without_mlflow_json_is_unauthenticated() -> None:
    error = _error(401, b"<html>You are not authenticated</html>")
    assert isinstance(error, Unauthenticated)
    assert "credentials" in str(error)


def test_403_without_mlflow_json_is_permission_denied() -> None:
    assert isinstance(_error(403, b"Permission denied"), PermissionDenied)


def test_an_unknown_error_code_still_raises_a_clear_api_error() -> None:
    error = _error(418, b'{"error_code": "TEAPOT_OVERFLOW", "message": "short and stout"}')
    assert type(error) is MlflowApiError
    assert str(error) == "op: HTTP 418 TEAPOT_OVERFLOW: short and stout"


def test_a_503_html_page_is_service_unavailable_with_a_readable_message() -> None:
    error = _error(503, b"<h1>Service   Unavailable</h1>\n\n")
    assert isinstance(error, ServiceUnavailable)
    assert error.message == "<h1>Service Unavailable</h1>"


def test_a_per_call_timeout_bounds_every_phase() -> None:
    assert call_timeouts(Timeouts(), 2.0) == Timeouts(connect=2.0, read=2.0, write=2.0, pool=2.0)
    assert call_timeouts(Timeouts(read=7.0), None) == Timeouts(read=7.0)


def test_search_experiments_sends_a_max_results_the_server_accepts_when_none_is_given() -> None:
    message = coerce_request(e.SEARCH_EXPERIMENTS, SearchExperiments, None, {})
    assert message.to_wire() == {"max_results": 1000}


def test_a_caller_chosen_max_results_is_kept() -> None:
    message = coerce_request(e.SEARCH_EXPERIMENTS, SearchExperiments, None, {"max_results": 7})
    assert message.to_wire() == {"max_results": 7}


def test_an_unknown_enum_name_in_a_request_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(RequestValidationError, match=r"`view_type` 'all' is not a ViewType"):
        coerce_request(e.SEARCH_EXPERIMENTS, SearchExperiments, None, {"view_type": "all"})


def test_an_unknown_enum_name_nested_in_a_list_is_refused_with_its_path() -> None:
    fields = {"name": "w", "url": "http://x", "events": [{"entity": "model_version"}]}
    with pytest.raises(RequestValidationError, match=r"`events\.0\.entity`"):
        coerce_request(e.CREATE_WEBHOOK, CreateWebhook, None, fields)


def test_enum_fields_accept_proto_numbers() -> None:
    message = coerce_request(e.SEARCH_EXPERIMENTS, SearchExperiments, None, {"view_type": 3})
    assert message.view_type is ViewType.ALL


def test_an_empty_required_name_is_refused_before_sending() -> None:
    with pytest.raises(RequestValidationError, match="`name` must not be empty"):
        coerce_request(e.CREATE_EXPERIMENT, CreateExperiment, None, {"name": "  "})


def test_an_empty_tag_value_is_allowed() -> None:
    message = coerce_request(e.SET_TAG, SetTag, None, {"run_id": "r", "key": "k", "value": ""})
    assert message.to_wire()["value"] == ""
