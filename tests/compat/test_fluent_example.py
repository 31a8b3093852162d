"""``examples/train_fluent.py`` runs unchanged under ``import mlflow`` and under ``import
mlflow_rest_sdk.compat as mlflow``: the script as shipped, and a copy whose one import line is
MLflow's, each run against the live server on its own experiment, store the same runs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import mlflow

from .server_state import experiment_state
from .sides import Side

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "train_fluent.py"
COMPAT_IMPORT = "import mlflow_rest_sdk.compat as mlflow\n"


def _run(script: Path, tracking_uri: str, experiment: str) -> str:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("MLFLOW_")}
    environment |= {"MLFLOW_TRACKING_URI": tracking_uri, "MLFLOW_EXPERIMENT_NAME": experiment}
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=script.parent,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_example_stores_the_same_runs_under_mlflow_and_under_compat(
    tracking_uri: str,
    mlflow_client: mlflow.MlflowClient,
    unique_name: Callable[[str], str],
) -> None:
    shipped = EXAMPLE.read_text()
    assert shipped.count(COMPAT_IMPORT) == 1
    # The copy sits next to the original: both run from the same folder of the same repository.
    with_mlflow = EXAMPLE.with_name(f".{unique_name('mlflow')}.py")
    with_mlflow.write_text(shipped.replace(COMPAT_IMPORT, "import mlflow\n"))
    prefix = unique_name("example")
    sides = {label: Side(label, None, mlflow, prefix) for label in ("mlflow", "compat")}
    try:
        outputs = {
            "mlflow": _run(with_mlflow, tracking_uri, sides["mlflow"].name("exp")),
            "compat": _run(EXAMPLE, tracking_uri, sides["compat"].name("exp")),
        }
    finally:
        with_mlflow.unlink()

    # MLflow also prints a "View run" line per ended run; the script's own line comes last.
    assert outputs["compat"].splitlines()[-1] == outputs["mlflow"].splitlines()[-1]
    for label, side in sides.items():
        experiment = mlflow_client.get_experiment_by_name(side.name("exp"))
        assert experiment is not None
        side.experiment_id = side.recorder.alias(experiment.experiment_id, "exp")
        side.recorder.alias(side.name("exp"), "exp-name")
        for run in mlflow_client.search_runs([experiment.experiment_id]):
            side.recorder.alias(run.info.run_id, run.info.run_name)
        script = with_mlflow if label == "mlflow" else EXAMPLE
        side.recorder.alias(str(script), "script")
    assert experiment_state(mlflow_client, sides["compat"]) == experiment_state(
        mlflow_client, sides["mlflow"]
    )
