"""``mlflow-skinny`` wheels of any release, downloaded once into a git-ignored cache.

The skinny wheel holds everything the history needs (``mlflow/protos`` and ``mlflow/server``)
at a fraction of the full wheel's size. Downloads go through pip (``pip download --no-deps``),
so the machine's index settings and hash checks apply; the release list comes from PyPI's JSON
API, the one place that lists every release at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

PROJECT = "mlflow-skinny"
DEFAULT_CACHE = Path(__file__).resolve().parent.parent / "build" / "wheels"
_RELEASES_URL = f"https://pypi.org/pypi/{PROJECT}/json"


def wheel_name(release: str) -> str:
    return f"{PROJECT.replace('-', '_')}-{release}-py3-none-any.whl"


def published_releases(timeout: float = 60.0) -> list[str]:
    """Every version of ``mlflow-skinny`` that has a wheel (yanked ones included: their protos
    are as real as any other's, and servers may still run them)."""
    with urllib.request.urlopen(_RELEASES_URL, timeout=timeout) as response:
        data = json.load(response)
    return sorted(
        version
        for version, files in data["releases"].items()
        if any(f["filename"].endswith(".whl") for f in files)
    )


def ensure_wheel(release: str, cache: Path = DEFAULT_CACHE) -> Path:
    """The cached wheel of ``release``, downloaded first when it is not there yet."""
    target = cache / wheel_name(release)
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    # Into a private folder first, then renamed: a concurrent reader never sees half a wheel.
    with tempfile.TemporaryDirectory(dir=cache, prefix=".download-") as staging:
        command = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--only-binary=:all:", "--dest", staging, f"{PROJECT}=={release}",
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        downloaded = Path(staging) / target.name
        if result.returncode != 0 or not downloaded.exists():
            raise RuntimeError(f"could not download {PROJECT}=={release}: {result.stderr.strip()}")
        downloaded.replace(target)
    return target
