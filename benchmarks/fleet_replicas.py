"""A simulated fleet of prediction replicas, each keeping every champion fresh, counted at a proxy.

Two ways to keep N champions fresh, each run by R replicas (threads) for a fixed window:

- ours: a real :class:`FleetCache` per replica (its own client and schedule, refreshing on its
  jittered interval); the replicas share one warm :class:`ModelCache`, so a fleet of 20 does not
  hold 20 copies of 1,000 boosters in this one process. Nothing changes during the window, so
  each refresh is the listing alone (the downloads it would make are counted too, and are zero).
- theirs: what MLflow users write today, MLflow's own ``MlflowClient`` resolving each model's
  champion with ``get_model_version_by_alias`` once per interval, one request per model.

Every replica starts at a random point of its first interval, as a fleet started over time does.
The requests reaching the server are the ones the pass-through proxy saw within the window.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.faults.proxy import FaultProxy

from mlflow_rest_sdk import MlflowClient
from water_models.fleet_cache import FleetCache  # type: ignore[import-untyped, unused-ignore]
from water_models.local_store import LocalModelStore  # type: ignore[import-untyped, unused-ignore]
from water_models.model_cache import ModelCache  # type: ignore[import-untyped, unused-ignore]
from water_models.refresh_schedule import (  # type: ignore[import-untyped, unused-ignore]
    RefreshSchedule,
)

__all__ = ["FleetWindow", "WindowCount", "alias_checks", "fleet_caches"]

JITTER = 0.1
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts/"


@dataclass(frozen=True)
class FleetWindow:
    """R replicas keeping N champions fresh every ``interval`` seconds for ``seconds``."""

    replicas: int
    interval: float
    seconds: float


@dataclass(frozen=True)
class WindowCount:
    """What the proxy saw in one window."""

    requests: int
    downloads: int
    seconds: float
    #: seconds one replica took to check every champion once (per pass)
    pass_seconds: list[float]
    #: requests each pass made (a refresh's listing pages; N alias lookups)
    pass_requests: list[int]

    @property
    def per_minute(self) -> float:
        return self.requests * 60.0 / self.seconds


def _run_window(
    proxy: FaultProxy, window: FleetWindow, replica: Callable[[int, threading.Event], None]
) -> WindowCount:
    """Start the replicas, count what reaches the server over the window, then stop them."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=replica, args=(index, stop), daemon=True)
        for index in range(window.replicas)
    ]
    proxy.reset_counts()
    started = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(window.seconds)
    events = proxy.events()  # the window's requests: counted before the replicas wind down
    elapsed = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join(60.0)
    downloads = sum(1 for event in events if event.path.startswith(ARTIFACTS))
    return WindowCount(len(events), downloads, elapsed, [], [])


def fleet_caches(
    proxy: FaultProxy,
    model_cache: ModelCache,
    models_dir: Path,
    station_prefix: str,
    window: FleetWindow,
) -> WindowCount:
    """R FleetCaches on their own jittered schedules; each is refreshed once before the window."""
    schedule = RefreshSchedule(interval=window.interval, jitter=JITTER)
    caches = [
        FleetCache(
            MlflowClient(proxy.url),
            model_cache,
            LocalModelStore(models_dir),
            station_prefix=station_prefix,
            schedule=schedule,
            owns_client=True,
        )
        for _ in range(window.replicas)
    ]
    passes: list[float] = []
    pages: list[int] = []
    try:
        for cache in caches:  # in service already: every champion in memory
            if not cache.refresh().ok:
                raise RuntimeError("a replica's first refresh failed")

        def replica(index: int, stop: threading.Event) -> None:
            rng = random.Random(index)
            if stop.wait(rng.uniform(0.0, window.interval)):
                return
            while not stop.is_set():
                report = caches[index].refresh()
                passes.append(report.seconds)
                pages.append(report.listing_requests)
                if stop.wait(schedule.next_delay(caches[index].consecutive_failures, rng)):
                    return

        count = _run_window(proxy, window, replica)
    finally:
        for cache in caches:
            cache.close()
    return WindowCount(count.requests, count.downloads, count.seconds, passes, pages)


def alias_checks(
    proxy: FaultProxy, names: Sequence[str], alias: str, window: FleetWindow
) -> WindowCount:
    """R replicas each resolving every model's alias once per interval with MLflow's client."""
    from mlflow.tracking import MlflowClient as OfficialClient

    passes: list[float] = []

    def replica(index: int, stop: threading.Event) -> None:
        client = OfficialClient(tracking_uri=proxy.url)
        rng = random.Random(index)
        if stop.wait(rng.uniform(0.0, window.interval)):
            return
        while not stop.is_set():
            started = time.monotonic()
            for name in names:
                if stop.is_set():
                    return
                client.get_model_version_by_alias(name, alias)
            passes.append(time.monotonic() - started)
            interval = window.interval * rng.uniform(1.0 - JITTER, 1.0 + JITTER)
            if stop.wait(max(0.0, interval - (time.monotonic() - started))):
                return

    count = _run_window(proxy, window, replica)
    return WindowCount(
        count.requests, count.downloads, count.seconds, passes, [len(names)] * len(passes)
    )
