"""Server load of a refresh, counted at a proxy: ceil(N / page) listings plus the changed models.

N registered models are made cheaply: one model is trained and registered for real, then copied
N times in the server's store (:mod:`registry_clone`): each copy's version points at that run's
files with their real checksum tags and is the champion, so every one of them downloads and
verifies like a trained model, without training or creating N models through the API. The fleet
cache talks to MLflow through a pass-through proxy that records every request; the assertions are
on those records, not on the cache's own counts.

One cache per N is loaded cold once for the module (the most expensive step: two downloads per
model) and shared by the tests that need a warm cache; each of them checks what it starts from.
"""

from __future__ import annotations

import asyncio
import math
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from serving_support import Fleet, register_fleet
from tests._infra.registry_clone import clone_registered_model, sqlite_path
from tests.faults.proxy import FaultProxy

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient
from mlflow_rest_sdk.local_server import LocalMlflowServer
from water_models import naming
from water_models.artifact_io import ArtifactReader
from water_models.cache import DiskCache
from water_models.fleet_cache import FleetCache
from water_models.fleet_state import RefreshReport
from water_models.local_store import LocalModelStore
from water_models.model_cache import ModelCache
from water_models.settings import MAX_LISTING_PAGE_SIZE

pytestmark = pytest.mark.xdist_group("water-models-fleet-load")

LISTING = "/api/2.0/mlflow/registered-models/search"
GET_VERSION = "/api/2.0/mlflow/model-versions/get"
ARTIFACT = "/api/2.0/mlflow-artifacts/artifacts/"
SIZES = (10, 1000)
#: Promotions made in one test: a few, so the downloads they cost are told apart from N's.
PROMOTED = 3
#: Downloads in flight during a cold load: more than the default hides the proxy's fresh
#: upstream connection per request; the server (two workers) is the limit beyond that.
DOWNLOAD_WORKERS = 8


@dataclass
class Template:
    """A really trained version whose run and files the copied models share."""

    name: str
    run_id: str
    source: str
    tags: list[dict[str, str]]


@dataclass
class SyntheticFleet:
    prefix: str
    names: list[str]
    template: Template


@dataclass
class WarmCache:
    """A cache loaded cold once, its disk folder, and what that cold refresh cost."""

    cache: FleetCache
    root: Path
    cold: RefreshReport
    cold_requests: Counter[str]


@pytest.fixture(scope="module")
def template(
    mlflow_server: LocalMlflowServer, tmp_path_factory: pytest.TempPathFactory
) -> Template:
    station = f"tpl{uuid.uuid4().hex[:6]}"
    fleet: Fleet = register_fleet(mlflow_server.url, tmp_path_factory.mktemp("load"), [station])
    name = naming.registered_model_name(fleet.stations[0], "xgboost")
    with MlflowClient(mlflow_server.url) as client:
        version = client.get_model_version(name=name, version="1").model_version
    assert version is not None and version.run_id and version.source
    tags = [{"key": t.key or "", "value": t.value or ""} for t in version.tags]
    return Template(name, version.run_id, version.source, tags)


async def _add_versions(
    uri: str, names: list[str], template: Template, *, alias: bool
) -> list[str]:
    """A new version of each model (champion when ``alias``); returns their version numbers."""
    async with AsyncMlflowClient(uri) as client:

        async def one(name: str) -> str:
            created = await client.create_model_version(
                name=name, source=template.source, run_id=template.run_id, tags=template.tags
            )
            assert created.model_version is not None and created.model_version.version
            number = created.model_version.version
            if alias:
                await client.set_registered_model_alias(
                    name=name, alias=naming.CHAMPION, version=number
                )
            return number

        # One after another: the same model may be named twice, and versions must be ordered.
        return [await one(name) for name in names]


@pytest.fixture(scope="module")
def fleets(mlflow_server: LocalMlflowServer, template: Template) -> dict[int, SyntheticFleet]:
    made = {}
    database = sqlite_path(mlflow_server.backend_store_uri)
    for n in SIZES:
        prefix = f"ld{n}x{uuid.uuid4().hex[:6]}-"
        names = [naming.registered_model_name(f"{prefix}{i:05d}", "xgboost") for i in range(n)]
        clone_registered_model(database, template.name, names, alias=naming.CHAMPION)
        made[n] = SyntheticFleet(prefix, names, template)
    return made


@pytest.fixture(scope="module")
def proxy(mlflow_server: LocalMlflowServer) -> Iterator[FaultProxy]:
    with FaultProxy(mlflow_server.url) as counting:
        yield counting


@pytest.fixture(scope="module")
def warm(
    fleets: dict[int, SyntheticFleet],
    proxy: FaultProxy,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[int, WarmCache]]:
    """For each N, a cache after its cold refresh (made on first use, closed with the module)."""

    class Lazy(dict[int, WarmCache]):
        def __missing__(self, n: int) -> WarmCache:
            root = tmp_path_factory.mktemp(f"warm{n}")
            cache = _cache(proxy, fleets[n], root, MAX_LISTING_PAGE_SIZE)
            cold, requests = _counted(proxy, cache)
            self[n] = WarmCache(cache, root, cold, requests)
            return self[n]

    caches = Lazy()
    try:
        yield caches
    finally:
        for entry in caches.values():
            entry.cache.close()


