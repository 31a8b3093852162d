"""The water_models station lifecycle against a real MLflow 2.22.5 server: what a team on 2.x runs.

The manager in this process (train, register, champion alias, MLflow-first load, info, delete),
a fleet registered concurrently over the async client, the ``water-models`` command and the demo
as subprocesses pointed at the server by ``MLFLOW_TRACKING_URI``, and ``water-models serve`` with
push asked for: 2.22.5 (and 3.0.1) have no webhooks (3.3.0), so push says so and the listing
serves alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.releases.conftest import OldServer
from tests.releases.counting import counting_client
from tests.water_models.station_models_support import FAST_PARAMS, SMALL

from mlflow_rest_sdk.errors import EndpointNotServed
from mlflow_rest_sdk.local_server import find_free_port
from water_models import ModelManager
from water_models.data import validate_station_frame
from water_models.serving.process import ServiceProcess
from water_models.serving.subscription import Outcome, ensure_webhook
from water_models.synthetic import generate_station_data

Factory = Callable[[], ModelManager]
NEEDS_WEBHOOKS = "list_webhooks needs MLflow >= 3.3.0; the server at {url} runs 2.22.5"


@pytest.fixture
def station() -> str:
    """A station no other test uses: the server is shared by every 2.22.5 test of the session."""
    return f"o{uuid.uuid4().hex[:10]}"


@pytest.fixture
def station_data(station: str) -> pd.DataFrame:
    return validate_station_frame(generate_station_data(station, config=SMALL), station)


@pytest.fixture
def make_manager(server_2x: OldServer, tmp_path: Path) -> Iterator[Factory]:
    """Managers on the 2.22.5 server sharing one model store, each with its own cache."""
    made: list[ModelManager] = []

    def make() -> ModelManager:
        manager = ModelManager(
            server_2x.url,
            models_dir=tmp_path / "models",
            cache_dir=tmp_path / f"cache-{len(made)}",
            cache_ttl=0.0,
        )
        made.append(manager)
        return manager

    yield make
    for manager in made:
        manager.close()


def _env_for(server: OldServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "WATER_MODELS_"))}
    return env | {"MLFLOW_TRACKING_URI": server.url, "COLUMNS": "160"}


def test_the_whole_station_lifecycle_runs_on_2_22_5(
    station: str, station_data: pd.DataFrame, make_manager: Factory
) -> None:
    manager = make_manager()
    result = manager.train(station, "xgboost", station_data, params=FAST_PARAMS["xgboost"])
    registered = manager.register_model_in_mlflow(station, "xgboost", result)
    assert registered.version_label == f"xgboost_v1.0.0_station_{station}"
    assert (registered.alias, registered.promoted) == ("champion", True)

    run = manager.client.get_run(run_id=registered.run_id).run
    assert {m.key for m in run.data.metrics} >= {"validation_rmse", "validation_r2"}
    assert {t.key: t.value for t in run.data.tags}["station_id"] == station
    record = manager.get_model_from_mlflow(station, "xgboost")
    assert record is not None
    assert (record.alias, record.source) == ("champion", f"{run.info.artifact_uri}/model")

    service = make_manager()  # another process's view: nothing cached yet
    loaded = service.load_model(station, "xgboost")
    assert loaded is not None
    assert (loaded.source, loaded.version_label) == ("mlflow", registered.version_label)
    assert loaded.forecast(station_data.tail(72))["predicted_dissolved_oxygen_mg_l"].notna().all()
    info = service.get_model_info(station, "xgboost")
    assert info is not None
    assert (info.version, info.alias, info.registry_version) == (
        registered.version_label, "champion", registered.registry_version,
    )  # fmt: skip

    assert service.delete_model(station, "xgboost") == {
        "registered_model": True, "cache": True, "local": True,
    }  # fmt: skip
    assert manager.get_model_from_mlflow(station, "xgboost") is None


def test_a_better_retrain_takes_the_champion_alias_on_2_22_5(
    station: str, station_data: pd.DataFrame, make_manager: Factory
) -> None:
    manager = make_manager()
    fits = sorted(
        (manager.train(station, "baseline", station_data, params={"alpha": alpha})
         for alpha in (1.0, 1e7)),
        key=lambda fit: fit.rmse,
    )  # fmt: skip
    worse = manager.register_model_in_mlflow(station, "baseline", fits[1])
    better = manager.register_model_in_mlflow(station, "baseline", fits[0])

    assert (worse.alias, better.alias, better.previous_champion) == ("champion", "champion", "1")
    champion = manager.get_model_from_mlflow(station, "baseline")
    assert champion is not None and champion.version == better.registry_version


def test_a_fleet_registers_concurrently_over_the_async_client_on_2_22_5(
    make_manager: Factory,
) -> None:
    stations = [f"f{uuid.uuid4().hex[:8]}" for _ in range(2)]
    manager = make_manager()

    outcomes = manager.train_and_register_fleet(
        stations, ["baseline"], n_jobs=1, show_progress=False
    )

    assert [(o.station_id, o.ok) for o in outcomes] == [(s, True) for s in stations]
    for station in stations:
        record = manager.get_model_from_mlflow(station, "baseline")
        assert record is not None and record.alias == "champion"


def test_push_before_3_3_is_unsupported_naming_both_releases_before_any_webhook_request(
    old_server: OldServer,
) -> None:
    with counting_client(old_server.url, "httpx-sync") as (client, sent):
        registration = ensure_webhook(client, "http://127.0.0.1:9/webhooks/mlflow", "secret-x")

    assert registration.outcome is Outcome.UNSUPPORTED
    assert registration.detail == (
        "EndpointNotServed: list_webhooks needs MLflow >= 3.3.0; "
        f"the server at {old_server.url} runs {old_server.release}"
    )
    assert sent.paths == ["/version"]  # the release, learned; no webhook route asked


def _water_models(server: OldServer, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``water-models ARGS`` as a team runs it: the server only from ``MLFLOW_TRACKING_URI``."""
    folders = ("--models-dir", str(home / "models"), "--cache-dir", str(home / "cache"))
    return subprocess.run(
        [sys.executable, "-m", "water_models", *args, *folders],
        env=_env_for(server),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_water_models_command_trains_shows_and_deletes_on_2_22_5(
    server_2x: OldServer, station: str, tmp_path: Path
) -> None:
    one = ("--station", station, "--model-type", "baseline", "--json")

    trained = _water_models(server_2x, tmp_path, "train", "--stations", station,
                            "--model-type", "baseline", "--n-jobs", "1", "--json")  # fmt: skip
    assert trained.returncode == 0, trained.stderr[-3000:]
    (row,) = json.loads(trained.stdout)
    assert (row["ok"], row["alias"]) == (True, "champion")

    shown = _water_models(server_2x, tmp_path / "elsewhere", "info", *one)
    assert shown.returncode == 0, shown.stderr[-3000:]
    info = json.loads(shown.stdout)
    assert (info["version"], info["alias"], info["source"]) == (
        f"baseline_v1.0.0_station_{station}", "champion", "mlflow",
    )  # fmt: skip

    deleted = _water_models(server_2x, tmp_path, "delete", *one)
    assert deleted.returncode == 0, deleted.stderr[-3000:]
    assert json.loads(deleted.stdout)["registered_model"] is True
    gone = _water_models(server_2x, tmp_path / "elsewhere", "info", *one)
    assert gone.returncode != 0 and f"no baseline model for station {station}" in gone.stderr


def test_the_demo_runs_against_a_2_22_5_server_named_by_mlflow_tracking_uri(
    server_2x: OldServer, tmp_path: Path
) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "water_models", "demo", "--stations", "1",
         "--data-dir", str(tmp_path)],
        env=_env_for(server_2x), capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip

    out = completed.stdout
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert f"Using the MLflow server at {server_2x.url} (MLFLOW_TRACKING_URI)" in out
    assert "Champions in service" in out and "Loaded by ModelManager while MLflow is down" in out
    assert "comes from the local model file" in out
    assert not (tmp_path / "mlflow.db").exists()  # no server of its own was started


