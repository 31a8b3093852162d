"""Scenario 9: a fleet of prediction replicas keeping thousands of champions fresh.

One real MLflow server (sqlite, 2 workers, webhooks allowed to loopback) holds N registered
station models, made cheaply: one model is trained and registered for real, then copied N times
in the server's store (:mod:`tests._infra.registry_clone`). Three measurements, side by side:

1. requests per minute reaching the server (counted at a pass-through proxy) while R replicas
   keep every champion fresh: water_models' FleetCache (one paged listing per refresh) against
   MLflow's ``get_model_version_by_alias`` per model per interval
   (:mod:`benchmarks.fleet_replicas`);
2. promotion-to-served delay in a real ``water-models serve`` process: through the webhook, then
   with the webhook disabled on the server (the listing alone);
3. ``/predict`` throughput and latency under a bounded loopback load, with MLflow up, then with
   MLflow stopped (:mod:`benchmarks.fleet_service`).

From the measured time of one listing page and one alias lookup, the scenario also extrapolates
to 20,000 models and 100 replicas (a fact in the report, labelled as such).
"""

from __future__ import annotations

import base64
import math
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

import httpx
from tests._infra.registry_clone import clone_registered_model, sqlite_path
from tests._infra.serve_process import ServiceProcess, service_env
from tests.faults.proxy import FaultProxy

from benchmarks.context import Context
from benchmarks.fleet_replicas import FleetWindow, WindowCount, alias_checks, fleet_caches
from benchmarks.fleet_service import Template, predict_load, promotion_delays
from benchmarks.report import MLFLOW
from benchmarks.results import ScenarioResult
from benchmarks.targets import Kind, Target
from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.local_server import LocalMlflowServer
from water_models import ModelManager, naming  # type: ignore[import-untyped, unused-ignore]
from water_models.artifact_io import ArtifactReader  # type: ignore[import-untyped, unused-ignore]
from water_models.cache import DiskCache  # type: ignore[import-untyped, unused-ignore]
from water_models.data import (  # type: ignore[import-untyped, unused-ignore]
    validate_station_frame,
)
from water_models.fleet_cache import FleetCache  # type: ignore[import-untyped, unused-ignore]
from water_models.fleet_listing import (  # type: ignore[import-untyped, unused-ignore]
    list_champions,
)
from water_models.local_store import LocalModelStore  # type: ignore[import-untyped, unused-ignore]
from water_models.model_cache import ModelCache  # type: ignore[import-untyped, unused-ignore]
from water_models.synthetic import (  # type: ignore[import-untyped, unused-ignore]
    SyntheticConfig,
    generate_station_data,
)

KEY = "9-fleet"
TITLE = "a fleet keeping N champions fresh: server load, promotion delay, /predict"
OURS = "water_models FleetCache"
THEIRS = f"{MLFLOW} alias per model"
PUSH = "water_models serve, webhook push"
LISTING = "water_models serve, listing alone"
UP = "water_models serve, MLflow up"
DOWN = "water_models serve, MLflow stopped"
GROWTH = "requests per minute, largest N / smallest N"
PROMOTION_P50 = "promotion to served (p50)"
PROMOTION_P95 = "promotion to served (p95)"
PREDICT_P50 = "/predict latency (p50)"
PREDICT_P99 = "/predict latency (p99)"
PREDICT_COST = "/predict, 1000 / throughput"
PREDICT_FAILED = "/predict failed requests"
PER_REQUEST = "one request to the server, sequential"
PASS = "seconds for one replica to check every champion once"
LISTING_PATH = "/api/2.0/mlflow/registered-models/search"
ALIAS = f"{MLFLOW} get_model_version_by_alias"
#: Station ids of the counted fleet (``fl-00000`` ...): the first N share the prefix ``fl-00..``.
FLEET = "fl-"
DIGITS = 5
PROMOTED = "pm-"
SECRET = "fleet-bench-webhook-secret-0123456789"
SERVER_WORKERS = 2
PAGE_SIZE = 1000
JITTER = 0.1
#: The extrapolation: the platform's target size.
TARGET_MODELS, TARGET_REPLICAS, TARGET_INTERVAL = 20_000, 100, 60.0
#: The full run's interval (the listing target is this interval plus its jitter, plus 1 s for the
#: listing and the two downloads of the promoted model).
FULL_INTERVAL = 5.0

