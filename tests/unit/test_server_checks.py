"""The clients check what the server's release serves, before sending: when they ask
``GET /version`` (once, only for a call that needs it), what they refuse, and what they leave
as it is. A counting transport answers by path: for what a real old server is used in
``tests/releases``."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient
from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse
from mlflow_rest_sdk.errors import (
    ConfigurationError,
    EndpointNotServed,
    NotFound,
    ResourceDoesNotExist,
    UnsupportedByServer,
)

URI = "http://127.0.0.1:9"
Answer = HttpResponse | Callable[[HttpRequest], HttpResponse]


def _json(body: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(status, {"content-type": "application/json"}, json.dumps(body).encode())


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(status, {"content-type": "text/plain"}, body.encode())


HTML_404 = HttpResponse(404, {"content-type": "text/html"}, b"<!doctype html><h1>Not Found</h1>")
ANSWERS: dict[str, Answer] = {
    "/version": _text("2.22.5"),
    "/api/2.0/mlflow/experiments/create": _json({"experiment_id": "1"}),
    "/api/2.0/mlflow/logged-models": _json({"model": {"info": {"model_id": "m-1"}}}),
    "/api/2.0/mlflow/runs/log-metric": _json({}),
    "/api/2.0/mlflow/runs/log-batch": _json({}),
}


class Counting:
    """Answers each request by its path and keeps every request it was sent."""

    def __init__(self, answers: Mapping[str, Answer] | None = None) -> None:
        self.answers = {**ANSWERS, **(answers or {})}
        self.sent: list[HttpRequest] = []

    def answer(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        path = "/" + request.url.split("/", 3)[3]
        found = self.answers.get(path.partition("?")[0], HTML_404)
        return found(request) if callable(found) else found

    def paths(self) -> list[str]:
        return ["/" + request.url.split("/", 3)[3] for request in self.sent]


class SyncCounting(Counting):
    def send(self, request: HttpRequest) -> HttpResponse:
        return self.answer(request)

    def close(self) -> None:
        pass


class AsyncCounting(Counting):
    async def send(self, request: HttpRequest) -> HttpResponse:
        await asyncio.sleep(0)  # let other tasks run, as a real exchange would
        return self.answer(request)

    async def aclose(self) -> None:
        pass


def _client(transport: SyncCounting, **kwargs: Any) -> MlflowClient:
    return MlflowClient(URI, transport=transport, env_file=False, **kwargs)


def test_an_everyday_call_sends_no_version_request() -> None:
    transport = SyncCounting()

    _client(transport).create_experiment(name="e")

    assert transport.paths() == ["/api/2.0/mlflow/experiments/create"]


def test_a_newer_route_on_an_older_server_is_refused_after_asking_only_its_version() -> None:
    transport = SyncCounting()

    with pytest.raises(EndpointNotServed) as raised:
        _client(transport).create_logged_model(experiment_id="1")

    assert str(raised.value) == (
        "create_logged_model needs MLflow >= 3.0.0; the server at http://127.0.0.1:9 runs 2.22.5"
    )
    assert transport.paths() == ["/version"]


def test_the_release_is_asked_once_per_client() -> None:
    transport = SyncCounting()
    client = _client(transport)

    for _ in range(3):
        with pytest.raises(UnsupportedByServer):
            client.create_logged_model(experiment_id="1")

    assert transport.paths() == ["/version"]
    assert client.server_version == "2.22.5"


def test_the_server_release_is_unknown_until_a_call_needs_it() -> None:
    transport = SyncCounting()
    client = _client(transport)
    client.create_experiment(name="e")
    assert client.server_version is None


def test_a_newer_route_on_a_new_enough_server_is_sent() -> None:
    transport = SyncCounting({"/version": _text("3.0.1")})

    created = _client(transport).create_logged_model(experiment_id="1")

    assert created.model is not None
    assert transport.paths() == ["/version", "/api/2.0/mlflow/logged-models"]


def test_a_set_newer_field_on_an_older_server_is_refused_naming_it() -> None:
    transport = SyncCounting()

    with pytest.raises(UnsupportedByServer) as raised:
        _client(transport).log_metric(run_id="r", key="k", value=1.0, timestamp=1, model_id="m")

    assert raised.value.field == "model_id" and raised.value.needs == "3.0.0"
    assert "log_metric: field `model_id` needs MLflow >= 3.0.0" in str(raised.value)
    assert not isinstance(raised.value, NotFound)
    assert transport.paths() == ["/version"]


def test_the_same_call_without_the_newer_field_is_sent_unchecked() -> None:
    transport = SyncCounting()

    _client(transport).log_metric(run_id="r", key="k", value=1.0, timestamp=1)

    assert transport.paths() == ["/api/2.0/mlflow/runs/log-metric"]


def test_a_newer_field_inside_a_batch_is_refused_naming_its_path() -> None:
    transport = SyncCounting()
    metrics = [
        {"key": "a", "value": 1.0, "timestamp": 1, "step": 0},
        {"key": "b", "value": 1.0, "timestamp": 1, "step": 0, "model_id": "m"},
    ]

    with pytest.raises(UnsupportedByServer) as raised:
        _client(transport).log_batch(run_id="r", metrics=metrics)

    assert raised.value.field == "metrics.model_id"


def test_a_configured_release_is_used_without_a_version_request() -> None:
    transport = SyncCounting()

    with pytest.raises(EndpointNotServed):
        _client(transport, server_version="2.22.5").create_logged_model(experiment_id="1")

    assert transport.sent == []


def test_the_release_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_REST_SERVER_VERSION", "2.22.5")
    transport = SyncCounting()

    with pytest.raises(EndpointNotServed):
        _client(transport).create_logged_model(experiment_id="1")

    assert transport.sent == []


def test_checks_turned_off_send_the_call_as_it_is() -> None:
    transport = SyncCounting({"/version": _text("2.22.5")})

    _client(transport, server_version="off").create_logged_model(experiment_id="1")

    assert transport.paths() == ["/api/2.0/mlflow/logged-models"]


def test_a_server_version_that_is_not_a_release_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="server_version='latest' is not a server"):
        _client(SyncCounting(), server_version="latest")


@pytest.mark.parametrize("answer", [HTML_404, _text("<html>proxy</html>")])
def test_a_server_that_does_not_say_gets_the_call_as_today_and_is_not_asked_again(
    answer: HttpResponse,
) -> None:
    transport = SyncCounting({"/version": answer})
    client = _client(transport)

    client.create_logged_model(experiment_id="1")
    client.create_logged_model(experiment_id="1")

    assert transport.paths() == ["/version"] + ["/api/2.0/mlflow/logged-models"] * 2
    assert client.server_version is None


def test_a_server_that_cannot_say_now_is_asked_again_by_the_next_call_that_needs_it() -> None:
    answers = [_text("", 503), _text("3.17.2")]
    transport = SyncCounting({"/version": lambda request: answers.pop(0)})
    client = _client(transport)

    client.create_logged_model(experiment_id="1")
    client.create_logged_model(experiment_id="1")
    client.create_logged_model(experiment_id="1")

    assert transport.paths().count("/version") == 2
    assert client.server_version == "3.17.2"


def test_an_html_404_on_a_known_route_names_the_release_it_needs() -> None:
    transport = SyncCounting({"/version": HTML_404, "/api/2.0/mlflow/logged-models": HTML_404})

    with pytest.raises(EndpointNotServed) as raised:
        _client(transport).create_logged_model(experiment_id="1")

    error = raised.value
    assert error.sent and error.needs == "3.0.0" and error.server_release is None
    assert "does not serve POST /api/2.0/mlflow/logged-models" in str(error)


def test_an_html_404_with_checks_off_is_still_named() -> None:
    transport = SyncCounting({"/api/2.0/mlflow/logged-models": HTML_404})

    with pytest.raises(EndpointNotServed, match=r"needs MLflow >= 3\.0\.0"):
        _client(transport, server_version="off").create_logged_model(experiment_id="1")


def test_mlflows_own_404_keeps_its_error_code() -> None:
    missing = _json({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no run r"}, 404)
    transport = SyncCounting({"/api/2.0/mlflow/runs/log-metric": missing})

    with pytest.raises(ResourceDoesNotExist):
        _client(transport).log_metric(run_id="r", key="k", value=1.0, timestamp=1)


def test_registry_calls_to_a_separate_registry_server_are_not_checked() -> None:
    path = "/api/2.0/mlflow/registered-models/alias"
    transport = SyncCounting({path: _json({})})
    client = _client(transport, registry_uri="http://127.0.0.1:10", server_version="2.0.0")

    client.set_registered_model_alias(name="m", alias="champion", version="1")

    assert transport.paths() == [path]


def test_the_error_names_no_credentials() -> None:
    transport = SyncCounting()
    client = _client(transport, username="alice", password="s3cret-pw")

    with pytest.raises(EndpointNotServed) as raised:
        client.create_logged_model(experiment_id="1")

    assert "s3cret-pw" not in str(raised.value) and "alice" not in str(raised.value)


def test_threads_that_need_the_release_at_once_ask_for_it_once() -> None:
    def slow_version(request: HttpRequest) -> HttpResponse:
        time.sleep(0.05)
        return _text("2.22.5")

    transport = SyncCounting({"/version": slow_version})
    client = _client(transport)
    refused: list[BaseException] = []

    def call() -> None:
        try:
            client.create_logged_model(experiment_id="1")
        except UnsupportedByServer as error:
            refused.append(error)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert transport.paths() == ["/version"] and len(refused) == 8


async def test_tasks_that_need_the_release_at_once_ask_for_it_once() -> None:
    transport = AsyncCounting()
    async with AsyncMlflowClient(URI, transport=transport, env_file=False) as client:
        outcomes = await asyncio.gather(
            *(client.create_logged_model(experiment_id="1") for _ in range(8)),
            return_exceptions=True,
        )

    assert transport.paths() == ["/version"]
    assert all(isinstance(outcome, EndpointNotServed) for outcome in outcomes)


async def test_the_async_client_refuses_a_set_newer_field() -> None:
    transport = AsyncCounting()
    async with AsyncMlflowClient(URI, transport=transport, env_file=False) as client:
        with pytest.raises(UnsupportedByServer, match=r"`dataset_name` needs MLflow >= 3\.0\.0"):
            await client.log_metric(run_id="r", key="k", value=1.0, timestamp=1, dataset_name="d")

    assert transport.paths() == ["/version"]
