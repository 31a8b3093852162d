"""Third-party generators the tests run, installed once per machine into the git-ignored build/.

Each tool lives in a cache folder named after the hash of what pins it (a requirements file, a
package-lock.json), so changing a pin installs afresh and an unchanged pin installs nothing. A
tool is installed into a private staging folder and renamed into place when complete: a
concurrent test process (pytest-xdist) or an interrupted install never leaves a half-installed
tool behind that a later run would trust.

- ``python_tool_env``: a virtual environment of its own (the tool's dependencies, e.g. httpx, must
  not replace the SDK's in the test environment); its interpreter runs the tool with ``-m``,
  which keeps working after the rename (console-script shebangs would not).
- ``node_modules_for``: ``npm ci`` of a package.json and package-lock.json pair.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS_CACHE = ROOT / "build" / "tools"
INSTALL_TIMEOUT = 600.0


def _digest(*files: Path) -> str:
    hasher = hashlib.sha256()
    for file in files:
        hasher.update(file.name.encode())
        hasher.update(file.read_bytes())
    return hasher.hexdigest()[:16]


def _run(command: list[str], cwd: Path | None = None) -> None:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()[-4000:]
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{output}")


def _install_once(target: Path, build: Callable[[Path], None]) -> Path:
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    try:
        build(staging)
        try:
            staging.rename(target)
        except OSError:
            if not target.exists():  # lost no race: a real failure
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _build_venv(requirements: Path, staging: Path) -> None:
    _run([sys.executable, "-m", "venv", str(staging)])
    python = str(staging / "bin" / "python")
    _run([python, "-m", "pip", "install", "--quiet", "--no-deps", "-r", str(requirements)])


def _build_node_modules(package_json: Path, lock: Path, staging: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: install Node.js (20 or newer) and npm")
    shutil.copy2(package_json, staging / "package.json")
    shutil.copy2(lock, staging / "package-lock.json")
    _run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=staging)


def python_tool_env(name: str, requirements: Path) -> Path:
    """The interpreter of a virtual environment holding exactly ``requirements`` (fully pinned,
    installed without resolving dependencies, so the lock is what runs)."""
    target = TOOLS_CACHE / f"{name}-{_digest(requirements)}"
    return _install_once(target, partial(_build_venv, requirements)) / "bin" / "python"


def node_modules_for(name: str, package_json: Path, lock: Path) -> Path:
    """The ``node_modules`` folder that ``npm ci`` installs from a package.json and its lock."""
    target = TOOLS_CACHE / f"{name}-{_digest(package_json, lock)}"
    return _install_once(target, partial(_build_node_modules, package_json, lock)) / "node_modules"
