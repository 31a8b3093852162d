"""Required request fields at run time: callers a type checker does not see (untyped code, a
mapping or a model built elsewhere) still get a clear ``RequestValidationError`` naming the
field, before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.scripted import ScriptedTransport

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient
from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse
from mlflow_rest_sdk.errors import RequestValidationError
from mlflow_rest_sdk.models import DeleteRun

URI = "http://mlflow.test:5000"


class _AsyncScripted:
    def __init__(self, scripted: ScriptedTransport) -> None:
        self.scripted = scripted

    async def send(self, request: HttpRequest) -> HttpResponse:
        return self.scripted.send(request)

    async def aclose(self) -> None:
        pass


@pytest.fixture
def transport() -> ScriptedTransport:
    return ScriptedTransport()  # no answers: a request that is sent fails the test


@pytest.fixture
def client(transport: ScriptedTransport) -> Any:
    """Typed as ``Any``, like a caller without a type checker."""
    return MlflowClient(URI, transport=transport, env_file=False)


def test_a_missing_required_keyword_is_refused_naming_the_field(
    client: Any, transport: ScriptedTransport
) -> None:
    with pytest.raises(RequestValidationError, match="delete_tag: field `key` is required") as e:
        client.delete_tag(run_id="r")
    assert e.value.field == "key"
    assert transport.sent == []


def test_a_required_keyword_given_none_is_refused_like_a_missing_one(
    client: Any, transport: ScriptedTransport
) -> None:
    with pytest.raises(RequestValidationError, match="field `run_id` is required"):
        client.delete_run(run_id=None)
    assert transport.sent == []


def test_a_request_mapping_without_a_required_field_is_refused(
    client: Any, transport: ScriptedTransport
) -> None:
    with pytest.raises(RequestValidationError, match="field `key` is required"):
        client.delete_tag({"run_id": "r"})
    assert transport.sent == []


def test_a_request_model_without_a_required_field_is_refused(
    client: Any, transport: ScriptedTransport
) -> None:
    with pytest.raises(RequestValidationError, match="field `run_id` is required"):
        client.delete_run(DeleteRun())
    assert transport.sent == []


def test_a_missing_path_field_is_refused_as_part_of_the_url_path(
    client: Any, transport: ScriptedTransport
) -> None:
    with pytest.raises(RequestValidationError, match=r"`request_id` is required .*URL path"):
        client.get_trace_info()
    assert transport.sent == []


def test_an_iter_method_without_a_required_field_is_refused_when_iterated(
    client: Any, transport: ScriptedTransport
) -> None:
    with pytest.raises(RequestValidationError, match="field `metric_key` is required"):
        list(client.get_metric_history_iter(run_id="r"))
    assert transport.sent == []


async def test_the_async_client_refuses_a_missing_required_field(
    transport: ScriptedTransport,
) -> None:
    aclient: Any = AsyncMlflowClient(URI, transport=_AsyncScripted(transport), env_file=False)
    with pytest.raises(RequestValidationError, match="field `run_id` is required"):
        await aclient.delete_run()
    assert transport.sent == []
