"""``water-models demo`` (what ``make demo`` runs) end to end, with its own MLflow server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_the_demo_runs_the_whole_lifecycle_and_works_offline(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    env["COLUMNS"] = "160"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "water_models",
            "demo",
            "--stations",
            "2",
            "--data-dir",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    out = completed.stdout
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Champions in service" in out
    assert "xgboost_v1.0.0_station_2" in out and "baseline_v1.0.0_station_2" in out
    assert "Served while MLflow is down" in out
    assert "comes from the local model file" in out
    assert "/#/models" in out
    assert (tmp_path / "mlflow.db").is_file()
