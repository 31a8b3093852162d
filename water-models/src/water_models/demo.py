"""``water-models demo`` (``make demo``): the whole station model lifecycle in about a minute.

Uses the server in ``MLFLOW_TRACKING_URI`` when set; otherwise starts a local MLflow server with
its data under ``--data-dir`` (``.mlflow-demo/``, which git ignores). Trains and registers every
station x model type in parallel, retrains station 1 (promoted only if better), loads the
champions MLflow-first and again from the cache, forecasts; then starts ``water-models serve``
beside the server with push on (:mod:`water_models.demo_serving`), promotes a retrained model and
times how soon the service answers with it. Last, offline operation: with the server stopped, the
service predicts on (``/health``: degraded), models load from the cache, and from the local file
once the cache is gone too. ``--no-serve`` leaves the service out.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from mlflow_rest_sdk.local_server import LocalMlflowServer, find_free_port
from water_models import demo_serving, naming
from water_models.data import validate_station_frame
from water_models.loaded import LoadedModel
from water_models.manager import ModelManager
from water_models.model_types import model_type_names
from water_models.model_types.base import ParamValue
from water_models.serving.process import ServiceProcess
from water_models.synthetic import generate_station_data

RETRAIN_PARAMS: dict[str, dict[str, ParamValue]] = {
    "xgboost": {"n_estimators": 60, "max_depth": 3},
    "baseline": {"alpha": 50.0},
}


@dataclass(frozen=True)
class _Row:
    station: str
    model_type: str
    loaded: LoadedModel
    again: LoadedModel
    forecast: float


def run_demo(*, stations: int, keep_server: bool, data_dir: Path, serve: bool = True) -> int:
    if stations < 1:
        raise ValueError(f"--stations must be at least 1, got {stations}")
    console = Console()
    if not console.is_terminal:
        console = Console(width=132)  # logs and CI: room for the whole table
    data_dir = data_dir.resolve()
    env_uri = os.environ.get("MLFLOW_TRACKING_URI")
    server: LocalMlflowServer | None = None
    if env_uri:
        console.print(f"Using the MLflow server at [bold]{env_uri}[/] (MLFLOW_TRACKING_URI)")
        uri = env_uri
    else:
        server = LocalMlflowServer(
            data_dir=data_dir,
            port=find_free_port(),
            startup_timeout=300,
            extra_env=demo_serving.push_server_env(data_dir) if serve else None,
        )
        console.print(f"Starting a local MLflow server (data in {data_dir}); this takes 10-60 s…")
        server.start()
        uri = server.url
    try:
        _lifecycle(console, uri, stations, data_dir, server, serve)
    finally:
        if server is not None and not keep_server:
            server.stop()
            console.print(
                "\nThe local MLflow server is stopped, so those links are dead now: run "
                "again with --keep-server to browse them."
            )
    if server is not None and keep_server:
        if not server.is_running:
            console.print("Starting the server again, as --keep-server asks…")
            server.start()
        console.print(
            f"\nThe MLflow server keeps running at [bold]{server.url}[/] (pid {server.pid}, "
            f"log in {server.log_path}).\nStop it with: kill -TERM -- -{server.pid}"
        )
    return 0


def _lifecycle(
    console: Console,
    uri: str,
    n: int,
    data_dir: Path,
    server: LocalMlflowServer | None,
    serve: bool,
) -> None:
    station_ids = [str(i) for i in range(1, n + 1)]
    types = model_type_names()
    home = data_dir / "water-models"
    step = itertools.count(1)
    service: ServiceProcess | None = None
    try:
        with ModelManager(uri, models_dir=home / "models", cache_dir=home / "cache") as manager:
            _train_and_load(console, manager, station_ids, types, step)
            if serve:
                console.rule(f"{next(step)}. Serve: water-models serve beside MLflow, with push")
                service = _serve(console, manager, home, station_ids, types)
        console.rule(f"{next(step)}. Offline: the MLflow server is down")
        dead_uri = _go_offline(console, uri, server, service, station_ids, types)
        _offline_loads(console, dead_uri, home, station_ids, types)
    finally:
        if service is not None:
            service.stop()

    console.rule(f"{next(step)}. See it in the MLflow UI")
    name = urllib.parse.quote(naming.registered_model_name(station_ids[0], types[-1]), safe="")
    console.print(f"  {uri}/#/models\n  {uri}/#/models/{name}\n  {uri}/#/experiments")


def _train_and_load(
    console: Console,
    manager: ModelManager,
    station_ids: list[str],
    types: list[str],
    step: Iterator[int],
) -> None:
    console.rule(
        f"{next(step)}. Train every station x model type in parallel, register concurrently"
    )
    outcomes = manager.train_and_register_fleet(station_ids, types)
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise RuntimeError(f"{len(failed)} model(s) failed: {failed[0].error}")

    console.rule(f"{next(step)}. Retrain station 1 with other settings: promoted only if better")
    for model_type in types:
        result = manager.train(station_ids[0], model_type, params=RETRAIN_PARAMS.get(model_type))
        reg = manager.register_model_in_mlflow(station_ids[0], model_type, result)
        verdict = "promoted to champion" if reg.promoted else "kept as challenger"
        console.print(
            f"  {reg.version_label}: RMSE {reg.rmse:.4f} vs champion "
            f"{reg.previous_champion_rmse or float('nan'):.4f} -> {verdict}"
        )

    console.rule(
        f"{next(step)}. Load the champions MLflow-first, again from the cache, and forecast"
    )
    rows = [_load_and_forecast(manager, s, t) for s in station_ids for t in types]
    console.print(_table("Champions in service", rows))
    console.print(f"  downloads from MLflow: {manager.artifacts.downloads} files")


def _serve(
    console: Console, manager: ModelManager, home: Path, station_ids: list[str], types: list[str]
) -> ServiceProcess:
    """The service up with push, readings answered, a promotion timed; left running."""
    expected = len(station_ids) * len(types)
    service = demo_serving.start_service(console, manager.tracking_uri, home / "serving", expected)
    try:
        batch = demo_serving.fleet_batch(station_ids, types)
        demo_serving.show_predictions(console, service, batch, "Answered by water-models serve")
        promoted_type = "xgboost" if "xgboost" in types else types[0]
        try:
            demo_serving.promote_and_time(console, service, manager, station_ids[0], promoted_type)
        finally:
            demo_serving.remove_webhook(console, service, manager)
    except BaseException:
        service.stop()
        raise
    return service


def _go_offline(
    console: Console,
    uri: str,
    server: LocalMlflowServer | None,
    service: ServiceProcess | None,
    station_ids: list[str],
    types: list[str],
) -> str:
    """Stop the demo's server (the service predicts on); a dead address for another server."""
    if server is None:
        dead_uri = f"http://127.0.0.1:{find_free_port()}"
        console.print(f"  pointing at {dead_uri}, where nothing listens")
        if service is not None:
            console.print("  (the service stays on MLFLOW_TRACKING_URI's server: not ours to stop)")
        return dead_uri

    def stop() -> None:
        server.stop()
        console.print("  stopped the MLflow server")

    if service is None:
        stop()
    else:
        demo_serving.serve_through_outage(
            console, service, demo_serving.fleet_batch(station_ids, types), stop
        )
    return uri


