"""The repository's two distributions, each built as a wheel and installed alone.

Other teams install ``mlflow-rest-sdk`` by itself: its wheel must hold the SDK and nothing of
``water_models``, and the SDK must import without it. ``water-models`` depends on the SDK and
brings the ``water-models`` command with everything it needs (the bug this guards against:
``water-models --help`` failing on a missing ``rich``). Both wheels are built from this tree into
a temporary folder and installed into fresh virtualenvs with uv (its cache keeps this quick).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from benchmarks.venvs import ROOT, find_uv

# One worker builds both wheels once (the Makefile runs pytest with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("distributions")

SDK_PROJECT = ROOT
WATER_PROJECT = ROOT / "water-models"


@dataclass(frozen=True)
class Wheels:
    sdk: Path
    water: Path


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, check=False
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _build(project: Path, out: Path) -> Path:
    _run(find_uv(), "build", "--wheel", "--quiet", "--out-dir", out, project)
    (wheel,) = out.glob("*.whl")
    return wheel


def _fresh_env(path: Path, *wheels: Path) -> Path:
    """A new virtualenv at ``path`` holding only ``wheels`` and their dependencies."""
    uv = find_uv()
    _run(uv, "venv", "--quiet", "--python", sys.executable, path)
    python = path / "bin" / "python"
    _run(uv, "pip", "install", "--quiet", "--python", python, *wheels)
    return python


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Wheels:
    root = tmp_path_factory.mktemp("wheels")
    return Wheels(
        sdk=_build(SDK_PROJECT, root / "sdk"), water=_build(WATER_PROJECT, root / "water")
    )


def _top_level(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name.split("/", 1)[0] for name in archive.namelist()}


def test_the_sdk_wheel_holds_only_the_sdk(wheels: Wheels) -> None:
    top = _top_level(wheels.sdk)
    dist_info = {name for name in top if name.endswith(".dist-info")}
    assert top - dist_info == {"mlflow_rest_sdk"}
    with zipfile.ZipFile(wheels.sdk) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = archive.read(entry_points).decode()
    assert "mlflow_rest_sdk/py.typed" in names
    assert "mlflow_rest_sdk/_generated/openapi.json" in names  # `mlflow-rest openapi` prints it
    assert "mlflow-rest = mlflow_rest_sdk.cli:main" in scripts
    assert "water" not in scripts


def test_the_water_models_wheel_holds_only_water_models(wheels: Wheels) -> None:
    top = _top_level(wheels.water)
    dist_info = {name for name in top if name.endswith(".dist-info")}
    assert top - dist_info == {"water_models"}


def test_the_sdk_installs_and_imports_alone(wheels: Wheels, tmp_path: Path) -> None:
    python = _fresh_env(tmp_path / "sdk-env", wheels.sdk)
    _run(python, "-c", "import mlflow_rest_sdk; mlflow_rest_sdk.MlflowClient")
    missing = subprocess.run(
        [str(python), "-c", "import water_models"], capture_output=True, text=True, check=False
    )
    assert missing.returncode != 0
    assert "No module named 'water_models'" in missing.stderr
    assert not (tmp_path / "sdk-env" / "bin" / "water-models").exists()


def test_water_models_installs_with_the_sdk_and_its_command_runs(
    wheels: Wheels, tmp_path: Path
) -> None:
    env = tmp_path / "water-env"
    _fresh_env(env, wheels.sdk, wheels.water)
    done = _run(env / "bin" / "water-models", "--help")
    assert "usage" in done.stdout.lower()
