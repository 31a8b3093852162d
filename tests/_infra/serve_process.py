"""A ``water-models serve`` process in its own session, and readings as the service takes them.

Shared by the serving tests and the fleet benchmark (scenario 9): both start the real service,
configured only through the environment, as in production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
from tests.water_models.station_models_support import SMALL

from mlflow_rest_sdk.local_server import find_free_port
from water_models.data import validate_station_frame
from water_models.synthetic import generate_station_data

#: A short interval so promotions show within seconds; the jitter keeps the real code path.
TEST_REFRESH = {"WATER_MODELS_REFRESH_INTERVAL": "0.5", "WATER_MODELS_REFRESH_JITTER": "0.2"}
#: Backoff capped low: an outage test must not wait minutes for the service to try again.
TEST_BACKOFF = {"WATER_MODELS_BACKOFF_MAX": "1.0"}
STARTUP_TIMEOUT = 120.0


class ServiceProcess:
    """``water-models serve`` on a free loopback port; :meth:`stop` ends its process group."""

    def __init__(
        self,
        root: Path,
        env: Mapping[str, str],
        *,
        workers: int = 1,
        webhook_secret: str | None = None,
    ) -> None:
        self.root = root
        self.port = find_free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = root / f"service-{self.port}.log"
        self._env = {**os.environ, **TEST_REFRESH, **TEST_BACKOFF, **env}
        if webhook_secret is not None:  # push on: MLflow reaches the service at its own URL
            self._env["WATER_MODELS_PUBLIC_URL"] = self.url
            self._env["WATER_MODELS_WEBHOOK_SECRET"] = webhook_secret
        self._workers = workers
        self._process: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(base_url=self.url, timeout=30.0, trust_env=False)

    def start(self) -> ServiceProcess:
        self.root.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "water_models", "serve", "--port", str(self.port)]
        command += ["--workers", str(self._workers)]
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            self._answers, STARTUP_TIMEOUT, lambda: f"the service did not start:\n{self.log()}"
        )
        return self

    def _answers(self) -> bool:
        assert self._process is not None
        if self._process.poll() is not None:
            raise AssertionError(f"the service exited:\n{self.log()}")
        try:
            return self.http.get("/health").status_code == 200
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        process, self._process = self._process, None
        self.http.close()
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""

    def health(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.http.get("/health").json()
        return answer

    def models(self) -> dict[str, dict[str, Any]]:
        return {row["station_id"]: row for row in self.http.get("/models").json()}

    def wait_until(self, check: Callable[[], bool], timeout: float, what: str) -> float:
        """Seconds until ``check`` held; fails naming ``what`` and the service log."""
        return wait_for(check, timeout, lambda: f"{what} within {timeout} s:\n{self.log()}")


def wait_for(check: Callable[[], bool], timeout: float, message: Callable[[], str]) -> float:
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
