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
