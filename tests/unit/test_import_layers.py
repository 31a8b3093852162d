"""The import layers (`.importlinter`, run by `make lint`) hold, and each contract fails when
the import it forbids is written: checked on a copy of the packages with one import added."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / ".importlinter"
PACKAGES = ("mlflow_rest_sdk", "water_models")


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations is not None
    return Path(next(iter(spec.submodule_search_locations)))


@pytest.fixture
def packages_copy(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(
            _package_dir(name), tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def _lint_imports(path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(path), env.get("PYTHONPATH", "")])
    lint_imports = Path(sys.executable).with_name("lint-imports")
    command = [str(lint_imports), "--config", str(CONFIG), "--no-cache"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def _add_import(root: Path, module: str, statement: str) -> None:
    path = root.joinpath(*module.split(".")).with_suffix(".py")
    path.write_text(path.read_text() + f"\n{statement}\n")


def _broken(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout
    return result.stdout


def test_the_packages_keep_every_import_contract() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_runtime_importing_generated_code_breaks_the_sdk_layers(packages_copy: Path) -> None:
    _add_import(packages_copy, "mlflow_rest_sdk._runtime.wire", "import mlflow_rest_sdk._generated")
    assert "SDK layers" in _broken(_lint_imports(packages_copy)).split("Broken contracts")[1]


def test_generated_code_importing_a_helper_breaks_the_sdk_layers(packages_copy: Path) -> None:
    _add_import(
        packages_copy, "mlflow_rest_sdk._generated.errors", "import mlflow_rest_sdk.artifacts"
    )
    assert "SDK layers" in _broken(_lint_imports(packages_copy)).split("Broken contracts")[1]


def test_water_models_importing_a_private_sdk_module_breaks_its_contract(
    packages_copy: Path,
) -> None:
    _add_import(packages_copy, "water_models.naming", "import mlflow_rest_sdk._runtime.wire")
    report = _broken(_lint_imports(packages_copy)).split("Broken contracts")[1]
    assert "water_models imports only the SDK's public modules" in report


def test_an_import_cycle_breaks_the_no_cycles_contract(packages_copy: Path) -> None:
    _add_import(
        packages_copy, "mlflow_rest_sdk._runtime.urls", "import mlflow_rest_sdk._runtime.wire"
    )
    _add_import(
        packages_copy, "mlflow_rest_sdk._runtime.wire", "import mlflow_rest_sdk._runtime.urls"
    )
    report = _broken(_lint_imports(packages_copy)).split("Broken contracts")[1]
    assert "No import cycles" in report


def test_webhooks_importing_the_runtime_breaks_its_contract(packages_copy: Path) -> None:
    _add_import(
        packages_copy,
        "mlflow_rest_sdk.webhooks.verification",
        "import mlflow_rest_sdk._runtime.wire",
    )
    report = _broken(_lint_imports(packages_copy)).split("Broken contracts")[1]
    assert "webhooks needs neither the clients" in report
