"""With MLflow down, models come from the cache, then from the local file; never from nowhere.

These tests stop an MLflow server, so they start their own (the session's keeps running): one
server for the module, stopped once a model is registered and cached.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from station_models_support import FAST_PARAMS, SMALL

from mlflow_rest_sdk.errors import APIConnectionError
from mlflow_rest_sdk.local_server import LocalMlflowServer, find_free_port
from water_models import ModelManager
from water_models.data import validate_station_frame
from water_models.synthetic import generate_station_data

pytestmark = pytest.mark.xdist_group("water-models-offline")


@dataclass(frozen=True)
class Offline:
    dead_uri: str
    root: Path
    station: str
    version_label: str

    def manager(self, cache: str) -> ModelManager:
        return ModelManager(
            self.dead_uri, models_dir=self.root / "models", cache_dir=self.root / cache
        )


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Offline]:
    """A model registered and loaded once (filling the cache), then the server stopped."""
    root = tmp_path_factory.mktemp("water-offline")
    station = "offline-1"
    data = validate_station_frame(generate_station_data(station, config=SMALL), station)
    server = LocalMlflowServer(root / "server", port=find_free_port(), startup_timeout=300)
    with server:
        with ModelManager(
            server.url, models_dir=root / "models", cache_dir=root / "cache"
        ) as manager:
            result = manager.train(station, "xgboost", data, params=FAST_PARAMS["xgboost"])
            label = manager.register_model_in_mlflow(station, "xgboost", result).version_label
            loaded = manager.load_model(station, "xgboost")
            assert loaded is not None and loaded.source == "mlflow"
        uri = server.url
    yield Offline(uri, root, station, label)


def test_a_stopped_server_serves_the_cached_model(offline: Offline) -> None:
    with offline.manager("cache") as manager:
        loaded = manager.load_model(offline.station, "xgboost")
    assert loaded is not None
    assert (loaded.source, loaded.version_label, loaded.alias) == (
        "cache",
        offline.version_label,
        "champion",
    )


def test_the_offline_fallback_is_logged_as_a_warning(
    offline: Offline, caplog: pytest.LogCaptureFixture
) -> None:
    with offline.manager("cache") as manager, caplog.at_level("WARNING", "water_models"):
        manager.load_model(offline.station, "xgboost")
    assert "cannot be reached" in caplog.text


def test_with_the_cache_empty_the_local_model_file_is_served(offline: Offline) -> None:
    with offline.manager("empty-cache") as manager:
        loaded = manager.load_model(offline.station, "xgboost")
        path = manager.get_model_path(offline.station, "xgboost")
    assert loaded is not None
    assert (loaded.source, loaded.version_label) == ("local", offline.version_label)
    assert path.is_file()


def test_with_neither_cache_nor_local_file_nothing_is_loaded(offline: Offline) -> None:
    bare = Offline(offline.dead_uri, offline.root / "bare", offline.station, "")
    shutil.rmtree(bare.root, ignore_errors=True)
    with bare.manager("cache") as manager:
        assert manager.load_model(offline.station, "xgboost") is None


def test_an_unreachable_server_is_not_reported_as_a_missing_model(offline: Offline) -> None:
    with offline.manager("cache") as manager, pytest.raises(APIConnectionError):
        manager.get_model_from_mlflow(offline.station, "xgboost")
