"""Where things live by default: the MLflow server and the folders for models and the cache."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

#: Used when neither an argument nor ``MLFLOW_TRACKING_URI`` names a server.
DEFAULT_TRACKING_URI = "http://127.0.0.1:5000"
_STATION_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


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


# -- the prediction service (``water-models serve``) --------------------------------------------

#: MLflow's largest page for ``search_registered_models`` (3.17.2: the handler refuses
#: ``max_results`` over 1000, the stores' ``SEARCH_REGISTERED_MODEL_MAX_RESULTS_THRESHOLD``).
MAX_LISTING_PAGE_SIZE = 1000

SERVE_ENV = {
    "cache_dir": "WATER_MODELS_CACHE_DIR",
    "models_dir": "WATER_MODELS_MODELS_DIR",
    "station_prefix": "WATER_MODELS_STATION_PREFIX",
    "refresh_interval": "WATER_MODELS_REFRESH_INTERVAL",
    "refresh_jitter": "WATER_MODELS_REFRESH_JITTER",
    "backoff_max": "WATER_MODELS_BACKOFF_MAX",
    "page_size": "WATER_MODELS_PAGE_SIZE",
    "download_workers": "WATER_MODELS_DOWNLOAD_WORKERS",
    "public_url": "WATER_MODELS_PUBLIC_URL",
}
#: The webhook secret comes from the environment only: a command-line argument would show in
#: ``ps`` and shell histories.
WEBHOOK_SECRET_ENV = "WATER_MODELS_WEBHOOK_SECRET"


@dataclass(frozen=True)
class ServeSettings:
    """What a serving process needs, from arguments or the environment (see :data:`SERVE_ENV`).

    ``--workers`` starts several processes that each build their own settings, so everything
    here must round-trip through environment variables (:meth:`to_env`, :meth:`from_env`).
    """

    tracking_uri: str
    cache_dir: Path
    models_dir: Path
    station_prefix: str = ""
    refresh_interval: float = 60.0
    refresh_jitter: float = 0.1
    backoff_max: float = 120.0
    page_size: int = MAX_LISTING_PAGE_SIZE
    download_workers: int = 4
    #: The service's base URL as the MLflow server reaches it; with a webhook secret, push is on.
    public_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.refresh_interval <= 0:
            raise ValueError(f"refresh interval must be > 0 s, got {self.refresh_interval}")
        if not 0 <= self.refresh_jitter < 1:
            raise ValueError(f"refresh jitter must be in [0, 1), got {self.refresh_jitter}")
        if self.backoff_max <= 0:
            raise ValueError(f"backoff max must be > 0 s, got {self.backoff_max}")
        if not 1 <= self.page_size <= MAX_LISTING_PAGE_SIZE:
            raise ValueError(
                f"page size must be 1 to {MAX_LISTING_PAGE_SIZE} (MLflow's maximum), "
                f"got {self.page_size}"
            )
        if self.download_workers < 1:
            raise ValueError(f"download workers must be >= 1, got {self.download_workers}")
        if self.station_prefix:
            normalize_prefix(self.station_prefix)
        if self.public_url is not None:
            parts = urlsplit(self.public_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(
                    f"public URL must be an http(s) URL with a host, got {self.public_url!r}"
                )
        if self.webhook_secret is not None and not self.webhook_secret.strip():
            raise ValueError(f"{WEBHOOK_SECRET_ENV} is set but empty")

    @classmethod
    def from_env(cls, **explicit: Any) -> ServeSettings:
        """Arguments that are not None win; then the environment; then the defaults."""
        values: dict[str, Any] = {"tracking_uri": tracking_uri(explicit.pop("tracking_uri", None))}
        home = home_dir()
        values["cache_dir"] = home / "cache"
        values["models_dir"] = home / "models"
        for field_name, variable in SERVE_ENV.items():
            given = explicit.pop(field_name, None)
            text = os.environ.get(variable)
            if given is not None:
                values[field_name] = given
            elif text:
                values[field_name] = _from_text(cls, field_name, variable, text)
        secret = explicit.pop("webhook_secret", None) or os.environ.get(WEBHOOK_SECRET_ENV)
        if secret is not None:
            values["webhook_secret"] = secret
        if explicit:
            raise TypeError(f"unknown serve settings: {', '.join(sorted(explicit))}")
        values["cache_dir"] = Path(values["cache_dir"])
        values["models_dir"] = Path(values["models_dir"])
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """The environment that makes :meth:`from_env` in another process give these settings."""
        env = {"MLFLOW_TRACKING_URI": self.tracking_uri}
        for field_name, variable in SERVE_ENV.items():
            value = getattr(self, field_name)
            if value is not None:
                env[variable] = str(value)
        if self.webhook_secret is not None:  # for the worker processes' environment only
            env[WEBHOOK_SECRET_ENV] = self.webhook_secret
        return env


def normalize_prefix(prefix: str) -> str:
    """A station id prefix (``north-``): the characters of a station id, never a quote."""
    if not _STATION_PREFIX.match(prefix):
        raise ValueError(
            f"invalid station prefix {prefix!r}: use letters, digits, '-' or '_' "
            "(starting with a letter or digit)"
        )
    return prefix


def _from_text(cls: type[ServeSettings], field_name: str, variable: str, text: str) -> Any:
    kind = {f.name: f.type for f in fields(cls)}[field_name]
    if kind in ("float", "int"):
        try:
            return float(text) if kind == "float" else int(text)
        except ValueError:
            raise ValueError(f"{variable}={text!r} is not a number") from None
    return text.strip()
