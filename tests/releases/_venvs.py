"""Virtual environments of older MLflow releases, made with ``uv`` once per machine and cached.

Each release lives in ``build/mlflow-releases/<version>-<hash of its requirements>``
(git-ignored), so a changed requirement gets a fresh environment. It is built in a
private folder beside it and renamed into place, so a concurrent session either sees a whole
environment or none; the environment is relocatable (``uv venv --relocatable``), so its scripts
keep working after the rename.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "build" / "mlflow-releases"
#: What each release needs besides ``mlflow==<release>``: 2.22.5 and 3.0.1 both import
#: SQLAlchemy's ``FallbackAsyncAdaptedQueuePool``, which 2.0.42 removed. 2.0.1 is the last
#: release that answers store lock errors as 400 (``test_lock_errors_on_2_0.py``).
EXTRA_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    # 2.0.1 imports ``pkg_resources``, which setuptools 81 removed and uv does not install.
    "2.0.1": ("setuptools<70",),
    "2.22.5": ("sqlalchemy<2.0.42",),
    "3.0.1": ("sqlalchemy<2.0.42",),
}
_PYTHON = "3.11"
_INSTALL_TIMEOUT = 1200.0


def find_uv() -> Path:
    """``uv`` from PATH, else the copy ``make venv`` bootstraps under ``build/uv-bootstrap``."""
    found = shutil.which("uv") or shutil.which("uv", path=str(REPO / "build/uv-bootstrap/bin"))
    if found is None:
        raise RuntimeError("uv is needed to build old MLflow environments: run `make venv`")
    return Path(found)


def mlflow_environment(release: str, cache: Path = CACHE) -> Path:
    """The folder of a virtual environment with ``mlflow==release`` installed (built first when
    it is not cached yet)."""
    requirements = [f"mlflow=={release}", *EXTRA_REQUIREMENTS.get(release, ())]
    digest = hashlib.sha256("\n".join(requirements).encode()).hexdigest()[:8]
    target = cache / f"{release}-{digest}"
    if (target / "bin" / "mlflow").exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    uv = str(find_uv())
    staging = Path(tempfile.mkdtemp(dir=cache, prefix=f".building-{release}-"))
    try:
        venv = staging / "venv"
        _run([uv, "venv", "--quiet", "--relocatable", "--python", _PYTHON, str(venv)])
        _run([uv, "pip", "install", "--quiet", "--compile-bytecode",
              "--python", str(venv / "bin" / "python"), *requirements])  # fmt: skip
        try:
            venv.rename(target)
        except OSError:
            if not (target / "bin" / "mlflow").exists():  # not a concurrent build that won
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _run(command: list[str]) -> None:
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=_INSTALL_TIMEOUT
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr.strip()[-2000:]}")
