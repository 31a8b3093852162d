"""Reading a server's release and deciding what it serves: the pure rules of
``_runtime/server_release.py``, as tables."""

from __future__ import annotations

import pytest

from mlflow_rest_sdk._runtime.endpoint import Endpoint
from mlflow_rest_sdk._runtime.server_release import (
    Need,
    ServerRelease,
    needs_of,
    not_served,
    parse_release,
    refusal,
    serves,
)
from mlflow_rest_sdk._runtime.transport import HttpResponse
from mlflow_rest_sdk.errors import EndpointNotServed, NotFound, UnsupportedByServer
from mlflow_rest_sdk.models import LogBatch, LogMetric, Metric

URL = "http://mlflow.internal:5000"
OLDEST = "2.0.0"


def _endpoint(
    first_release: str | None = "3.0.0",
    *,
    gaps: tuple[tuple[str, str], ...] = (),
    later_fields: tuple[tuple[str, str], ...] = (),
    field_gaps: tuple[tuple[str, str, str], ...] = (),
) -> Endpoint:
    return Endpoint(
        operation="create_logged_model", service="MlflowService", method="POST",
        path="/api/2.0/mlflow/logged-models", path_params=(), request_body="json",
        response_body="json", idempotent=False, required=(), first_release=first_release,
        gaps=gaps, later_fields=later_fields, field_gaps=field_gaps,
    )  # fmt: skip


def _release(text: str) -> tuple[int, int, int]:
    parsed = parse_release(text)
    assert parsed is not None, text
    return (parsed.major, parsed.minor, parsed.micro)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("2.22.5", (2, 22, 5)),
        ("2.22.5\n", (2, 22, 5)),
        ("3.1.0.dev0", (3, 1, 0)),
        ("3.0.0rc1", (3, 0, 0)),
        ("3.0.0.rc1", (3, 0, 0)),
        ("3.5.1.post1", (3, 5, 1)),
        ("3.2", (3, 2, 0)),
        ("v3.0.1", (3, 0, 1)),
        ("3.4.0+databricks.1", (3, 4, 0)),
    ],
)
def test_a_release_is_read_by_its_three_numbers(text: str, numbers: tuple[int, int, int]) -> None:
    assert _release(text) == numbers


@pytest.mark.parametrize(
    "text",
    ["", "   ", "<!doctype html><title>404 Not Found</title>", "3", "latest", "3.0.x", "9" * 80],
)
def test_what_is_not_a_version_gives_no_release(text: str) -> None:
    assert parse_release(text) is None


def test_releases_compare_by_their_numbers_not_as_text() -> None:
    assert parse_release("2.22.5") < parse_release("3.0.0")  # type: ignore[operator]
    assert parse_release("3.10.0") > parse_release("3.9.1")  # type: ignore[operator]


def test_a_dev_or_rc_build_counts_as_the_release_it_leads_to() -> None:
    assert parse_release("3.1.0.dev0") == parse_release("3.1.0")
    assert parse_release("3.0.0rc1") == parse_release("3.0.0")


def test_a_release_prints_as_the_server_said_it() -> None:
    assert str(parse_release("3.1.0.dev0")) == "3.1.0.dev0"


# --- what a call needs -------------------------------------------------------------------------


def test_a_route_as_old_as_the_history_needs_nothing() -> None:
    assert needs_of(_endpoint("2.0.0"), None, "2.0.0") == ()


def test_a_route_newer_than_the_history_needs_its_release() -> None:
    assert needs_of(_endpoint("3.0.0"), None, "2.0.0") == (Need(None, "3.0.0"),)


def test_a_route_of_unknown_release_needs_nothing_checkable() -> None:
    assert needs_of(_endpoint(None), None, "2.0.0") == ()


def test_a_route_with_a_gap_is_checked_even_when_as_old_as_the_history() -> None:
    gaps = (("3.3.0", "3.7.0"),)
    assert needs_of(_endpoint("2.0.0", gaps=gaps), None, "2.0.0") == (Need(None, "2.0.0", gaps),)


METRIC_FIELDS = (("model_id", "3.0.0"), ("dataset_name", "3.0.0"))


def test_a_newer_field_that_is_set_is_needed() -> None:
    endpoint = _endpoint("2.0.0", later_fields=METRIC_FIELDS)
    message = LogMetric(run_id="r", key="k", value=1.0, timestamp=1, model_id="m-1")

    assert needs_of(endpoint, message, "2.0.0") == (Need("model_id", "3.0.0"),)


def test_a_newer_field_left_unset_or_set_to_none_is_not_needed() -> None:
    endpoint = _endpoint("2.0.0", later_fields=METRIC_FIELDS)
    unset = LogMetric(run_id="r", key="k", value=1.0, timestamp=1)
    none = LogMetric(run_id="r", key="k", value=1.0, timestamp=1, model_id=None)

    assert needs_of(endpoint, unset, "2.0.0") == ()
    assert needs_of(endpoint, none, "2.0.0") == ()


