"""Throwaway virtualenvs without mlflow, so import figures are what other teams would see.

In the project's venv, httpx finds mlflow's optional dependencies and imports more than it would
for a team that installs only the SDK. The SDK is installed as a wheel would be (not editable,
bytecode compiled), because an editable install of an uncompiled tree would time the compiler.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["ROOT", "ensure_venv", "find_uv"]

ROOT = Path(__file__).resolve().parent.parent


def find_uv() -> str:
    """uv from PATH, else the Makefile's bootstrap copy."""
    found = shutil.which("uv")
    if found:
        return found
    bootstrap = ROOT / "build" / "uv-bootstrap" / "bin" / "uv"
    if bootstrap.exists():
        return str(bootstrap)
    raise RuntimeError("uv is neither on PATH nor in build/uv-bootstrap (run `make venv`)")


def ensure_venv(path: Path, *specs: str) -> Path:
    """Create ``path`` if needed and install this tree's ``specs`` (e.g. ``.``) into it.

    The SDK and water-models (the repository's two distributions) are reinstalled every time
    so the figures are for the tree as it is now.
    Returns the venv's interpreter.
    """
    uv = find_uv()
    python = path / "bin" / "python"
    if not python.exists():
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(path)], check=True)
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--compile-bytecode",
            "--reinstall-package",
            "mlflow-rest-sdk",
            "--reinstall-package",
            "water-models",
            "--python",
            str(python),
            *specs,
        ],
        check=True,
        cwd=ROOT,
    )
    return python
