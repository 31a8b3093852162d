"""Run the installed ``mlflow-rest doctor`` console script the way a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The doctor's own timeouts are 5 s per call; this only stops a hung test.
SCRIPT_TIMEOUT = 120.0
#: Variables a developer's shell may carry that would change what the doctor connects to.
SDK_VARIABLES = (
    "MLFLOW_TRACKING_URI",
    "MLFLOW_API_BASE_URL",
    "MLFLOW_TRACKING_USERNAME",
    "MLFLOW_TRACKING_PASSWORD",
    "MLFLOW_TRACKING_TOKEN",
    "MLFLOW_USERNAME",
    "MLFLOW_PASSWORD",
)


@dataclass(frozen=True)
class DoctorRun:
    returncode: int
    stdout: str
    stderr: str

    def report(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.stdout)
        return parsed

    def check(self, name: str) -> dict[str, Any]:
        matches = [c for c in self.report()["checks"] if c["check"] == name]
        assert len(matches) == 1, f"expected one {name!r} check in {self.stdout}"
        return matches[0]


def console_script() -> str:
    """The installed ``mlflow-rest`` script next to this interpreter (the venv's)."""
    found = shutil.which("mlflow-rest", path=str(Path(sys.executable).parent))
    assert found is not None, "mlflow-rest is not installed: run `make venv`"
    return found


def run_doctor(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> DoctorRun:
    """``mlflow-rest doctor ARGS`` in a subprocess, in ``cwd`` (pick one without a ``.env``),
    with the SDK's variables removed from our environment and ``env`` added."""
    environment = {k: v for k, v in os.environ.items() if k not in SDK_VARIABLES}
    completed = subprocess.run(
        [console_script(), "doctor", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**environment, **(env or {})},
        timeout=SCRIPT_TIMEOUT,
        check=False,
    )
    return DoctorRun(completed.returncode, completed.stdout, completed.stderr)
