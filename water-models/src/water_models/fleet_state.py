"""What the fleet cache serves and reports: immutable values, safe to hand to any thread.

The cache swaps whole snapshots of :class:`ServedModel` values; readers (the HTTP service) get
an entry or a list and never see one half-updated. :class:`RefreshReport` and
:class:`FleetHealth` are what ``GET /health`` shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from water_models.loaded import LoadedModel

#: How a served model reached this process: ``download`` (fetched from MLflow now), ``cache``
#: (the disk cache of earlier downloads) or ``local_file`` (the local model store).
_FILES = {"mlflow": "download", "cache": "cache", "local": "local_file"}

RefreshKind = Literal["listing", "reload", "fallback"]


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class ServedModel:
    """One champion in service.

    ``confirmed``: MLflow named this version the champion since this process started (else it
    is served from disk while MLflow could not be asked). ``observed``: the ``time.monotonic()``
    at which the registry state behind it was read (0 for a fallback), so that an older refresh
    never overwrites what a newer single-model reload found.
    """

    station_id: str
    model_type: str
    loaded: LoadedModel
    confirmed: bool
    loaded_at: str
    observed: float

    @property
    def registered_model(self) -> str:
        return self.loaded.registered_model

    @property
    def version(self) -> str | None:
        return self.loaded.registry_version

    @property
    def source(self) -> Literal["mlflow", "local"]:
        """``mlflow`` when MLflow confirmed the champion, ``local`` for a local fallback."""
        return "mlflow" if self.confirmed else "local"

    @property
    def files(self) -> str:
        return _FILES[self.loaded.source]


@dataclass(frozen=True, slots=True)
class RefusedVersion:
    """A champion version that failed its checksum (or is not loadable): never served.

    The periodic refresh does not download it again until the alias moves to another version;
    :meth:`FleetCache.reload` tries again (after the files were fixed).
    """

    registered_model: str
    version: str
    reason: str
    at: str


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What one pass did: how many requests the listing took, what it loaded or refused."""

    kind: RefreshKind
    started_at: str
    seconds: float
    ok: bool
    error: str | None = None
    listing_requests: int = 0
    listed: int = 0
    unchanged: int = 0
    loaded: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FleetHealth:
    """The cache's state for ``GET /health``.

    ``mlflow_reachable`` is None until the first listing was tried.
    """

    tracking_uri: str
    mlflow_reachable: bool | None
    first_pass_done: bool
    last_refresh: RefreshReport | None
    last_success_at: str | None
    consecutive_failures: int
    next_refresh_in: float | None
    served: int
    confirmed: int
    refused: tuple[RefusedVersion, ...] = field(default=())

    @property
    def status(self) -> Literal["starting", "ok", "degraded"]:
        if not self.first_pass_done:
            return "starting"
        return "ok" if self.consecutive_failures == 0 and self.mlflow_reachable else "degraded"
