"""water_models against a real MLflow 2.0.1 server, which has no registered-model aliases
(2.3.0): registration is refused before it writes anything, so no model version is left
without its champion or challenger alias."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from tests.releases.conftest import OldServer
from tests.water_models.station_models_support import FAST_PARAMS, SMALL

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.errors import EndpointNotServed
from water_models import ModelManager, naming
from water_models.data import validate_station_frame
from water_models.synthetic import generate_station_data


def test_registration_on_a_server_without_aliases_is_refused_before_anything_is_written(
    server_2_0: OldServer, tmp_path: Path
) -> None:
    station = f"a{uuid.uuid4().hex[:10]}"
    frame = validate_station_frame(generate_station_data(station, config=SMALL), station)
    with ModelManager(
        server_2_0.url, models_dir=tmp_path / "models", cache_dir=tmp_path / "cache"
    ) as manager:
        result = manager.train(station, "xgboost", frame, params=FAST_PARAMS["xgboost"])
        with pytest.raises(
            EndpointNotServed, match=r"get_model_version_by_alias: .* needs MLflow >= 2\.3\.0"
        ):
            manager.register_model_in_mlflow(station, "xgboost", result)

    with MlflowClient(server_2_0.url) as client:
        name = naming.registered_model_name(station, "xgboost")
        assert list(client.search_registered_models_iter(filter=f"name = '{name}'")) == []
        experiment = naming.experiment_name(station)
        assert [e.name for e in client.search_experiments_iter()].count(experiment) == 0
