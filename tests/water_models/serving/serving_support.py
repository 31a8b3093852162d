"""What the serving tests share: the service in a real uvicorn process, a fleet, and readings.

The service runs as ``python -m water_models serve`` in its own session (so stopping it stops
uvicorn and its workers), through the package's runner (:mod:`water_models.serving.process`,
which the demo uses too), configured through the environment, as in production
(:mod:`tests._infra.serve_process`, shared with the fleet benchmark).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station_models_support import FAST_PARAMS, SMALL
from tests._infra.serve_process import (
    STARTUP_TIMEOUT,
    TEST_BACKOFF,
    TEST_REFRESH,
    ServiceProcess,
    readings,
    service_env,
    wait_for,
)

from mlflow_rest_sdk import MlflowClient
from water_models import ModelManager, RegistrationResult, naming
from water_models.data import validate_station_frame
from water_models.synthetic import generate_station_data

__all__ = [
    "STARTUP_TIMEOUT",
    "TEST_BACKOFF",
    "TEST_REFRESH",
    "Fleet",
    "ServiceProcess",
    "readings",
    "register_fleet",
    "service_env",
    "wait_for",
]


@dataclass
class Fleet:
    """Stations trained and registered on a server (by a trainer with its own folders)."""

    uri: str
    root: Path
    stations: list[str]

    @property
    def prefix(self) -> str:
        """The station prefix every station of this fleet starts with (``xx123456-``)."""
        return self.stations[0].rsplit("-", 1)[0] + "-"

    def manager(self) -> ModelManager:
        return ModelManager(
            self.uri, models_dir=self.root / "trainer-models", cache_dir=self.root / "trainer-cache"
        )

    def register(self, station: str, params: str = "fast", seed: int = 0) -> RegistrationResult:
        """Train and register a new version (promoted only if it beats the champion)."""
        chosen = FAST_PARAMS["xgboost"] if params == "fast" else {"n_estimators": 3, "max_depth": 1}
        data = validate_station_frame(
            generate_station_data(station, config=SMALL, seed=seed), station
        )
        with self.manager() as manager:
            result = manager.train(station, "xgboost", data, params=chosen)
            return manager.register_model_in_mlflow(station, "xgboost", result)

    def promote(self, station: str, version: str) -> None:
        with MlflowClient(self.uri) as client:
            client.set_registered_model_alias(
                name=naming.registered_model_name(station, "xgboost"),
                alias=naming.CHAMPION,
                version=version,
            )


def register_fleet(uri: str, root: Path, stations: list[str]) -> Fleet:
    fleet = Fleet(uri, root, stations)
    for station in stations:
        fleet.register(station)
    return fleet
