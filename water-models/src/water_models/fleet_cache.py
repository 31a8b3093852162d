"""``FleetCache``: the champions of every station in one process, kept fresh at a flat cost.

One refresh is one paged listing of the platform's registered models (a request per 1000
models, :mod:`water_models.fleet_listing`), then downloads for the models whose champion
changed and nothing for the others. Downloads, checksums and the disk cache are
:class:`~water_models.model_cache.ModelCache`'s, as for a single station: a file that fails its
checksum is refused and the previous champion keeps serving.

Threads: the service reads (:meth:`FleetCache.get`, :meth:`FleetCache.models`) while a refresh
runs in the background. Readers get an immutable snapshot (a ``MappingProxyType`` that is
replaced, never changed), so they take no lock and never see half a refresh. Writers (the
refresh thread, and :meth:`FleetCache.reload`, the hook the webhook handler will call) build
their changes outside the lock and merge them in a short critical section; each entry records
when the registry state behind it was read, so a slow refresh never undoes a newer reload.

While MLflow cannot be reached, what is loaded keeps serving; a process that starts then serves
the disk cache's champions and the local model files (:mod:`water_models.fleet_fallback`).
Failed refreshes back off with jitter (:mod:`water_models.refresh_schedule`); the first one that
succeeds catches up with everything that changed meanwhile.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from mlflow_rest_sdk import RetryPolicy
from mlflow_rest_sdk.closing import Closing
from mlflow_rest_sdk.errors import MlflowRestError, ResourceDoesNotExist
from water_models import naming
from water_models.artifact_io import ArtifactReader
from water_models.bundle import ModelIntegrityError
from water_models.cache import DiskCache
from water_models.fleet_fallback import fallback_models
from water_models.fleet_listing import ChampionRef, champion_ref, list_champions
from water_models.fleet_loading import ChangeSet, load_changes, plan_changes
from water_models.fleet_state import (
    FleetHealth,
    RefreshReport,
    RefusedVersion,
    ServedModel,
    utc_now,
)
from water_models.local_store import LocalModelStore
from water_models.model_cache import ModelCache
from water_models.refresh_loop import RefreshLoop
from water_models.refresh_schedule import RefreshSchedule

if TYPE_CHECKING:
    from mlflow_rest_sdk import MlflowClient
    from water_models.settings import ServeSettings

logger = logging.getLogger("water_models")

#: A listing or download fails fast: the next refresh (after a backoff) is the retry, and a
#: refresh thread stuck on a dead server would delay the catch-up when it comes back.
FLEET_RETRY = RetryPolicy(max_attempts=3, backoff_factor=0.2, backoff_max=1.0, deadline=30.0)
#: Entries merged at once while many models load (a cold start): stations become servable as
#: they arrive, without copying the whole snapshot once per model.
MERGE_BATCH = 64


class FleetCache(Closing):
    """Champions of every platform station model under ``station_prefix``, kept fresh.

    ``start()`` runs the refresh loop in a daemon thread; ``refresh()`` and ``reload(name)``
    may also be called directly (tests, the future webhook handler).
    """

    def __init__(
        self,
        client: MlflowClient,
        model_cache: ModelCache,
        local_store: LocalModelStore,
        *,
        station_prefix: str = "",
        page_size: int = 1000,
        schedule: RefreshSchedule | None = None,
        download_workers: int = 4,
        retry: RetryPolicy = FLEET_RETRY,
        allow_pickle: bool = False,
        rng: random.Random | None = None,
        owns_client: bool = False,
    ) -> None:
        self.client = client
        self.model_cache = model_cache
        self.local_store = local_store
        self.name_prefix = naming.REGISTERED_MODEL_PREFIX + station_prefix
        self.page_size = page_size
        self.schedule = schedule or RefreshSchedule()
        self.download_workers = download_workers
        self.retry = retry
        self.allow_pickle = allow_pickle
        self._rng = rng or random.Random()
        self._owns_client = owns_client
        self._served: Mapping[str, ServedModel] = MappingProxyType({})
        self._refused: dict[str, RefusedVersion] = {}
        self._write_lock = threading.Lock()  # the snapshot swap, refusals and health fields
        self._refresh_lock = threading.Lock()  # one listing pass at a time
        self._loop: RefreshLoop | None = None
        self._last_refresh: RefreshReport | None = None
        self._last_success_at: str | None = None
        self._failures = 0
        self._reachable: bool | None = None
        self._first_pass_done = False
        self._next_refresh_at: float | None = None

    @classmethod
    def from_settings(cls, settings: ServeSettings) -> FleetCache:
        """A cache with its own client, disk cache and local store, as ``settings`` say."""
        from mlflow_rest_sdk import MlflowClient  # the generated client: loaded when needed

        client = MlflowClient(settings.tracking_uri, retry=FLEET_RETRY)
        model_cache = ModelCache(
            DiskCache(settings.cache_dir), ArtifactReader(client), ttl=0.0, allow_pickle=False
        )
        schedule = RefreshSchedule(
            interval=settings.refresh_interval,
            jitter=settings.refresh_jitter,
            backoff_initial=min(1.0, settings.backoff_max),
            backoff_max=settings.backoff_max,
        )
        return cls(
            client,
            model_cache,
            LocalModelStore(settings.models_dir),
            station_prefix=settings.station_prefix,
            page_size=settings.page_size,
            schedule=schedule,
            download_workers=settings.download_workers,
            owns_client=True,
        )

    # -- reading (any thread, no lock) ----------------------------------------------------------

    def get(self, station_id: str, model_type: str) -> ServedModel | None:
        """The champion in service for this station and model type, if any."""
        return self._served.get(naming.registered_model_name(station_id, model_type))

    def models(self) -> list[ServedModel]:
        """Every model in service, by registered model name."""
        served = self._served
        return [served[name] for name in sorted(served)]

    def health(self) -> FleetHealth:
        served = self._served
        with self._write_lock:
            next_at = self._next_refresh_at
            return FleetHealth(
                tracking_uri=self.client.tracking_uri,
                mlflow_reachable=self._reachable,
                first_pass_done=self._first_pass_done,
                last_refresh=self._last_refresh,
                last_success_at=self._last_success_at,
                consecutive_failures=self._failures,
                next_refresh_in=None if next_at is None else max(0.0, next_at - time.monotonic()),
                served=len(served),
                confirmed=sum(1 for entry in served.values() if entry.confirmed),
                refused=tuple(self._refused[name] for name in sorted(self._refused)),
            )

    # -- writing ----------------------------------------------------------------------------------

    def load_fallback(self) -> RefreshReport:
        """Serve what lies on disk for the models not in service yet (no request to MLflow)."""
        started, t0 = utc_now(), time.monotonic()
        found = fallback_models(
            self.model_cache, self.local_store, self.name_prefix, allow_pickle=self.allow_pickle
        )
        fresh = {
            name: ServedModel(meta.station_id, meta.model_type, loaded, False, utc_now(), 0.0)
            for name, loaded in found.items()
            if name not in self._served
            for meta in (loaded.metadata,)
        }
        self._merge(fresh, (), since=t0, keep_existing=True)
        logger.info("serving %d model(s) from disk until MLflow confirms them", len(fresh))
        return RefreshReport(
            "fallback", started, time.monotonic() - t0, ok=True, loaded=tuple(sorted(fresh))
        )

    def refresh(self) -> RefreshReport:
        """One listing pass: load what changed, retire what is no longer a champion.

        Never raises: a failure is reported (and counted for the backoff), and what is in
        service stays in service.
        """
        with self._refresh_lock:
            started, t0 = utc_now(), time.monotonic()
            try:
                listing = list_champions(
                    self.client, self.name_prefix, page_size=self.page_size, retry=self.retry
                )
            except Exception as error:  # any failure: keep serving, back off, report it
                if not isinstance(error, MlflowRestError):
                    logger.exception("the registry listing failed unexpectedly")
                report = RefreshReport(
                    "listing", started, time.monotonic() - t0, ok=False, error=_describe(error)
                )
                self._finish(report, reachable=False)
                return report
            served = self._served
            todo, confirms, unchanged = plan_changes(listing.champions, served, self._refused, t0)
            changes = self._load(todo, t0)
            retired = tuple(
                name
                for name, entry in served.items()
                if name not in listing.champions and entry.observed <= t0
            )
            self._merge(confirms, (), since=t0)
            self._retire(retired, since=t0)
            self._forget_refusals(listing.champions)
            report = RefreshReport(
                "listing",
                started,
                time.monotonic() - t0,
                ok=not changes.unreachable,
                error=changes.error,
                listing_requests=listing.requests,
                listed=len(listing.champions),
                unchanged=unchanged,
                loaded=tuple(sorted(changes.loaded)),
                refused=tuple(sorted(changes.refused)),
                failed=tuple(sorted(changes.failed)),
                retired=retired,
            )
            self._finish(report, reachable=not changes.unreachable)
            return report

    def reload(self, registered_model: str) -> ServedModel | None:
        """Ask MLflow about one model now and serve its champion (the webhook path).

        Returns what is served for it afterwards (None when it has no champion, or is not a
        platform model under this cache's prefix). A refused file raises
        :class:`ModelIntegrityError` (the previous champion keeps serving); MLflow errors
        propagate, so a webhook delivery can be answered with an error and retried.
        """
        t0 = time.monotonic()
        parsed = naming.parse_registered_model_name(registered_model)
        if parsed is None or not registered_model.startswith(self.name_prefix):
            return None
        try:
            got = self.client.get_registered_model(name=registered_model, retry=self.retry)
        except ResourceDoesNotExist:
            got = None
        model = None if got is None else got.registered_model
        ref = None if model is None else champion_ref(model, self.name_prefix)
        if not isinstance(ref, ChampionRef):
            self._retire((registered_model,), since=t0)
            return None
        current = self._served.get(registered_model)
        if current is not None and current.confirmed and current.version == ref.version:
            return current
        with self._write_lock:
            self._refused.pop(registered_model, None)  # an explicit reload tries again
        changes = self._load([ref], t0)
        if registered_model in changes.refused:
            raise ModelIntegrityError(self._refused[registered_model].reason)
        if changes.error and registered_model in changes.failed:
            raise RuntimeError(f"reloading {registered_model} failed: {changes.error}")
        return self._served.get(registered_model)

    # -- the background loop ------------------------------------------------------------------

    def start(self) -> None:
        """Serve what is on disk, then refresh now and every interval, in a daemon thread."""
        if self._loop is not None:
            raise RuntimeError("FleetCache already started")
        self._loop = RefreshLoop(self, self.schedule, self._rng)
        self._loop.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the refresh loop (a refresh in progress finishes first); models stay loaded."""
        if self._loop is not None:
            self._loop.stop(timeout)
            self._loop = None

    def close(self) -> None:
        self.stop()
        if self._owns_client:
            self.client.close()

    @property
    def consecutive_failures(self) -> int:
        """Refreshes that failed in a row: what the backoff grows with."""
        with self._write_lock:
            return self._failures

    def note_next_refresh(self, delay: float) -> None:
        """When the loop refreshes next (shown in health)."""
        with self._write_lock:
            self._next_refresh_at = time.monotonic() + delay

    # -- internals ------------------------------------------------------------------------------

    def _load(self, todo: list[ChampionRef], t0: float) -> ChangeSet:
        """Load ``todo`` on the download pool, merging loaded models in batches as they come."""

        def merge(batch: Mapping[str, ServedModel]) -> None:
            self._merge(batch, (), since=t0)

        changes = load_changes(
            todo,
            self.client,
            self.model_cache,
            observed=t0,
            workers=self.download_workers,
            retry=self.retry,
            merge=merge,
            batch=MERGE_BATCH,
        )
        with self._write_lock:
            for name in changes.loaded:
                self._refused.pop(name, None)
            self._refused.update(changes.refused)
        return changes

    def _merge(
        self,
        upserts: Mapping[str, ServedModel],
        removals: tuple[str, ...],
        *,
        since: float,
        keep_existing: bool = False,
    ) -> None:
        """Swap in a new snapshot. An entry read from the registry later than the one offered
        (or any entry, with ``keep_existing``) stays; so do removals of entries read after
        ``since``."""
        if not upserts and not removals:
            return
        with self._write_lock:
            current = dict(self._served)
            for name, entry in upserts.items():
                existing = current.get(name)
                if existing is not None and (keep_existing or existing.observed > entry.observed):
                    continue
                current[name] = entry
            for name in removals:
                existing = current.get(name)
                if existing is not None and existing.observed <= since:
                    del current[name]
            self._served = MappingProxyType(current)

    def _retire(self, names: tuple[str, ...], *, since: float) -> None:
        """Stop serving models MLflow no longer names a champion, and drop their disk copies
        (so a process started during a later outage does not serve them again)."""
        if not names:
            return
        self._merge({}, names, since=since)
        for name in names:
            if name not in self._served:
                self.model_cache.evict(name)
                logger.info("%s has no champion any more: no longer served", name)

    def _forget_refusals(self, champions: Mapping[str, ChampionRef]) -> None:
        with self._write_lock:
            for name in list(self._refused):
                ref = champions.get(name)
                if ref is None or ref.version != self._refused[name].version:
                    del self._refused[name]

    def _finish(self, report: RefreshReport, *, reachable: bool) -> None:
        with self._write_lock:
            self._last_refresh = report
            self._reachable = reachable
            self._first_pass_done = True
            if report.ok:
                self._failures = 0
                self._last_success_at = report.started_at
            else:
                self._failures += 1
        level = logging.INFO if report.ok else logging.WARNING
        logger.log(
            level,
            "refresh %s in %.2f s: %d listing request(s), %d champion(s), %d loaded, "
            "%d refused, %d failed, %d retired%s",
            "ok" if report.ok else "failed",
            report.seconds,
            report.listing_requests,
            report.listed,
            len(report.loaded),
            len(report.refused),
            len(report.failed),
            len(report.retired),
            f": {report.error}" if report.error else "",
        )


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
