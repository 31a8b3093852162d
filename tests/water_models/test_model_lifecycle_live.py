"""The station model lifecycle against a real MLflow server: register, promote, load, refuse."""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import pytest
from station_models_support import BAD_PARAMS, FAST_PARAMS

from mlflow_rest_sdk.errors import ResourceDoesNotExist
from water_models import (
    EndpointRemovedError,
    ModelIntegrityError,
    ModelManager,
)
from water_models.artifact_io import proxy_path

Factory = Callable[..., ModelManager]


@pytest.mark.parametrize("model_type", ["xgboost", "baseline"])
def test_the_whole_lifecycle(
    model_type: str, station: str, station_data: pd.DataFrame, make_manager: Factory
) -> None:
    manager = make_manager()
    result = manager.train(station, model_type, station_data, params=FAST_PARAMS[model_type])
    assert set(result.metrics) >= {"rmse", "mae", "r2"}
    assert manager.get_model_path(station, model_type).is_file()

    registered = manager.register_model_in_mlflow(station, model_type, result)
    assert registered.version_label == f"{model_type}_v1.0.0_station_{station}"
    assert registered.registered_model == f"water-quality-station-{station}-{model_type}"
    assert (registered.alias, registered.promoted) == ("champion", True)

    client = manager.client
    run = client.get_run(run_id=registered.run_id).run
    tags = {t.key: t.value for t in run.data.tags}
    assert tags["station_id"] == station
    assert tags["model_type"] == model_type
    assert tags["version"] == registered.version_label
    assert {m.key for m in run.data.metrics} >= {"validation_rmse", "validation_r2"}
    experiment = client.get_experiment(experiment_id=run.info.experiment_id).experiment
    assert experiment.name == f"water-quality-station-{station}"
    files = client.list_artifacts(run_id=registered.run_id, path="model").files
    assert sorted(f.path for f in files) == ["model/metadata.json", "model/model.json"]
    plots = client.list_artifacts(run_id=registered.run_id, path="plots").files
    assert [f.path for f in plots] == ["plots/validation_predicted_vs_actual.png"]

    record = manager.get_model_from_mlflow(station, model_type)
    assert record is not None
    assert record.source == f"{run.info.artifact_uri}/model"
    assert record.alias == "champion"

    loaded = manager.load_model(station, model_type)
    assert loaded is not None
    assert (loaded.source, loaded.version_label) == ("mlflow", registered.version_label)
    forecast = loaded.forecast(station_data.tail(72))
    assert forecast["predicted_dissolved_oxygen_mg_l"].between(0, 25).all()

    info = manager.get_model_info(station, model_type)
    assert info is not None
    assert info.to_dict() | {"source": "?"} == {
        "station_id": station,
        "model_type": model_type,
        "source": "?",
        "version": registered.version_label,
        "registry_version": registered.registry_version,
        "alias": "champion",
        "registered_model": registered.registered_model,
        "metrics": result.metrics,
        "trained_at": result.trained_at,
        "sha256": loaded.sha256,
    }

    removed = manager.delete_model(station, model_type)
    assert removed == {"registered_model": True, "cache": True, "local": True}
    assert manager.get_model_from_mlflow(station, model_type) is None
    assert manager.load_model(station, model_type) is None


def test_a_retrain_is_promoted_only_when_it_beats_the_champion(
    station: str, station_data: pd.DataFrame, make_manager: Factory
) -> None:
    manager = make_manager()

    # Three fits of different quality, ranked by their measured rmse (station data is random,
    # so the penalty alone does not fix the order); registered middle, worst, best.
    fits = sorted(
        (manager.train(station, "baseline", station_data, params={"alpha": alpha})
         for alpha in (1.0, 1e4, 1e7)),
        key=lambda fit: fit.rmse,
    )  # fmt: skip
    best_fit, middle_fit, worst_fit = fits
    assert best_fit.rmse < middle_fit.rmse < worst_fit.rmse
    medium = manager.register_model_in_mlflow(station, "baseline", middle_fit)
    worse = manager.register_model_in_mlflow(station, "baseline", worst_fit)
    better = manager.register_model_in_mlflow(station, "baseline", best_fit)

    assert (medium.alias, medium.promoted) == ("champion", True)
    assert (worse.alias, worse.promoted) == ("challenger", False)
    assert (worse.previous_champion, better.previous_champion) == ("1", "1")
    assert (better.alias, better.promoted) == ("champion", True)
    assert [r.version_label for r in (medium, worse, better)] == [
        f"baseline_v1.{minor}.0_station_{station}" for minor in range(3)
    ]
    champion = manager.get_model_from_mlflow(station, "baseline")
    assert champion is not None and champion.version == better.registry_version