def _offline_loads(
    console: Console, dead_uri: str, home: Path, station_ids: list[str], types: list[str]
) -> None:
    with ModelManager(dead_uri, models_dir=home / "models", cache_dir=home / "cache") as offline:
        rows = [_load_and_forecast(offline, s, t) for s in station_ids for t in types]
    console.print(_table("Loaded by ModelManager while MLflow is down", rows))
    with (
        tempfile.TemporaryDirectory() as empty_cache,
        ModelManager(dead_uri, models_dir=home / "models", cache_dir=Path(empty_cache)) as bare,
    ):
        local = bare.load_model(station_ids[0], types[0])
    if local is not None:
        console.print(
            f"  with the cache emptied too, station {station_ids[0]} {types[0]} comes from the "
            f"{local.source} model file {bare.get_model_path(station_ids[0], types[0])}"
        )


def _load_and_forecast(manager: ModelManager, station: str, model_type: str) -> _Row:
    loaded = manager.load_model(station, model_type)
    again = manager.load_model(station, model_type)
    if loaded is None or again is None:
        raise RuntimeError(f"station {station} {model_type}: model found nowhere")
    recent = validate_station_frame(generate_station_data(station, seed=7), station).tail(48)
    forecast = loaded.forecast(recent)
    latest = forecast.iloc[-1]
    return _Row(station, model_type, loaded, again, float(latest.iloc[-1]))


def _table(title: str, rows: list[_Row]) -> Table:
    table = Table(title=title)
    for column in (
        "station",
        "model type",
        "version",
        "alias",
        "RMSE",
        "load source",
        "load time",
        "again",
        "DO in 6 h",
    ):
        table.add_column(column, justify="right" if column in ("RMSE", "load time") else "left")
    for row in rows:
        table.add_row(
            row.station,
            row.model_type,
            row.loaded.version_label or "-",
            row.loaded.alias or "-",
            f"{row.loaded.metadata.metrics['rmse']:.4f}",
            row.loaded.source,
            _ms(row.loaded.load_seconds),
            f"{row.again.source} {_ms(row.again.load_seconds)}",
            f"{row.forecast:.2f} mg/L",
        )
    return table


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"
