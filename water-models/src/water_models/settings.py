"""Where things live by default: the MLflow server and the folders for models and the cache."""

from __future__ import annotations

import os
from pathlib import Path

#: Used when neither an argument nor ``MLFLOW_TRACKING_URI`` names a server.
DEFAULT_TRACKING_URI = "http://127.0.0.1:5000"


def tracking_uri(explicit: str | None = None) -> str:
    return explicit or os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


def home_dir() -> Path:
    """``WATER_MODELS_HOME``, else ``$XDG_CACHE_HOME/water-models`` (``~/.cache/water-models``)."""
    explicit = os.environ.get("WATER_MODELS_HOME")
    if explicit:
        return Path(explicit)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "water-models"


#: Fleet training backends: joblib's local process pool, or a Dask cluster through joblib.
BACKENDS = ("loky", "dask")
DEFAULT_BACKEND = "loky"
BACKEND_ENV = "WATER_MODELS_BACKEND"
SCHEDULER_ENV = "WATER_MODELS_DASK_SCHEDULER"
#: Seconds to reach a Dask scheduler (and to wait for its first worker): a wrong address or a
#: cluster without workers fails at once instead of hanging the fleet. Here rather than in
#: :mod:`water_models.fleet` so the CLI can show it without importing joblib.
DEFAULT_SCHEDULER_TIMEOUT = 10.0


def fleet_backend(explicit: str | None = None) -> str:
    """The argument, else ``WATER_MODELS_BACKEND``, else local processes (``loky``)."""
    source, value = "backend", explicit
    if not value:
        source, value = BACKEND_ENV, os.environ.get(BACKEND_ENV)
    name = (value or DEFAULT_BACKEND).strip().lower()
    if name not in BACKENDS:
        raise ValueError(f"{source}={value!r} is not a fleet backend; use one of {BACKENDS}")
    return name


def dask_scheduler(explicit: str | None = None) -> str | None:
    """The argument, else ``WATER_MODELS_DASK_SCHEDULER`` (e.g. ``tcp://10.0.0.5:8786``)."""
    value = explicit or os.environ.get(SCHEDULER_ENV)
    return value.strip() if value and value.strip() else None