TARGETS = [
    Target(
        KEY,
        "requests per minute, N=100",
        OURS,
        Kind.AT_LEAST_RATIO,
        10.0,
        (THEIRS,),
        ">= 10x fewer",
    ),
    Target(
        KEY,
        "requests per minute, N=1000",
        OURS,
        Kind.AT_LEAST_RATIO,
        10.0,
        (THEIRS,),
        ">= 10x fewer",
    ),
    Target(KEY, GROWTH, OURS, Kind.BELOW, 1.5, (), "flat in N (< 1.5x)"),
    Target(KEY, PROMOTION_P95, PUSH, Kind.BELOW, 2.0, (), "< 2 s"),
    Target(
        KEY,
        PROMOTION_P95,
        LISTING,
        Kind.BELOW,
        FULL_INTERVAL * (1 + JITTER) + 1.0,
        (),
        f"< interval + jitter + 1 s ({FULL_INTERVAL * (1 + JITTER) + 1.0:.1f} s)",
    ),
    Target(KEY, PREDICT_FAILED, UP, Kind.BELOW, 0.5, (), "none"),
    Target(KEY, PREDICT_FAILED, DOWN, Kind.BELOW, 0.5, (), "none"),
    Target(KEY, PREDICT_P99, DOWN, Kind.AT_MOST_RATIO, 1.5, (UP,), "<= 1.5x MLflow up"),
]


def _percentile(samples: Sequence[float], q: int) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def _webhook_env() -> dict[str, str]:
    """Webhooks to a loopback receiver, one secret key for both workers, no subscriber cache."""
    return {
        "MLFLOW_WEBHOOK_ALLOWED_SCHEMES": "http,https",
        "MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS": "true",
        "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "MLFLOW_WEBHOOK_CACHE_TTL": "0",
    }


def _template(uri: str, root: Path) -> Template:
    """Train and register one small model for real (not timed): what every copy points at."""
    station = "tpl"
    data = validate_station_frame(
        generate_station_data(station, config=SyntheticConfig(days=30), seed=0), station
    )
    with ModelManager(uri, models_dir=root / "models", cache_dir=root / "cache") as manager:
        trained = manager.train(
            station, "xgboost", data, params={"n_estimators": 15, "max_depth": 3}
        )
        manager.register_model_in_mlflow(station, "xgboost", trained)
    name = naming.registered_model_name(station, "xgboost")
    with MlflowClient(uri) as client:
        version = client.get_model_version(name=name, version="1").model_version
    if version is None or not version.run_id or not version.source:
        raise RuntimeError("the template model was not registered")
    tags = [{"key": t.key or "", "value": t.value or ""} for t in version.tags]
    return Template(name, version.run_id, version.source, tags)


def _fleet_prefix(n: int) -> str:
    """The station prefix that selects exactly the first ``n`` of ``fl-00000`` ... (n = 10^k)."""
    digits = round(math.log10(n))
    if 10**digits != n or digits > DIGITS:
        raise ValueError(f"fleet sizes must be powers of ten up to 10^{DIGITS}, not {n}")
    return FLEET + "0" * (DIGITS - digits)


def _station_names(count: int) -> list[str]:
    return [naming.registered_model_name(f"{FLEET}{i:0{DIGITS}d}", "xgboost") for i in range(count)]


def _warm_cache(uri: str, root: Path, largest: int) -> ModelCache:
    """Every champion of the largest fleet downloaded and in memory, shared by the replicas."""
    client = MlflowClient(uri)
    model_cache = ModelCache(
        DiskCache(root / "cache"), ArtifactReader(client), ttl=0, allow_pickle=False
    )
    cold = FleetCache(
        client,
        model_cache,
        LocalModelStore(root / "models"),
        station_prefix=_fleet_prefix(largest),
        download_workers=8,
    )
    report = cold.refresh()
    if not report.ok or len(report.loaded) != largest:
        raise RuntimeError(f"the cold load failed: {report.error}")
    return model_cache


