"""A ``water-models serve`` process for tests and the fleet benchmark, and readings as the
service takes them.

Built on the package's runner (:mod:`water_models.serving.process`, which the demo uses too): a
free loopback port, the tests' short refresh and backoff, push on when given a secret (MLflow then
reaches the service at its own URL), configured only through the environment, as in production.
Shared by the serving tests and scenario 9.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tests.water_models.station_models_support import SMALL

from mlflow_rest_sdk.local_server import find_free_port
from water_models.data import validate_station_frame
from water_models.serving.process import ServiceProcess as PackageServiceProcess
from water_models.synthetic import generate_station_data

#: A short interval so promotions show within seconds; the jitter keeps the real code path.
TEST_REFRESH = {"WATER_MODELS_REFRESH_INTERVAL": "0.5", "WATER_MODELS_REFRESH_JITTER": "0.2"}
#: Backoff capped low: an outage test must not wait minutes for the service to try again.
TEST_BACKOFF = {"WATER_MODELS_BACKOFF_MAX": "1.0"}
STARTUP_TIMEOUT = 120.0


class ServiceProcess(PackageServiceProcess):
    """The package's runner on a free port, with the tests' short intervals."""

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


def wait_for(check: Callable[[], bool], timeout: float, message: Callable[[], str]) -> float:
    """Seconds until ``check`` held; fails with ``message()`` past ``timeout``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(message())
        time.sleep(0.05)
    return time.monotonic() - started


def service_env(tracking_uri: str, home: Path, station_prefix: str) -> dict[str, str]:
    return {
        "MLFLOW_TRACKING_URI": tracking_uri,
        "WATER_MODELS_HOME": str(home),
        "WATER_MODELS_CACHE_DIR": str(home / "cache"),
        "WATER_MODELS_MODELS_DIR": str(home / "models"),
        "WATER_MODELS_STATION_PREFIX": station_prefix,
    }


def readings(station: str, hours: int = 30) -> list[dict[str, Any]]:
    """The station's last ``hours`` readings as the service takes them (null for gaps)."""
    frame = validate_station_frame(generate_station_data(station, config=SMALL, seed=7), station)
    rows: list[dict[str, Any]] = []
    for row in frame.tail(hours).to_dict("records"):
        rows.append(
            {
                str(key): value.isoformat()
                if key == "timestamp"
                else (None if value != value else float(value))
                for key, value in row.items()
            }
        )
    return rows
