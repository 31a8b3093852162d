"""What the serving tests share: the service in a real uvicorn process, a fleet, and readings.

The service runs as ``python -m water_models serve`` in its own session (so stopping it stops
uvicorn and its workers), through the package's runner (:mod:`water_models.serving.process`, which
the demo uses too), configured through the environment, as in production.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station_models_support import FAST_PARAMS, SMALL

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.local_server import find_free_port
from water_models import ModelManager, RegistrationResult, naming
from water_models.data import validate_station_frame
from water_models.serving import process as water_serving
from water_models.synthetic import generate_station_data

#: A short interval so promotions show within seconds; the jitter keeps the real code path.
TEST_REFRESH = {"WATER_MODELS_REFRESH_INTERVAL": "0.5", "WATER_MODELS_REFRESH_JITTER": "0.2"}
#: Backoff capped low: an outage test must not wait minutes for the service to try again.
TEST_BACKOFF = {"WATER_MODELS_BACKOFF_MAX": "1.0"}
STARTUP_TIMEOUT = 120.0


class ServiceProcess(water_serving.ServiceProcess):
    """The package's runner on a free port, with the tests' short intervals; push on when given
    a secret (MLflow then reaches the service at its own URL)."""

    def __init__(
        self,
        root: Path,
        env: Mapping[str, str],
        *,
        workers: int = 1,
        webhook_secret: str | None = None,
    ) -> None:
        port = find_free_port()
        settings = {**TEST_REFRESH, **TEST_BACKOFF, **env}
        if webhook_secret is not None:
            settings["WATER_MODELS_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
        super().__init__(
            port,
            ["--workers", str(workers)],
            env=settings,
            log_path=root / f"service-{port}.log",
            webhook_secret=webhook_secret,
        )

    def start(self, timeout: float = STARTUP_TIMEOUT) -> ServiceProcess:
        super().start(timeout)
        return self

    def log(self) -> str:
        return self.log_tail(6000)

    def models(self) -> dict[str, dict[str, Any]]:
        return {row["station_id"]: row for row in self.http.get("/models").json()}


def service_env(tracking_uri: str, home: Path, station_prefix: str) -> dict[str, str]:
    return {
        "MLFLOW_TRACKING_URI": tracking_uri,
        "WATER_MODELS_HOME": str(home),
        "WATER_MODELS_CACHE_DIR": str(home / "cache"),
        "WATER_MODELS_MODELS_DIR": str(home / "models"),
        "WATER_MODELS_STATION_PREFIX": station_prefix,
    }


@dataclass
class Fleet:
    """Stations trained and registered on a server (by a trainer with its own folders)."""

    uri: str
    root: Path
    stations: list[str]

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


def readings(station: str, hours: int = 30) -> list[dict[str, Any]]:
    """The station's last ``hours`` readings as the service takes them (null for gaps)."""
    frame = validate_station_frame(generate_station_data(station, config=SMALL, seed=7), station)
    rows = []
    for row in frame.tail(hours).to_dict("records"):
        rows.append(
            {
                key: value.isoformat()
                if key == "timestamp"
                else (None if value != value else float(value))
                for key, value in row.items()
            }
        )
    return rows