def test_a_nested_newer_field_counts_when_any_list_item_sets_it() -> None:
    endpoint = _endpoint("2.0.0", later_fields=(("metrics.model_id", "3.0.0"),))
    plain = Metric(key="a", value=1.0, timestamp=1, step=0)
    linked = Metric(key="b", value=1.0, timestamp=1, step=0, model_id="m-1")

    assert needs_of(endpoint, LogBatch(run_id="r", metrics=[plain]), "2.0.0") == ()
    needed = needs_of(endpoint, LogBatch(run_id="r", metrics=[plain, linked]), "2.0.0")
    assert needed == (Need("metrics.model_id", "3.0.0"),)


def test_an_empty_list_is_never_sent_so_it_is_not_needed() -> None:
    endpoint = _endpoint("2.0.0", later_fields=(("metrics", "3.0.0"),))
    assert needs_of(endpoint, LogBatch(run_id="r", metrics=[]), "2.0.0") == ()


def test_a_set_field_with_a_gap_is_needed_with_its_gap() -> None:
    endpoint = _endpoint("2.0.0", field_gaps=(("model_id", "3.3.0", "3.7.0"),))
    message = LogMetric(run_id="r", key="k", value=1.0, timestamp=1, model_id="m-1")

    assert needs_of(endpoint, message, "2.0.0") == (Need("model_id", None, (("3.3.0", "3.7.0"),)),)


# --- what a known server refuses ---------------------------------------------------------------


def test_an_older_server_refuses_a_newer_route_naming_both_releases() -> None:
    server = parse_release("2.22.5")
    assert server is not None

    error = refusal(_endpoint("3.0.0"), [Need(None, "3.0.0")], server, URL)

    assert isinstance(error, EndpointNotServed)
    assert str(error) == (
        "create_logged_model needs MLflow >= 3.0.0; the server at http://mlflow.internal:5000 "
        "runs 2.22.5"
    )
    assert (error.needs, error.server_release, error.sent, error.field) == (
        "3.0.0", "2.22.5", False, None,
    )  # fmt: skip


def test_a_refused_route_is_still_a_not_found_as_the_old_server_answers_it() -> None:
    server = parse_release("2.22.5")
    assert server is not None
    error = refusal(_endpoint("3.0.0"), [Need(None, "3.0.0")], server, URL)
    assert isinstance(error, NotFound) and error.status_code == 404


def test_an_older_server_refuses_a_set_newer_field_naming_it() -> None:
    server = parse_release("2.22.5")
    assert server is not None

    error = refusal(_endpoint("2.0.0"), [Need("model_id", "3.0.0")], server, URL)

    assert type(error) is UnsupportedByServer
    assert error.field == "model_id" and error.status_code == 0
    assert "field `model_id` needs MLflow >= 3.0.0" in str(error)
    assert "runs 2.22.5" in str(error)


@pytest.mark.parametrize("server", ["3.0.0", "3.0.1", "3.17.2", "3.0.0.dev0", "3.0.0rc1"])
def test_a_server_of_that_release_or_newer_is_refused_nothing(server: str) -> None:
    release = parse_release(server)
    assert release is not None
    assert refusal(_endpoint("3.0.0"), [Need(None, "3.0.0")], release, URL) is None


@pytest.mark.parametrize(
    ("server", "refused"),
    [("3.2.9", False), ("3.3.0", True), ("3.6.2", True), ("3.7.0", False), ("3.17.2", False)],
)
def test_a_server_inside_a_gap_is_refused_and_one_outside_is_not(
    server: str, refused: bool
) -> None:
    release = parse_release(server)
    assert release is not None
    need = Need("request_id", None, (("3.3.0", "3.7.0"),))

    error = refusal(_endpoint("2.0.0"), [need], release, URL)

    assert (error is not None) == refused
    if error is not None:
        assert "`request_id` is missing from MLflow 3.3.0 up to 3.7.0" in str(error)


@pytest.mark.parametrize(
    ("first_release", "gaps", "server", "served"),
    [
        ("3.0.0", (), "2.22.5", False),
        ("3.0.0", (), "3.0.0", True),
        ("2.0.0", (("3.3.0", "3.7.0"),), "3.4.1", False),
        ("2.0.0", (("3.3.0", "3.7.0"),), "3.7.0", True),
        (None, (), "2.22.5", None),
    ],
)
def test_whether_a_release_serves_a_route_follows_its_first_release_and_gaps(
    first_release: str | None, gaps: tuple[tuple[str, str], ...], server: str, served: bool | None
) -> None:
    release = parse_release(server)
    assert release is not None
    assert serves(_endpoint(first_release, gaps=gaps), release) is served


