"""Everyday tracking, registry and artifact calls work on real older servers (MLflow 2.22.5 and
3.0.1), on the blocking client and both asyncio transports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.live._support import now_ms
from tests.live.blocking import TRANSPORT_KINDS, blocking_client
from tests.releases.conftest import OldServer

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.models import Metric, Param, RunStatus, RunTag


@pytest.fixture(scope="module", params=TRANSPORT_KINDS)
def api(request: pytest.FixtureRequest, old_server: OldServer) -> Iterator[MlflowClient]:
    with blocking_client(old_server.url, request.param) as client:
        yield client


@pytest.fixture
def run_ids(api: MlflowClient, unique_name: Callable[[str], str]) -> tuple[str, str]:
    """(experiment id, run id) of a fresh experiment and run."""
    experiment_id = api.create_experiment(name=unique_name("exp")).experiment_id
    assert experiment_id is not None
    run = api.create_run(experiment_id=experiment_id, start_time=now_ms()).run
    assert run is not None and run.info is not None and run.info.run_id is not None
    return experiment_id, run.info.run_id


def test_the_server_says_its_release(api: MlflowClient, old_server: OldServer) -> None:
    assert api.version().strip() == old_server.release


def test_experiments_are_created_read_and_searched(
    api: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("exp")
    experiment_id = api.create_experiment(name=name).experiment_id
    assert experiment_id is not None

    got = api.get_experiment(experiment_id=experiment_id).experiment
    found = api.search_experiments(filter=f"name = '{name}'").experiments

    assert got is not None and got.name == name
    assert [e.experiment_id for e in found] == [experiment_id]


def test_a_run_logs_metrics_params_and_tags_one_by_one_and_in_batches(
    api: MlflowClient, run_ids: tuple[str, str]
) -> None:
    experiment_id, run_id = run_ids
    api.log_param(run_id=run_id, key="depth", value="6")
    api.set_tag(run_id=run_id, key="station", value="S-01")
    api.log_metric(run_id=run_id, key="rmse", value=0.5, timestamp=now_ms(), step=0)
    api.log_batch(
        run_id=run_id,
        metrics=[Metric(key="rmse", value=0.25, timestamp=now_ms(), step=1)],
        params=[Param(key="eta", value="0.1")],
        tags=[RunTag(key="kind", value="xgboost")],
    )
    api.update_run(run_id=run_id, status=RunStatus.FINISHED, end_time=now_ms())

    run = api.get_run(run_id=run_id).run
    found = api.search_runs(experiment_ids=[experiment_id], filter="metrics.rmse < 0.3").runs

    assert run is not None and run.data is not None and run.info is not None
    assert {p.key: p.value for p in run.data.params} == {"depth": "6", "eta": "0.1"}
    assert {m.key: m.value for m in run.data.metrics} == {"rmse": 0.25}
    assert {"station", "kind"} <= {t.key for t in run.data.tags}
    assert run.info.status == RunStatus.FINISHED
    assert [r.info.run_id for r in found if r.info is not None] == [run_id]


def test_a_registered_model_gets_a_version_and_an_alias(
    api: MlflowClient, run_ids: tuple[str, str], unique_name: Callable[[str], str]
) -> None:
    _, run_id = run_ids
    run = api.get_run(run_id=run_id).run
    assert run is not None and run.info is not None
    name = unique_name("model")
    api.create_registered_model(name=name)
    version = api.create_model_version(
        name=name, source=f"{run.info.artifact_uri}/model", run_id=run_id
    ).model_version
    assert version is not None and version.version == "1"

    api.set_registered_model_alias(name=name, alias="champion", version="1")
    champion = api.get_model_version_by_alias(name=name, alias="champion").model_version

    assert champion is not None and champion.version == "1" and champion.run_id == run_id


def test_artifacts_go_up_and_come_back_through_the_proxy(
    api: MlflowClient, run_ids: tuple[str, str], tmp_path: Path
) -> None:
    _, run_id = run_ids
    local = tmp_path / "model.json"
    local.write_bytes(b'{"trees": 12}')

    api.log_artifact(run_id, local, "model")
    listed = [entry.path for entry in api.list_artifacts_recursive(run_id)]
    api.download_artifacts(run_id, "model/model.json", tmp_path / "back")

    assert "model/model.json" in listed
    assert (tmp_path / "back" / "model" / "model.json").read_bytes() == b'{"trees": 12}'
