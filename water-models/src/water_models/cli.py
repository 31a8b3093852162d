"""``water-models``: train, predict, inspect, list and delete station models; run the demo.

The MLflow server comes from ``--tracking-uri``, else ``MLFLOW_TRACKING_URI`` (and the other
variables the SDK reads), else the embedded default. ``--json`` prints machine-readable output
on stdout; messages, progress and warnings go to stderr.

Only what the parser needs is imported with the module, so ``water-models --help`` answers
without loading pandas, joblib or the SDK's clients; each command imports what it runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from water_models import naming, settings
from water_models.model_types import model_type_names
from water_models.settings import DEFAULT_SCHEDULER_TIMEOUT

if TYPE_CHECKING:
    from water_models.fleet import FleetOutcome
    from water_models.manager import ModelManager

EXIT_OK, EXIT_ERROR, EXIT_NOT_FOUND = 0, 1, 3


def parse_stations(text: str) -> list[str]:
    """``1-5`` -> 1..5; ``1,3,7-8``; other ids (``north-2``) pass through."""
    stations: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        low, sep, high = part.partition("-")
        if sep and low.isdigit() and high.isdigit():
            if int(low) > int(high):
                raise argparse.ArgumentTypeError(f"empty station range {part!r}")
            stations.extend(str(i) for i in range(int(low), int(high) + 1))
        else:
            try:
                stations.append(naming.normalize_station_id(part))
            except ValueError as error:
                raise argparse.ArgumentTypeError(str(error)) from None
    if not stations:
        raise argparse.ArgumentTypeError(f"no station in {text!r}")
    return list(dict.fromkeys(stations))


def build_parser() -> argparse.ArgumentParser:
    types = model_type_names()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--tracking-uri", help="MLflow server (default: $MLFLOW_TRACKING_URI)")
    common.add_argument("--models-dir", type=Path, help="local model store")
    common.add_argument("--cache-dir", type=Path, help="download cache")
    common.add_argument("-v", "--verbose", action="store_true", help="log each step")
    one = argparse.ArgumentParser(add_help=False)
    one.add_argument("--station", required=True, help="station id")
    one.add_argument("--model-type", required=True, choices=types)
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print JSON on stdout")

    parser = argparse.ArgumentParser(prog="water-models", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser(
        "train", parents=[common, as_json], help="train and register models for stations"
    )
    train.add_argument("--stations", required=True, type=parse_stations, help="e.g. 1-5 or 1,4")
    train.add_argument(
        "--model-type", action="append", choices=types, help=f"repeatable; default: all ({types})"
    )
    train.add_argument("--data", type=Path, help="folder of station_<id>.csv/.parquet files")
    train.add_argument(
        "--n-jobs", type=int, help="local training processes (default: one per core; not for dask)"
    )
    train.add_argument("--concurrency", type=int, default=4, help="registrations in flight")
    train.add_argument(
        "--backend",
        choices=settings.BACKENDS,
        help=f"where training runs (default: ${settings.BACKEND_ENV}, else loky: local processes)",
    )
    train.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help=f"Dask scheduler for --backend dask, e.g. tcp://HOST:8786 "
        f"(default: ${settings.SCHEDULER_ENV})",
    )
    train.add_argument(
        "--scheduler-timeout",
        type=float,
        default=DEFAULT_SCHEDULER_TIMEOUT,
        metavar="SECONDS",
        help=f"give up on the scheduler after this long (default {DEFAULT_SCHEDULER_TIMEOUT:g})",
    )

    predict = commands.add_parser(
        "predict", parents=[common, one, as_json], help="forecast from a station data file"
    )
    predict.add_argument("--input", required=True, type=Path, help="CSV or Parquet readings")
    predict.add_argument("--output", type=Path, help="CSV or Parquet file (default: stdout)")

    commands.add_parser("info", parents=[common, one, as_json], help="the model in service")
    commands.add_parser("list", parents=[common, as_json], help="registered station models")
    commands.add_parser("delete", parents=[common, one, as_json], help="remove a model everywhere")

    _add_serve(commands, common)

    demo = commands.add_parser("demo", help="the whole lifecycle against a local MLflow server")
    demo.add_argument("--stations", type=int, default=3, help="how many stations (default 3)")
    demo.add_argument("--keep-server", action="store_true", help="leave the server running")
    demo.add_argument(
        "--data-dir", type=Path, default=Path(".mlflow-demo"), help="server data and models"
    )
    demo.add_argument(
        "--no-serve",
        dest="serve",
        action="store_false",
        help="leave out the prediction service (water-models serve) and its push",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    err = Console(stderr=True)
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Imported once a command runs: the errors it reports, and the manager that runs it.
    from mlflow_rest_sdk.errors import MlflowRestError
    from water_models.bundle import ModelIntegrityError
    from water_models.manager import ModelManager
    from water_models.schema import StationDataError

    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "demo":
            from water_models.demo import run_demo

            return run_demo(
                stations=args.stations,
                keep_server=args.keep_server,
                data_dir=args.data_dir,
                serve=args.serve,
            )
        with ModelManager(
            args.tracking_uri,
            models_dir=args.models_dir,
            cache_dir=args.cache_dir,
            data_dir=getattr(args, "data", None),
        ) as manager:
            handler = _HANDLERS[args.command]
            return handler(manager, args, err)
    except (StationDataError, ModelIntegrityError, MlflowRestError, ValueError) as error:
        err.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        return EXIT_ERROR


def _add_serve(commands: Any, common: argparse.ArgumentParser) -> None:
    """``serve``: every setting also comes from its ``WATER_MODELS_*`` variable (the default)."""
    env = settings.SERVE_ENV
    serve = commands.add_parser(
        "serve", parents=[common], help="the HTTP prediction service (FastAPI on uvicorn)"
    )
    serve.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    serve.add_argument(
        "--station-prefix",
        help=f"serve only stations whose id starts so (${env['station_prefix']})",
    )
    serve.add_argument(
        "--refresh-interval",
        type=float,
        metavar="SECONDS",
        help=f"between registry listings (default 60; ${env['refresh_interval']})",
    )
    serve.add_argument(
        "--refresh-jitter",
        type=float,
        metavar="FRACTION",
        help=f"spread of each interval, e.g. 0.1 = ±10%% (${env['refresh_jitter']})",
    )
    serve.add_argument(
        "--backoff-max",
        type=float,
        metavar="SECONDS",
        help=f"longest wait between failed refreshes (default 120; ${env['backoff_max']})",
    )
    serve.add_argument(
        "--page-size",
        type=int,
        help=f"models per listing request (default and MLflow's max: "
        f"{settings.MAX_LISTING_PAGE_SIZE}; ${env['page_size']})",
    )
    serve.add_argument(
        "--download-workers",
        type=int,
        help=f"champions downloaded at once (default 4; ${env['download_workers']})",
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="this service's base URL as the MLflow server reaches it: with a webhook secret "
        f"(${settings.WEBHOOK_SECRET_ENV}) MLflow pushes alias changes (${env['public_url']})",
    )


def _serve(args: argparse.Namespace) -> int:
    from water_models.serving.run import serve

    config = settings.ServeSettings.from_env(
        tracking_uri=args.tracking_uri,
        cache_dir=args.cache_dir,
        models_dir=args.models_dir,
        station_prefix=args.station_prefix,
        refresh_interval=args.refresh_interval,
        refresh_jitter=args.refresh_jitter,
        backoff_max=args.backoff_max,
        page_size=args.page_size,
        download_workers=args.download_workers,
        public_url=args.public_url,
    )
    serve(
        config,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="debug" if args.verbose else "info",
    )
    return EXIT_OK


def _train(manager: ModelManager, args: argparse.Namespace, err: Console) -> int:
    from water_models.fleet_backend import FleetBackend

    types = args.model_type or model_type_names()
    backend = FleetBackend.resolve(
        args.backend, args.scheduler, scheduler_timeout=args.scheduler_timeout
    )
    outcomes = manager.train_and_register_fleet(
        args.stations,
        types,
        n_jobs=args.n_jobs,
        max_concurrency=args.concurrency,
        show_progress=not args.json,
        backend=backend,
    )
    if args.json:
        _print_json([_outcome_dict(o) for o in outcomes])
    else:
        table = Table(title="Training and registration")
        for column in ("station", "model type", "version", "alias", "RMSE", "status"):
            table.add_column(column)
        for o in outcomes:
            reg = o.registration
            table.add_row(
                o.station_id,
                o.model_type,
                reg.version_label if reg else "-",
                reg.alias if reg else "-",
                f"{o.training.rmse:.4f}" if o.training else "-",
                "ok" if o.ok else f"[red]{o.error}[/red]",
            )
        _stdout().print(table)
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_ERROR


def _outcome_dict(outcome: FleetOutcome) -> dict[str, Any]:
    reg = outcome.registration
    return {
        "station_id": outcome.station_id,
        "model_type": outcome.model_type,
        "ok": outcome.ok,
        "error": outcome.error,
        "rmse": outcome.training.rmse if outcome.training else None,
        "version": reg.version_label if reg else None,
        "registry_version": reg.registry_version if reg else None,
        "alias": reg.alias if reg else None,
        "promoted": reg.promoted if reg else None,
        "run_id": reg.run_id if reg else None,
        "trained_by": outcome.trained_by,
    }


def _predict(manager: ModelManager, args: argparse.Namespace, err: Console) -> int:
    from water_models.data import load_station_data

    station = naming.normalize_station_id(args.station)
    data = load_station_data(args.input, station)
    loaded = manager.load_model(station, args.model_type)
    if loaded is None:
        err.print(f"no {args.model_type} model for station {station} in MLflow, cache or disk")
        return EXIT_NOT_FOUND
    forecast = loaded.forecast(data)
    if args.output is not None:
        if args.output.suffix.lower() in (".parquet", ".pq"):
            forecast.to_parquet(args.output, index=False)
        else:
            forecast.to_csv(args.output, index=False)
        err.print(
            f"{len(forecast)} forecasts from {loaded.version_label or 'an unregistered model'} "
            f"({loaded.source}) written to {args.output}"
        )
    if args.json:
        _print_json(
            {
                "model": {"version": loaded.version_label, "source": loaded.source},
                "forecasts": json.loads(forecast.to_json(orient="records", date_format="iso")),
            }
        )
    elif args.output is None:
        sys.stdout.write(forecast.to_csv(index=False))
    return EXIT_OK


def _info(manager: ModelManager, args: argparse.Namespace, err: Console) -> int:
    info = manager.get_model_info(args.station, args.model_type)
    if info is None:
        if args.json:
            _print_json(None)
        err.print(f"no {args.model_type} model for station {args.station}")
        return EXIT_NOT_FOUND
    if args.json:
        _print_json(info.to_dict())
        return EXIT_OK
    table = Table(show_header=False, title=info.registered_model)
    for key, value in info.to_dict().items():
        if key == "metrics":
            value = ", ".join(f"{k}={v:.4g}" for k, v in value.items())
        table.add_row(key, str(value))
    _stdout().print(table)
    return EXIT_OK


def _list(manager: ModelManager, args: argparse.Namespace, err: Console) -> int:
    rows = manager.list_models()
    if args.json:
        _print_json(rows)
        return EXIT_OK
    table = Table(title=f"Station models on {manager.tracking_uri}")
    for column in ("registered model", "station", "type", "latest", "aliases"):
        table.add_column(column)
    for row in rows:
        aliases = ", ".join(f"{a}→v{v}" for a, v in sorted(row["aliases"].items()))
        table.add_row(
            row["registered_model"],
            str(row["station_id"]),
            str(row["model_type"]),
            str(row["latest_version"]),
            aliases or "-",
        )
    _stdout().print(table)
    return EXIT_OK


def _delete(manager: ModelManager, args: argparse.Namespace, err: Console) -> int:
    removed = manager.delete_model(args.station, args.model_type)
    if args.json:
        _print_json(removed)
    else:
        done = [where for where, existed in removed.items() if existed] or ["nothing to remove"]
        err.print(f"station {args.station} {args.model_type}: removed {', '.join(done)}")
    return EXIT_OK


def _stdout() -> Console:
    """Tables on stdout; wide enough for them when stdout is a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=132)


def _print_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")


_HANDLERS = {
    "train": _train,
    "predict": _predict,
    "info": _info,
    "list": _list,
    "delete": _delete,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