def test_a_second_load_is_served_from_the_cache_without_a_download(
    station: str, station_data: pd.DataFrame, make_manager: Factory
) -> None:
    trainer = make_manager()
    result = trainer.train(station, "xgboost", station_data, params=FAST_PARAMS["xgboost"])
    trainer.register_model_in_mlflow(station, "xgboost", result)

    service = make_manager(cache="service-cache", cache_ttl=0)
    first = service.load_model(station, "xgboost")
    downloads = service.artifacts.downloads
    second = service.load_model(station, "xgboost")
    assert first is not None and second is not None
    assert (first.source, second.source) == ("mlflow", "cache")
    assert service.artifacts.downloads == downloads == 2  # metadata + model, once

    restarted = make_manager(cache="service-cache", cache_ttl=0)  # a new process, same disk
    third = restarted.load_model(station, "xgboost")
    assert third is not None and third.source == "cache"
    assert restarted.artifacts.downloads == 0


def test_a_promoted_version_is_picked_up(
    station: str, station_data: pd.DataFrame, make_manager: Factory
) -> None:
    trainer = make_manager()
    weak = trainer.train(station, "baseline", station_data, params=BAD_PARAMS["baseline"])
    trainer.register_model_in_mlflow(station, "baseline", weak)
    service = make_manager(cache="service-cache", cache_ttl=3600)
    before = service.load_model(station, "baseline")
    assert before is not None and before.registry_version == "1"

    strong = trainer.train(station, "baseline", station_data, params=FAST_PARAMS["baseline"])
    assert trainer.register_model_in_mlflow(station, "baseline", strong).promoted

    within_ttl = service.load_model(station, "baseline")
    assert within_ttl is not None and within_ttl.registry_version == "1"
    refreshed = service.load_model(station, "baseline", refresh=True)
    assert refreshed is not None
    assert (refreshed.registry_version, refreshed.source) == ("2", "mlflow")
    assert refreshed.version_label == f"baseline_v1.1.0_station_{station}"


def test_a_tampered_model_file_is_refused_and_not_cached(
    station: str, station_data: pd.DataFrame, make_manager: Factory
) -> None:
    trainer = make_manager()
    result = trainer.train(station, "baseline", station_data)
    registered = trainer.register_model_in_mlflow(station, "baseline", result)
    record = trainer.get_model_from_mlflow(station, "baseline")
    assert record is not None
    # Someone swaps the stored model for another well-formed one behind the registry's back.
    other = trainer.train(station, "baseline", station_data, params=BAD_PARAMS["baseline"])
    trainer.client.upload_artifact(
        artifact_path=f"{proxy_path(record.source)}/model.json", content=other.model.to_bytes()
    )

    service = make_manager(cache="service-cache")
    with pytest.raises(ModelIntegrityError, match="checksum mismatch"):
        service.load_model(station, "baseline")
    assert not (service.disk_cache.root / registered.registered_model).exists()


def test_a_tampered_cache_entry_is_discarded_and_downloaded_again(
    station: str, station_data: pd.DataFrame, make_manager: Factory
) -> None:
    trainer = make_manager()
    trainer.register_model_in_mlflow(
        station, "baseline", trainer.train(station, "baseline", station_data)
    )
    service = make_manager(cache="service-cache")
    assert service.load_model(station, "baseline") is not None
    (cached,) = (service.disk_cache.root).rglob("model.json")
    cached.write_bytes(cached.read_bytes().replace(b"1", b"2", 1))

    fresh = make_manager(cache="service-cache")
    loaded = fresh.load_model(station, "baseline")
    assert loaded is not None and loaded.source == "mlflow"


def test_a_missing_model_is_none_everywhere(station: str, make_manager: Factory) -> None:
    manager = make_manager()
    assert manager.get_model_from_mlflow(station, "xgboost") is None
    assert manager.load_model(station, "xgboost") is None
    assert manager.load_local_model(station, "xgboost") is None
    assert manager.get_model_info(station, "xgboost") is None


def test_mlflow_api_call_goes_through_the_sdk_and_raises_typed_errors(
    station: str, make_manager: Factory
) -> None:
    manager = make_manager()
    name = f"water-quality-station-{station}"
    created = manager.mlflow_api_call("mlflow/experiments/create", "POST", {"name": name})
    found = manager.mlflow_api_call(
        "/api/2.0/mlflow/experiments/get-by-name", "GET", {"experiment_name": name}
    )
    assert found["experiment"]["experiment_id"] == created["experiment_id"]
    json.dumps(found)  # plain JSON types, as the old helper returned
    with pytest.raises(ResourceDoesNotExist):
        manager.mlflow_api_call("mlflow/experiments/get", "GET", {"experiment_id": "987654321"})


def test_mlflow_api_call_names_the_replacement_of_a_removed_endpoint(
    make_manager: Factory,
) -> None:
    with pytest.raises(EndpointRemovedError, match="use mlflow/experiments/search instead"):
        make_manager().mlflow_api_call("mlflow/experiments/list")