def _page_bytes(uri: str, prefix: str) -> int:
    """The size of one listing page's answer (what each replica downloads per page)."""
    with httpx.Client(base_url=uri, timeout=120.0, trust_env=False) as http:
        answer = http.get(
            LISTING_PATH,
            params={
                "filter": naming.registered_model_filter(prefix),
                "max_results": PAGE_SIZE,
                "order_by": "name ASC",
            },
        )
        answer.raise_for_status()
        return len(answer.content)


def _per_request_cost(result: ScenarioResult, uri: str, largest: int) -> None:
    """Sequential time of one listing page and of one alias lookup: the extrapolation's inputs."""
    from mlflow.tracking import MlflowClient as OfficialClient

    listed = min(largest, PAGE_SIZE)
    prefix = naming.REGISTERED_MODEL_PREFIX + _fleet_prefix(listed)
    pages: list[float] = []
    with MlflowClient(uri) as client:
        for _ in range(5):
            started = time.perf_counter()
            listing = list_champions(client, prefix, page_size=PAGE_SIZE)
            pages.append((time.perf_counter() - started) * 1e3 / listing.requests)
    official = OfficialClient(tracking_uri=uri)
    lookups: list[float] = []
    for name in _station_names(largest)[:50]:
        started = time.perf_counter()
        official.get_model_version_by_alias(name, naming.CHAMPION)
        lookups.append((time.perf_counter() - started) * 1e3)
    page_bytes = _page_bytes(uri, prefix)
    result.add(PER_REQUEST, f"listing page ({listed} models)", "ms", pages, bytes=page_bytes)
    result.add(PER_REQUEST, ALIAS, "ms", lookups)
    # Scaled to a full page when the quick run lists fewer models (the cost is per model).
    scale = PAGE_SIZE / listed
    page_s, alias_s = statistics.median(pages) / 1e3 * scale, statistics.median(lookups) / 1e3
    per_page_bytes = page_bytes * scale
    listings = TARGET_REPLICAS * math.ceil(TARGET_MODELS / PAGE_SIZE) / TARGET_INTERVAL
    lookups_per_s = TARGET_REPLICAS * TARGET_MODELS / TARGET_INTERVAL
    result.facts["extrapolation to 20,000 models x 100 replicas, one check a minute"] = (
        f"EXTRAPOLATED from the sequential request times measured here (client and loopback "
        f"included), not measured: ours {listings:.0f} listing requests/s x "
        f"{page_s * 1e3:,.0f} ms = {listings * page_s:.0f} server-seconds per second and "
        f"{listings * per_page_bytes / 1e6:.0f} MB/s of answers (a listing every 10 minutes, "
        f"with push carrying promotions: {listings * page_s / 10:.1f} s/s); theirs "
        f"{lookups_per_s:,.0f} alias requests/s x {alias_s * 1e3:.1f} ms = "
        f"{lookups_per_s * alias_s:,.0f} server-seconds per second"
    )


def _pass_seconds(count: WindowCount, n: int, replicas: int) -> tuple[list[float], bool]:
    """Each completed pass's seconds; with none completed, the time the counted rate implies."""
    if count.pass_seconds:
        return count.pass_seconds, False
    return [n * replicas * count.seconds / max(count.requests, 1)], True


def _record_window(
    result: ScenarioResult, n: int, replicas: int, contender: str, count: WindowCount
) -> None:
    result.add(
        f"requests per minute, N={n}",
        contender,
        "requests/min",
        [count.per_minute],
        requests=count.requests,
        downloads=count.downloads,
        window_s=round(count.seconds, 2),
        requests_per_pass=statistics.median(count.pass_requests) if count.pass_requests else None,
    )
    seconds, estimated = _pass_seconds(count, n, replicas)
    result.add(f"{PASS}, N={n}", contender, "s", seconds, estimated=estimated)