# --- a 404 that is not MLflow's ----------------------------------------------------------------

HTML_404 = HttpResponse(404, {"content-type": "text/html"}, b"<!doctype html><h1>Not Found</h1>")


def test_an_html_404_names_the_route_and_its_release_with_the_server_unknown() -> None:
    error = not_served(_endpoint("3.0.0"), HTML_404, None, URL, OLDEST)

    assert isinstance(error, EndpointNotServed) and error.sent
    assert str(error) == (
        "create_logged_model: the server at http://mlflow.internal:5000 does not serve POST "
        "/api/2.0/mlflow/logged-models (HTTP 404, not an MLflow error): it needs MLflow >= "
        "3.0.0; the server did not say which release it runs"
    )


def test_an_html_404_names_the_servers_release_when_known_to_be_older() -> None:
    error = not_served(_endpoint("3.0.0"), HTML_404, parse_release("2.22.5"), URL, OLDEST)
    assert error is not None and error.server_release == "2.22.5"
    assert "the server runs 2.22.5" in str(error)


@pytest.mark.parametrize(
    "body", [b"", b'{"detail": "Not Found"}', b"Not Found", b"[]", b"{not json"]
)
def test_any_404_body_without_an_mlflow_error_code_means_the_route_is_missing(body: bytes) -> None:
    response = HttpResponse(404, {}, body)
    assert isinstance(
        not_served(_endpoint("3.0.0"), response, None, URL, OLDEST), EndpointNotServed
    )


def test_mlflows_own_404_is_left_to_the_error_codes() -> None:
    body = b'{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no such run"}'
    assert not_served(_endpoint("3.0.0"), HttpResponse(404, {}, body), None, URL, OLDEST) is None


def test_an_html_404_from_a_server_known_to_serve_the_route_is_left_as_it_is() -> None:
    assert not_served(_endpoint("3.0.0"), HTML_404, parse_release("3.17.2"), URL, OLDEST) is None


def test_an_html_404_on_a_route_every_release_serves_is_left_as_it_is() -> None:
    assert not_served(_endpoint("2.0.0"), HTML_404, None, URL, OLDEST) is None


def test_an_html_404_on_a_route_with_a_gap_is_named_even_if_it_is_old() -> None:
    endpoint = _endpoint("2.0.0", gaps=(("3.3.0", "3.7.0"),))
    assert isinstance(not_served(endpoint, HTML_404, None, URL, OLDEST), EndpointNotServed)


def test_an_html_404_on_a_route_no_release_serves_says_so() -> None:
    error = not_served(_endpoint(None), HTML_404, None, URL, OLDEST)
    assert error is not None and error.needs is None
    assert "no MLflow release known to this SDK serves it" in str(error)


# --- learning the release ----------------------------------------------------------------------


def _learned(status: int, body: bytes) -> ServerRelease:
    knowledge = ServerRelease()
    knowledge.learn(HttpResponse(status, {}, body))
    return knowledge


def test_a_version_answer_is_learned_once_and_for_all() -> None:
    knowledge = _learned(200, b"2.22.5")
    assert knowledge.settled and knowledge.release == parse_release("2.22.5")


@pytest.mark.parametrize(
    ("status", "body"), [(200, b"<html>gateway</html>"), (200, b""), (404, b"<html/>"), (403, b"")]
)
def test_a_server_that_will_not_say_is_not_asked_again_and_stays_unknown(
    status: int, body: bytes
) -> None:
    knowledge = _learned(status, body)
    assert knowledge.settled and knowledge.release is None


@pytest.mark.parametrize("status", [401, 429, 500, 502, 503])
def test_a_server_that_cannot_say_now_is_asked_again_later(status: int) -> None:
    knowledge = _learned(status, b"")
    assert not knowledge.settled and knowledge.release is None


def test_a_configured_release_needs_no_request() -> None:
    knowledge = ServerRelease("2.22.5")
    assert knowledge.settled and knowledge.checking and str(knowledge.release) == "2.22.5"


def test_off_checks_nothing_and_asks_nothing() -> None:
    knowledge = ServerRelease("off")
    assert knowledge.settled and not knowledge.checking and knowledge.release is None


def test_a_field_the_known_server_already_has_is_not_looked_for() -> None:
    endpoint = _endpoint("2.0.0", later_fields=(("metrics.model_id", "3.0.0"),))
    linked = Metric(key="b", value=1.0, timestamp=1, step=0, model_id="m-1")
    message = LogBatch(run_id="r", metrics=[linked])

    assert needs_of(endpoint, message, "2.0.0", parse_release("3.17.2")) == ()
    assert needs_of(endpoint, message, "2.0.0", parse_release("2.22.5")) != ()
