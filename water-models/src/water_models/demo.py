"""``water-models demo`` (``make demo``): the whole station model lifecycle in about a minute.

Uses the server in ``MLFLOW_TRACKING_URI`` when set; otherwise starts a local MLflow server with
its data under ``--data-dir`` (``.mlflow-demo/``, which git ignores). Trains and registers every
station x model type in parallel, retrains station 1 (promoted only if better), loads the
champions MLflow-first and again from the cache, forecasts, then shows offline operation:
with the server stopped, models come from the cache, and from the local file once the cache is
gone too.
"""

from __future__ import annotations

import os
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from mlflow_rest_sdk.local_server import LocalMlflowServer, find_free_port
from water_models import naming
from water_models.data import validate_station_frame
from water_models.loaded import LoadedModel
from water_models.manager import ModelManager
from water_models.model_types import model_type_names
from water_models.model_types.base import ParamValue
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


def run_demo(*, stations: int, keep_server: bool, data_dir: Path) -> int:
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
        server = LocalMlflowServer(data_dir=data_dir, port=find_free_port(), startup_timeout=300)
        console.print(f"Starting a local MLflow server (data in {data_dir}); this takes 10-60 s…")
        server.start()
        uri = server.url
    try:
        _lifecycle(console, uri, stations, data_dir, server)
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
    console: Console, uri: str, n: int, data_dir: Path, server: LocalMlflowServer | None
) -> None:
    station_ids = [str(i) for i in range(1, n + 1)]
    types = model_type_names()
    home = data_dir / "water-models"
    manager = ModelManager(uri, models_dir=home / "models", cache_dir=home / "cache")
    with manager:
        console.rule("1. Train every station x model type in parallel, register concurrently")
        outcomes = manager.train_and_register_fleet(station_ids, types)
        failed = [o for o in outcomes if not o.ok]
        if failed:
            raise RuntimeError(f"{len(failed)} model(s) failed: {failed[0].error}")

        console.rule("2. Retrain station 1 with other settings: promoted only if better")
        for model_type in types:
            result = manager.train(
                station_ids[0], model_type, params=RETRAIN_PARAMS.get(model_type)
            )
            reg = manager.register_model_in_mlflow(station_ids[0], model_type, result)
            verdict = "promoted to champion" if reg.promoted else "kept as challenger"
            console.print(
                f"  {reg.version_label}: RMSE {reg.rmse:.4f} vs champion "
                f"{reg.previous_champion_rmse or float('nan'):.4f} -> {verdict}"
            )

        console.rule("3. Load the champions MLflow-first, again from the cache, and forecast")
        rows = [_load_and_forecast(manager, s, t) for s in station_ids for t in types]
        console.print(_table("Champions in service", rows))
        console.print(f"  downloads from MLflow: {manager.artifacts.downloads} files")

    console.rule("4. Offline: the MLflow server is down")
    dead_uri = uri
    if server is not None:
        server.stop()
        console.print("  stopped the MLflow server")
    else:
        dead_uri = f"http://127.0.0.1:{find_free_port()}"
        console.print(f"  pointing at {dead_uri}, where nothing listens")
    with ModelManager(dead_uri, models_dir=home / "models", cache_dir=home / "cache") as offline:
        rows = [_load_and_forecast(offline, s, t) for s in station_ids for t in types]
    console.print(_table("Served while MLflow is down", rows))
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

    console.rule("5. See it in the MLflow UI")
    name = urllib.parse.quote(naming.registered_model_name(station_ids[0], types[-1]), safe="")
    console.print(f"  {uri}/#/models\n  {uri}/#/models/{name}\n  {uri}/#/experiments")


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