def _server_load(
    result: ScenarioResult, ctx: Context, server: LocalMlflowServer, template: Template
) -> dict[str, dict[int, float]]:
    sizes = ctx.sizes
    largest = max(sizes.fleet_models)
    names = _station_names(largest)
    clone_registered_model(
        sqlite_path(server.backend_store_uri), template.name, names, alias=naming.CHAMPION
    )
    root = ctx.scratch("fleet-replicas")
    model_cache = _warm_cache(server.url, root, largest)
    window = FleetWindow(sizes.fleet_replicas, sizes.fleet_interval, sizes.fleet_window)
    rates: dict[str, dict[int, float]] = {OURS: {}, THEIRS: {}}
    with FaultProxy(server.url) as proxy:
        for n in sorted(sizes.fleet_models):
            ours = fleet_caches(proxy, model_cache, root / "models", _fleet_prefix(n), window)
            theirs = alias_checks(proxy, names[:n], naming.CHAMPION, window)
            _record_window(result, n, window.replicas, OURS, ours)
            _record_window(result, n, window.replicas, THEIRS, theirs)
            rates[OURS][n], rates[THEIRS][n] = ours.per_minute, theirs.per_minute
            if ours.downloads:
                result.facts[f"downloads during the window, N={n}"] = ours.downloads
    small, big = min(sizes.fleet_models), largest
    for contender in (OURS, THEIRS):
        result.add(GROWTH, contender, "x", [rates[contender][big] / rates[contender][small]])
    _per_request_cost(result, server.url, largest)
    return rates


def _service_part(
    result: ScenarioResult, ctx: Context, server: LocalMlflowServer, template: Template
) -> None:
    sizes = ctx.sizes
    stations = [f"{PROMOTED}{i:03d}" for i in range(sizes.fleet_promotions)]
    clone_registered_model(
        sqlite_path(server.backend_store_uri),
        template.name,
        [naming.registered_model_name(s, "xgboost") for s in stations],
        alias=naming.CHAMPION,
    )
    root = ctx.scratch("fleet-service")
    interval = sizes.fleet_interval
    env = {
        **service_env(server.url, root / "home", PROMOTED),
        "WATER_MODELS_REFRESH_INTERVAL": str(interval),
        "WATER_MODELS_REFRESH_JITTER": str(JITTER),
        "WATER_MODELS_BACKOFF_MAX": str(interval),
    }
    service = ServiceProcess(root, env, webhook_secret=SECRET)
    try:
        service.start()

        def ready() -> bool:
            health = service.health()
            return bool(health["push"]["active"]) and (
                health["models"]["confirmed_by_mlflow"] == len(stations)
            )

        service.wait_until(ready, 120.0, "push active and every champion confirmed")
        accepted = service.health()["push"]["accepted"]
        push = promotion_delays(service, server.url, stations, template, spacing=0.25, timeout=30.0)
        result.facts["webhook deliveries accepted during the push promotions"] = (
            f"{service.health()['push']['accepted'] - accepted} for {len(stations)} promotions"
        )
        with MlflowClient(server.url) as client:
            client.update_webhook(
                webhook_id=service.health()["push"]["webhook_id"], status="DISABLED"
            )
        listing = promotion_delays(
            service,
            server.url,
            stations,
            template,
            spacing=interval * 1.3 / len(stations),
            timeout=interval * 3 + 30.0,
        )
        for contender, delays in ((PUSH, push), (LISTING, listing)):
            result.add(PROMOTION_P50, contender, "s", delays)
            result.add(PROMOTION_P95, contender, "s", [_percentile(delays, 95)])
        loads = {
            UP: predict_load(
                service.url,
                stations,
                in_flight=sizes.fleet_load_in_flight,
                seconds=sizes.fleet_load_seconds,
            )
        }
        server.stop()
        service.wait_until(
            lambda: service.health()["mlflow"]["reachable"] is False,
            interval * 3 + 30.0,
            "the service noticing MLflow is down",
        )
        loads[DOWN] = predict_load(
            service.url,
            stations,
            in_flight=sizes.fleet_load_in_flight,
            seconds=sizes.fleet_load_seconds,
        )
        result.facts["health while MLflow was stopped"] = service.health()["status"]
    finally:
        service.stop()
    for contender, load in loads.items():
        result.add(PREDICT_P50, contender, "ms", load.latencies_ms)
        result.add(PREDICT_P99, contender, "ms", [_percentile(load.latencies_ms, 99)])
        result.add(PREDICT_COST, contender, "ms/request", [1e3 / load.per_second])
        result.add(PREDICT_FAILED, contender, "requests", [float(load.failed)])
        result.facts[f"/predict throughput, {contender}"] = (
            f"{load.per_second:.0f} requests/s ({len(load.latencies_ms)} answered in "
            f"{load.seconds:.1f} s, {sizes.fleet_load_in_flight} in flight)"
        )


