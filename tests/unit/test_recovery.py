"""Creates made safe to retry: what the client does after an ambiguous failure.

A scripted transport stands in for the server here because the interesting answers (a response
lost after the server acted) cannot be produced on demand by a real server; the fault-proxy
scenarios in tests/faults run the same logic against a real one.
"""

from __future__ import annotations

import json

import pytest

from mlflow_rest_sdk import MlflowClient, RetryPolicy
from mlflow_rest_sdk._runtime.recovery import IDEMPOTENCY_TAG
from mlflow_rest_sdk._runtime.transport import ConnectionRefused, TransportTimeout
from mlflow_rest_sdk.errors import APITimeoutError, ResourceAlreadyExists

from .scripted import ScriptedTransport, reply

URI = "http://127.0.0.1:1"
FAST = RetryPolicy(backoff_factor=0.0, max_attempts=3)
LOST = TransportTimeout("read timed out", url=URI)
EXISTS = reply(400, {"error_code": "RESOURCE_ALREADY_EXISTS", "message": "exists"})
RUN = {"info": {"run_id": "r1", "experiment_id": "7"}}


def _client(transport: ScriptedTransport, retry: RetryPolicy = FAST) -> MlflowClient:
    return MlflowClient(URI, transport=transport, retry=retry, env_file=False, sleep=lambda _: None)


def _tag_of(body: bytes | None) -> str:
    tags = json.loads(body or b"{}")["tags"]
    return next(t["value"] for t in tags if t["key"] == IDEMPOTENCY_TAG)


def test_create_run_carries_a_client_generated_idempotency_tag() -> None:
    transport = ScriptedTransport(reply(200, {"run": RUN}))
    _client(transport).create_run(experiment_id="7", tags=[{"key": "a", "value": "b"}])
    body = json.loads(transport.sent[0].content or b"")
    assert body["tags"][0] == {"key": "a", "value": "b"}
    assert len(_tag_of(transport.sent[0].content)) == 32


def test_a_lost_create_run_response_is_found_by_its_tag_instead_of_creating_again() -> None:
    transport = ScriptedTransport(LOST, reply(200, {"runs": [RUN]}))
    run = _client(transport).create_run(experiment_id="7").run
    assert run is not None and run.info is not None and run.info.run_id == "r1"
    assert transport.paths() == ["2.0/mlflow/runs/create", "2.0/mlflow/runs/search"]
    search = json.loads(transport.sent[1].content or b"")
    assert _tag_of(transport.sent[0].content) in search["filter"]
    assert search["experiment_ids"] == ["7"]


def test_a_lost_create_run_that_never_happened_is_sent_again_with_the_same_tag() -> None:
    transport = ScriptedTransport(
        LOST, reply(200, {"runs": []}), reply(200, {"run": RUN}), reply(200, {"runs": [RUN]})
    )
    _client(transport).create_run(experiment_id="7")
    first, resend = transport.sent[0], transport.sent[2]
    assert transport.paths()[2] == "2.0/mlflow/runs/create"
    assert _tag_of(first.content) == _tag_of(resend.content)


def test_a_refused_connection_is_retried_without_a_lookup() -> None:
    refused = ConnectionRefused("refused", url=URI)
    transport = ScriptedTransport(refused, reply(200, {"run": RUN}))
    _client(transport).create_run(experiment_id="7")
    assert transport.paths() == ["2.0/mlflow/runs/create", "2.0/mlflow/runs/create"]


def test_create_experiment_resolves_a_conflict_met_after_a_lost_response() -> None:
    experiment = {"experiment": {"experiment_id": "42", "name": "e"}}
    transport = ScriptedTransport(LOST, EXISTS, reply(200, experiment))
    assert _client(transport).create_experiment(name="e").experiment_id == "42"
    assert transport.paths()[-1].startswith("2.0/mlflow/experiments/get-by-name")


def test_a_conflict_on_the_first_attempt_is_a_real_conflict() -> None:
    transport = ScriptedTransport(EXISTS)
    with pytest.raises(ResourceAlreadyExists):
        _client(transport).create_experiment(name="e")
    assert len(transport.sent) == 1


def test_create_registered_model_resolves_a_conflict_met_after_a_502() -> None:
    model = {"registered_model": {"name": "m"}}
    transport = ScriptedTransport(reply(502), EXISTS, reply(200, model))
    created = _client(transport).create_registered_model(name="m").registered_model
    assert created is not None and created.name == "m"


def test_a_lost_model_version_is_found_by_name_and_tag() -> None:
    version = {"name": "m", "version": "3"}
    transport = ScriptedTransport(LOST, reply(200, {"model_versions": [version]}))
    created = _client(transport).create_model_version(name="m", source="s").model_version
    assert created is not None and created.version == "3"
    assert transport.paths()[1].startswith("2.0/mlflow/model-versions/search")
    assert "name = 'm'" in dict(transport.sent[1].params)["filter"]


def test_without_retries_a_lost_create_is_reported_not_guessed() -> None:
    transport = ScriptedTransport(LOST)
    with pytest.raises(APITimeoutError):
        _client(transport, RetryPolicy.none()).create_run(experiment_id="7")
    assert len(transport.sent) == 1