def _cache(proxy: FaultProxy, fleet: SyntheticFleet, root: Path, page_size: int) -> FleetCache:
    client = MlflowClient(proxy.url)
    return FleetCache(
        client,
        ModelCache(DiskCache(root / "cache"), ArtifactReader(client), ttl=0, allow_pickle=False),
        LocalModelStore(root / "models"),
        station_prefix=fleet.prefix,
        page_size=page_size,
        download_workers=DOWNLOAD_WORKERS,
        owns_client=True,
    )


def _served_version(cache: FleetCache, name: str) -> str | None:
    parsed = naming.parse_registered_model_name(name)
    assert parsed is not None
    entry = cache.get(*parsed)
    return None if entry is None else entry.version


def _requests(proxy: FaultProxy) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for event in proxy.events():
        if event.path == LISTING:
            kinds["listing"] += 1
        elif event.path == GET_VERSION:
            kinds["get_version"] += 1
        elif event.path.startswith(ARTIFACT):
            kinds["download"] += 1
        else:
            kinds[event.path] += 1
    return kinds


def _counted(proxy: FaultProxy, cache: FleetCache) -> tuple[RefreshReport, Counter[str]]:
    proxy.reset_counts()
    report = cache.refresh()
    return report, _requests(proxy)


@pytest.mark.parametrize("n", SIZES)
def test_a_cold_refresh_lists_in_ceil_n_over_page_requests_and_downloads_each_champion_once(
    n: int, warm: dict[int, WarmCache]
) -> None:
    loaded = warm[n]

    # Every champion is new; the listing carried each one's record (it is the latest), so
    # the only other requests are its two files (metadata + model).
    assert loaded.cold.ok and len(loaded.cold.loaded) == n
    assert loaded.cold_requests == Counter(
        {"listing": math.ceil(n / MAX_LISTING_PAGE_SIZE), "download": 2 * n}
    )
    print(f"N={n}: cold {dict(loaded.cold_requests)} in {loaded.cold.seconds:.1f} s")


@pytest.mark.parametrize("n", SIZES)
def test_a_refresh_with_nothing_changed_costs_the_listing_alone(
    n: int, warm: dict[int, WarmCache], proxy: FaultProxy
) -> None:
    cache = warm[n].cache
    cache.refresh()  # whatever an earlier test changed is loaded now

    report, requests = _counted(proxy, cache)

    assert report.ok and report.unchanged == n and not report.loaded
    assert requests == Counter({"listing": math.ceil(n / MAX_LISTING_PAGE_SIZE)})
    print(f"N={n}: steady {dict(requests)} in {report.seconds:.2f} s")


@pytest.mark.parametrize("n", SIZES)
def test_a_refresh_after_promotions_downloads_only_the_promoted_models(
    n: int, warm: dict[int, WarmCache], fleets: dict[int, SyntheticFleet], proxy: FaultProxy
) -> None:
    cache, fleet = warm[n].cache, fleets[n]
    cache.refresh()
    promoted = fleet.names[-PROMOTED:]
    new_versions = asyncio.run(_add_versions(proxy.url, promoted, fleet.template, alias=True))

    report, requests = _counted(proxy, cache)

    assert report.ok and report.loaded == tuple(sorted(promoted))
    assert report.unchanged == n - PROMOTED
    assert requests == Counter(
        {"listing": math.ceil(n / MAX_LISTING_PAGE_SIZE), "download": 2 * PROMOTED}
    )
    assert [_served_version(cache, name) for name in promoted] == new_versions
    print(f"N={n}: {PROMOTED} promotions {dict(requests)} in {report.seconds:.2f} s")


def test_a_smaller_page_lists_in_ceil_n_over_page_and_a_restart_downloads_nothing(
    warm: dict[int, WarmCache], fleets: dict[int, SyntheticFleet], proxy: FaultProxy
) -> None:
    loaded = warm[1000]
    assert loaded.cache.refresh().ok  # the disk cache holds every current champion

    with _cache(proxy, fleets[1000], loaded.root, 300) as restarted:
        report, requests = _counted(proxy, restarted)

    assert report.ok and len(report.loaded) == 1000
    assert report.listing_requests == math.ceil(1000 / 300) == 4
    # Every champion's version is in the disk cache already: no request but the listing.
    assert requests == Counter({"listing": 4})


def test_a_champion_that_is_not_the_latest_version_costs_one_get_version(
    fleets: dict[int, SyntheticFleet],
    proxy: FaultProxy,
    mlflow_server: LocalMlflowServer,
    tmp_path: Path,
) -> None:
    fleet = fleets[10]
    name = fleet.names[5]
    with _cache(proxy, fleet, tmp_path, MAX_LISTING_PAGE_SIZE) as cache:
        assert cache.refresh().ok
        older, newest = asyncio.run(
            _add_versions(mlflow_server.url, [name, name], fleet.template, alias=False)
        )
        with MlflowClient(mlflow_server.url) as client:
            client.set_registered_model_alias(name=name, alias=naming.CHAMPION, version=older)
        report, requests = _counted(proxy, cache)

    assert int(older) < int(newest)
    assert report.loaded == (name,)
    assert _served_version(cache, name) == older
    # The listing carries only the latest version's record: this one needs get_model_version.
    assert requests == Counter({"listing": 1, "get_version": 1, "download": 2})