def write_plot(
    rates: dict[str, dict[int, float]], replicas: int, interval: float, path: Path
) -> None:
    """Requests per minute reaching the server against N, both sides, and what theirs asks for."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(rates[OURS])
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.plot(sizes, [rates[OURS][n] for n in sizes], "o-", color="tab:green", label=OURS)
    ax.plot(sizes, [rates[THEIRS][n] for n in sizes], "o-", color="tab:orange", label=THEIRS)
    asked = [replicas * n * 60.0 / interval for n in sizes]
    ax.plot(
        sizes, asked, "--", color="tab:orange", alpha=0.5, label="alias per model, as scheduled"
    )
    listed = [replicas * math.ceil(n / PAGE_SIZE) * 60.0 / interval for n in sizes]
    ax.plot(sizes, listed, "--", color="tab:green", alpha=0.5, label="FleetCache, as scheduled")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("registered station models (N)")
    ax.set_ylabel("requests per minute reaching MLflow")
    ax.set_title(f"{replicas} replicas, every champion checked every {interval:g} s", fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(ctx: Context) -> ScenarioResult:
    result = ScenarioResult(KEY, TITLE)
    sizes = ctx.sizes
    server = LocalMlflowServer(
        data_dir=ctx.scratch("fleet-server"),
        workers=SERVER_WORKERS,
        startup_timeout=180.0,
        extra_env=_webhook_env(),
    )
    with server:
        started = time.perf_counter()
        template = _template(server.url, ctx.scratch("fleet-trainer"))
        result.facts["training the template model (not timed)"] = (
            f"{time.perf_counter() - started:.0f} s"
        )
        rates = _server_load(result, ctx, server, template)
        _service_part(result, ctx, server, template)
    plot = (ctx.out_dir or ctx.work_dir) / "fleet_requests_per_minute.png"
    plot.parent.mkdir(parents=True, exist_ok=True)
    write_plot(rates, sizes.fleet_replicas, sizes.fleet_interval, plot)
    result.facts["plot"] = plot.name
    result.notes.append(
        f"{sizes.fleet_replicas} replicas (threads) x N in {sizes.fleet_models} registered models "
        f"(copies of one trained model), every champion checked every {sizes.fleet_interval:g} s "
        f"(±{JITTER:.0%}) for {sizes.fleet_window:g} s per side and N, counted at a pass-through "
        f"proxy. Ours: a FleetCache per replica (one paged listing per refresh, page "
        f"{PAGE_SIZE}); theirs: MLflow's MlflowClient.get_model_version_by_alias per model. A "
        f"side that cannot finish its checks within the interval falls behind: its rate is what "
        f"the server answered, not what was scheduled (the plot's dashed lines). Promotions: "
        f"{sizes.fleet_promotions} through the webhook (0.25 s apart), then as many with the "
        f"webhook disabled (the listing alone); /predict: {sizes.fleet_load_in_flight} requests in "
        f"flight for {sizes.fleet_load_seconds:g} s, MLflow up then stopped. Shared, noisy "
        f"two-core machine: the server, the proxy, the replicas and the service share it."
    )
    return result
