"""What an older server's release does not serve is refused before anything is sent, naming
both releases; real MLflow 2.22.5 and 3.0.1 servers, and a transport counting what it sends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.live._support import now_ms
from tests.live.blocking import TRANSPORT_KINDS
from tests.releases.conftest import OldServer
from tests.releases.counting import counting_client

from mlflow_rest_sdk.errors import EndpointNotServed, NotFound, UnsupportedByServer

LOGGED_MODELS = "/api/2.0/mlflow/logged-models"


@pytest.fixture(params=TRANSPORT_KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def _run_id(url: str, kind: str, unique_name: Callable[[str], str]) -> str:
    with counting_client(url, kind) as (client, _):
        experiment_id = client.create_experiment(name=unique_name("exp")).experiment_id
        assert experiment_id is not None
        run = client.create_run(experiment_id=experiment_id, start_time=now_ms()).run
        assert run is not None and run.info is not None and run.info.run_id is not None
        return run.info.run_id


def test_a_logged_model_on_2_22_is_refused_unsent_naming_both_releases(
    server_2x: OldServer, kind: str
) -> None:
    with (
        counting_client(server_2x.url, kind) as (client, sent),
        pytest.raises(EndpointNotServed) as raised,
    ):
        client.create_logged_model(experiment_id="0")

    assert str(raised.value) == (
        f"create_logged_model needs MLflow >= 3.0.0; the server at {server_2x.url} runs 2.22.5"
    )
    assert sent.paths == ["/version"]


def test_webhooks_on_3_0_are_refused_unsent_naming_both_releases(
    server_3x: OldServer, kind: str
) -> None:
    with (
        counting_client(server_3x.url, kind) as (client, sent),
        pytest.raises(EndpointNotServed) as raised,
    ):
        client.create_webhook(name="w", url="https://example.org/hook", events=[])

    error = raised.value
    assert (error.needs, error.server_release) == ("3.3.0", "3.0.1")
    assert str(error).startswith("create_webhook needs MLflow >= 3.3.0;")
    assert sent.paths == ["/version"]


def test_a_logged_model_on_3_0_is_sent(server_3x: OldServer, kind: str) -> None:
    with counting_client(server_3x.url, kind) as (client, sent):
        created = client.create_logged_model(experiment_id="0").model

    assert created is not None and created.info is not None and created.info.model_id
    assert sent.paths == ["/version", LOGGED_MODELS]


def test_a_metric_linked_to_a_model_on_2_22_is_refused_naming_the_field_and_not_stored(
    server_2x: OldServer, kind: str, unique_name: Callable[[str], str]
) -> None:
    run_id = _run_id(server_2x.url, kind, unique_name)
    with counting_client(server_2x.url, kind) as (client, sent):
        with pytest.raises(UnsupportedByServer) as raised:
            client.log_metric(run_id=run_id, key="rmse", value=0.5, timestamp=1, model_id="m-1")
        run = client.get_run(run_id=run_id).run

    assert raised.value.field == "model_id" and not isinstance(raised.value, NotFound)
    assert f"log_metric: field `model_id` needs MLflow >= 3.0.0; the server at {server_2x.url} " \
        "runs 2.22.5" in str(raised.value)  # fmt: skip
    assert sent.paths == ["/version", "/api/2.0/mlflow/runs/get"]
    assert run is not None and run.data is not None and run.data.metrics == []


def test_a_metric_linked_to_a_model_on_3_0_is_stored(
    server_3x: OldServer, kind: str, unique_name: Callable[[str], str]
) -> None:
    run_id = _run_id(server_3x.url, kind, unique_name)
    with counting_client(server_3x.url, kind) as (client, _):
        model = client.create_logged_model(experiment_id="0").model
        assert model is not None and model.info is not None
        model_id = model.info.model_id
        client.log_metric(run_id=run_id, key="rmse", value=0.5, timestamp=1, model_id=model_id)
        linked = client.get_logged_model(model_id=model_id).model

    assert linked is not None and linked.data is not None
    assert [(m.key, m.run_id) for m in linked.data.metrics] == [("rmse", run_id)]


def test_a_configured_release_refuses_without_asking_the_server(
    server_2x: OldServer, kind: str, unique_name: Callable[[str], str]
) -> None:
    with counting_client(server_2x.url, kind, server_version="2.22.5") as (client, sent):
        with pytest.raises(EndpointNotServed):
            client.create_logged_model(experiment_id="0")
        client.create_experiment(name=unique_name("exp"))

    assert sent.paths == ["/api/2.0/mlflow/experiments/create"]


def test_with_checks_off_the_old_servers_404_page_still_names_the_release_needed(
    server_2x: OldServer, kind: str
) -> None:
    with (
        counting_client(server_2x.url, kind, server_version="off") as (client, sent),
        pytest.raises(EndpointNotServed) as raised,
    ):
        client.create_logged_model(experiment_id="0")

    error = raised.value
    assert error.sent and error.needs == "3.0.0" and error.status_code == 404
    assert f"does not serve POST {LOGGED_MODELS} (HTTP 404, not an MLflow error)" in str(error)
    assert sent.paths == [LOGGED_MODELS]
