"""``water-models demo`` (what ``make demo`` runs) end to end, with its own MLflow server.

The demo runs once for the module (it takes about a minute); each test reads one behaviour from
its output and its data folder. Its serving step runs ``water-models serve`` beside that server
with push on: a promotion must reach the service through MLflow's webhook within
:data:`PUSH_BOUND_S`, and the service must predict on, ``degraded``, once the server is stopped.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("water-models-demo")

#: "Within about a second" on an idle machine; room for a loaded two-core one.
PUSH_BOUND_S = 5.0
_PROMOTION = re.compile(
    r"answered with version (\d+) ([\d.]+) s after the promotion, through ([^\n]+)"
)


@dataclass(frozen=True)
class DemoRun:
    out: str
    data_dir: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    data_dir = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env["COLUMNS"] = "160"
    command = [sys.executable, "-m", "water_models", "demo", "--stations", "2"]
    completed = subprocess.run(
        [*command, "--data-dir", str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:] + completed.stdout[-3000:]
    return DemoRun(completed.stdout, data_dir)


def test_the_demo_trains_registers_and_loads_every_station(demo: DemoRun) -> None:
    assert "Champions in service" in demo.out
    assert "xgboost_v1.0.0_station_2" in demo.out and "baseline_v1.0.0_station_2" in demo.out
    assert (demo.data_dir / "mlflow.db").is_file()
    assert "/#/models" in demo.out


def test_the_demo_service_answers_readings_with_push_active(demo: DemoRun) -> None:
    assert "push: active" in demo.out
    assert "Answered by water-models serve" in demo.out
    assert "forecasts of 4 station models in one POST /predict" in demo.out  # 2 x 2 types


def test_a_promotion_reaches_the_demo_service_through_the_webhook_within_the_bound(
    demo: DemoRun,
) -> None:
    promotion = _PROMOTION.search(demo.out)

    assert promotion is not None, demo.out[-4000:]
    assert float(promotion.group(2)) < PUSH_BOUND_S
    assert "webhook" in promotion.group(3)  # a delivery was accepted (a listing may run too)


def test_with_mlflow_stopped_the_demo_service_predicts_on_and_says_degraded(
    demo: DemoRun,
) -> None:
    assert "/health: status degraded" in demo.out and "MLflow reachable: False" in demo.out
    assert "Answered by water-models serve while MLflow is down" in demo.out


def test_the_demo_stops_its_service_and_removes_its_webhook(demo: DemoRun) -> None:
    service_log = (demo.data_dir / "water-models" / "serving" / "service.log").read_text()
    assert "Finished server process" in service_log
    with sqlite3.connect(demo.data_dir / "mlflow.db") as database:
        rows = database.execute("SELECT url, deleted_timestamp FROM webhooks").fetchall()
    assert rows and all(deleted is not None for _, deleted in rows), rows


def test_offline_the_demo_loads_from_the_cache_then_the_local_file(demo: DemoRun) -> None:
    assert "Loaded by ModelManager while MLflow is down" in demo.out
    assert "comes from the local model file" in demo.out
