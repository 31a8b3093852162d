"""Expiring tokens: a 401 makes the provider refresh once, and the request is sent again."""

from __future__ import annotations

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.errors import Unauthenticated

from .scripted import ScriptedTransport, reply

URI = "http://127.0.0.1:1"


def test_a_callable_token_provider_is_refreshed_once_after_a_401() -> None:
    tokens = iter(["expired", "fresh"])
    transport = ScriptedTransport(reply(401), reply(200, {"experiment": {"name": "x"}}))
    client = MlflowClient(URI, transport=transport, auth=lambda: next(tokens), env_file=False)
    assert client.get_experiment(experiment_id="1").experiment is not None
    assert [r.headers["Authorization"] for r in transport.sent] == [
        "Bearer expired",
        "Bearer fresh",
    ]


def test_a_second_401_after_refreshing_is_raised() -> None:
    tokens = iter(["a", "b"])
    transport = ScriptedTransport(reply(401), reply(401))
    client = MlflowClient(URI, transport=transport, auth=lambda: next(tokens), env_file=False)
    with pytest.raises(Unauthenticated):
        client.get_experiment(experiment_id="1")
    assert len(transport.sent) == 2


def test_static_credentials_are_not_resent_after_a_401() -> None:
    transport = ScriptedTransport(reply(401))
    client = MlflowClient(URI, transport=transport, token="static", env_file=False)
    with pytest.raises(Unauthenticated):
        client.get_experiment(experiment_id="1")
    assert len(transport.sent) == 1


def test_registry_calls_go_to_the_registry_server() -> None:
    transport = ScriptedTransport(reply(200), reply(200))
    client = MlflowClient(
        URI, registry_uri="http://127.0.0.1:2", transport=transport, env_file=False
    )
    client.get_registered_model(name="m")
    client.get_experiment(experiment_id="1")
    assert transport.sent[0].url.startswith("http://127.0.0.1:2/api/2.0/mlflow/registered-models")
    assert transport.sent[1].url.startswith(URI)