def test_serve_on_2_22_5_says_push_needs_3_3_and_serves_from_the_listing(
    server_2x: OldServer, station: str, station_data: pd.DataFrame,
    make_manager: Factory, tmp_path: Path,
) -> None:  # fmt: skip
    trainer = make_manager()
    result = trainer.train(station, "baseline", station_data, params=FAST_PARAMS["baseline"])
    registered = trainer.register_model_in_mlflow(station, "baseline", result)
    home = tmp_path / "service"
    env = _env_for(server_2x) | {
        "WATER_MODELS_CACHE_DIR": str(home / "cache"),
        "WATER_MODELS_MODELS_DIR": str(home / "models"),
        "WATER_MODELS_STATION_PREFIX": station,
        "WATER_MODELS_REFRESH_INTERVAL": "0.5",
        "WATER_MODELS_WEBHOOK_SECRET": "a-secret-of-this-test",
    }
    home.mkdir()
    port = find_free_port()
    env["WATER_MODELS_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    service = ServiceProcess(port, [], env=env, log_path=tmp_path / "service.log")
    health: dict[str, Any] = {}

    def settled() -> bool:
        health.update(service.health())
        return bool(health["push"]["status"] != "registering" and health["models"]["served"] == 1)

    try:
        service.start(120)
        service.wait_until(settled, 120, "push settled with one model served")
        models = service.http.get("/models").json()
    finally:
        service.stop()

    needs = NEEDS_WEBHOOKS.format(url=server_2x.url)
    assert (health["push"]["status"], health["push"]["active"]) == ("unsupported", False)
    assert health["push"]["detail"] == f"EndpointNotServed: {needs}"
    assert f"push is unsupported (EndpointNotServed: {needs})" in service.log_tail(6000)
    assert [(m["station_id"], m["version"], m["source"]) for m in models] == [
        (station, registered.registry_version, "mlflow")
    ]


def test_registering_on_a_server_without_aliases_names_the_release_they_need(
    station: str, station_data: pd.DataFrame, make_manager: Factory,
    monkeypatch: pytest.MonkeyPatch, server_2x: OldServer,
) -> None:  # fmt: skip
    """Aliases came in 2.3.0: a client told its server runs 2.2.0 refuses to register, before
    anything is written (no version is left without its alias)."""
    monkeypatch.setenv("MLFLOW_REST_SERVER_VERSION", "2.2.0")
    manager = make_manager()
    result = manager.train(station, "baseline", station_data, params=FAST_PARAMS["baseline"])

    with pytest.raises(EndpointNotServed) as raised:
        manager.register_model_in_mlflow(station, "baseline", result)

    assert str(raised.value) == (
        f"get_model_version_by_alias needs MLflow >= 2.3.0; the server at {server_2x.url} "
        "runs 2.2.0"
    )
    assert manager.get_model_from_mlflow(station, "baseline") is None
