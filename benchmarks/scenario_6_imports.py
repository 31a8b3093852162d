"""Scenario 6: import time and peak memory, each import in a fresh interpreter.

The child times only the import statement (interpreter start-up is the same for everyone) and
reads its own VmHWM right after. Children run with ``-I`` (no user site, no PYTHON* variables),
interleaved, in an order rotated each repeat. The SDK is measured in a venv without mlflow,
water_models in one with only its ``water`` extra, mlflow in the project's venv.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.context import Context
from benchmarks.results import ScenarioResult
from benchmarks.targets import Kind, Target
from benchmarks.timing import rotate
from benchmarks.venvs import ROOT, ensure_venv

KEY = "6-imports"
TITLE = "import time and peak RSS in fresh processes"
TIME = "import time"
RSS = "peak RSS"
MLFLOW_IMPORT = "import mlflow"
STATEMENTS = {
    "import mlflow_rest_sdk": "import mlflow_rest_sdk",
    "from mlflow_rest_sdk import MlflowClient": "from mlflow_rest_sdk import MlflowClient",
    "import water_models": "import water_models",
    # MLflow code moving over changes only its import line (docs/migrating.md).
    "import mlflow_rest_sdk.compat as mlflow": "import mlflow_rest_sdk.compat as mlflow",
    MLFLOW_IMPORT: "import mlflow",
}
SUBJECTS = [name for name in STATEMENTS if name != MLFLOW_IMPORT]

TARGETS = [
    target
    for name in SUBJECTS
    for target in (
        Target(KEY, TIME, name, Kind.AT_LEAST_RATIO, 5.0, (MLFLOW_IMPORT,), ">= 5x faster"),
        Target(KEY, RSS, name, Kind.AT_LEAST_RATIO, 3.0, (MLFLOW_IMPORT,), ">= 3x smaller"),
    )
]

_CHILD = """
import json, time
started = time.perf_counter()
{statement}
seconds = time.perf_counter() - started
with open("/proc/self/status") as status:
    hwm = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
print(json.dumps({{"seconds": seconds, "hwm_kib": hwm}}))
"""


def _probe(python: Path, statement: str) -> tuple[float, float]:
    """(seconds, MiB) of one import in a fresh ``python -I``."""
    out = subprocess.run(
        [str(python), "-I", "-c", _CHILD.format(statement=statement)],
        check=True,
        capture_output=True,
        text=True,
        cwd="/",
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    return float(data["seconds"]), data["hwm_kib"] / 1024


def _import_profile(python: Path, statement: str, path: Path) -> None:
    """``-X importtime`` of one import, for finding what a slow import spends its time on."""
    done = subprocess.run(
        [str(python), "-I", "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        cwd="/",
    )
    path.write_text(done.stderr)


def run(ctx: Context) -> ScenarioResult:
    result = ScenarioResult(KEY, TITLE)
    venvs = ROOT / "build" / "bench"
    sdk = ensure_venv(venvs / "sdk-venv", ".")
    water = ensure_venv(venvs / "water-venv", ".", "./water-models")
    pythons = {
        "import mlflow_rest_sdk": sdk,
        "from mlflow_rest_sdk import MlflowClient": sdk,
        "import water_models": water,
        "import mlflow_rest_sdk.compat as mlflow": sdk,
        MLFLOW_IMPORT: Path(sys.executable),
    }
    for name in STATEMENTS:  # warm the page cache: the first start reads every file from disk
        _probe(pythons[name], STATEMENTS[name])
    times: dict[str, list[float]] = {}
    peaks: dict[str, list[float]] = {}
    for repeat in range(ctx.sizes.import_repeats):
        for name in rotate(list(STATEMENTS), repeat):
            seconds, mib = _probe(pythons[name], STATEMENTS[name])
            times.setdefault(name, []).append(seconds * 1e3)
            peaks.setdefault(name, []).append(mib)
    for name in STATEMENTS:
        result.add(TIME, name, "ms", times[name])
    for name in STATEMENTS:
        result.add(RSS, name, "MiB", peaks[name])
    if ctx.profile_dir is not None:
        ctx.profile_dir.mkdir(parents=True, exist_ok=True)
        for name, statement in STATEMENTS.items():
            file_name = "importtime_" + name.replace(" ", "_") + ".txt"
            _import_profile(pythons[name], statement, ctx.profile_dir / file_name)
    result.notes.append(
        f"{ctx.sizes.import_repeats} fresh interpreters per import, interleaved; the SDK from "
        "build/bench/sdk-venv (the SDK alone, as a wheel), water_models from "
        "build/bench/water-venv (its `water` extra), mlflow from the project's .venv."
    )
    result.notes.append("Peak RSS is VmHWM after the import, interpreter included.")
    return result
