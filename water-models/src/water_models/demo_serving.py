"""The demo's serving steps: ``water-models serve`` beside the demo's MLflow server, with push.

The service starts with a public URL on loopback and a fresh secret, so it registers a webhook
and MLflow pushes each champion change to it; the demo sends readings for every station, promotes
a retrained model and times how long until the service answers with the new version. Then, with
MLflow stopped, it shows the service predicting on while ``/health`` says ``degraded``.
"""

from __future__ import annotations

import base64
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from mlflow_rest_sdk.local_server import find_free_port
from water_models import naming
from water_models.data import validate_station_frame
from water_models.manager import ModelManager
from water_models.model_types.base import ParamValue
from water_models.serving.process import ServiceProcess
from water_models.synthetic import generate_station_data

#: The listing interval of the demo's service: short enough that an outage shows in /health
#: within seconds, long enough that a promotion served within a second came through the push.
REFRESH_INTERVAL_S = 5.0
#: A retrain on a small setting: the RMSE gate keeps it as challenger, and the demo promotes it.
QUICK_RETRAIN: dict[str, dict[str, ParamValue]] = {
    "xgboost": {"n_estimators": 8, "max_depth": 2},
    "baseline": {"alpha": 500.0},
}
_WAIT_S = 60.0
_KEY_FILE = "webhook-secret-encryption.key"


def push_server_env(data_dir: Path) -> dict[str, str]:
    """What the demo's MLflow server needs to push to a service on loopback; set ones win.

    MLflow calls only https URLs on public addresses unless told otherwise; it encrypts webhook
    secrets with one key that every worker must share (kept in ``data_dir``, so webhooks stored
    by an earlier run stay readable); and it caches subscriber lists for a minute, which would
    hide a webhook registered seconds after the fleet's own alias changes.
    """
    key_file = data_dir / _KEY_FILE
    if not key_file.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(key)
    defaults = {
        "MLFLOW_WEBHOOK_ALLOWED_SCHEMES": "http,https",
        "MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS": "true",
        "MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY": key_file.read_text().strip(),
        "MLFLOW_WEBHOOK_CACHE_TTL": "0",
    }
    return {name: os.environ.get(name, value) for name, value in defaults.items()}


def start_service(console: Console, uri: str, home: Path, expected: int) -> ServiceProcess:
    """``water-models serve`` with push on, once it serves ``expected`` models and push settled."""
    port = find_free_port()
    args = [
        "--tracking-uri",
        uri,
        "--public-url",
        f"http://127.0.0.1:{port}",
        "--refresh-interval",
        f"{REFRESH_INTERVAL_S:g}",
        "--cache-dir",
        str(home / "cache"),
        "--models-dir",
        str(home / "models"),
    ]
    service = ServiceProcess(
        port, args, env={}, log_path=home / "service.log", webhook_secret=secrets.token_hex(32)
    )
    console.print(f"  water-models serve --port {port} {' '.join(args)}")
    started = time.perf_counter()
    service.start()
    try:
        service.wait_until(
            lambda: service.health()["models"]["confirmed_by_mlflow"] >= expected,
            _WAIT_S,
            f"{expected} champions loaded",
        )
        service.wait_until(
            lambda: service.health()["push"]["status"] != "registering", _WAIT_S, "push settled"
        )
    except BaseException:
        service.stop()
        raise
    push = service.health()["push"]
    console.print(
        f"  up at [bold]{service.url}[/] with {expected} champions in "
        f"{time.perf_counter() - started:.1f} s; push: [bold]{push['status']}[/]"
        + (f" ({push['detail']})" if push["detail"] else "")
        + f", log in {service.log_path}"
    )
    return service


def show_predictions(
    console: Console, service: ServiceProcess, batch: dict[str, Any], title: str
) -> None:
    """One ``POST /predict`` for every station, as a table, with the time it took."""
    started = time.perf_counter()
    results = service.predict(batch)["results"]
    took = time.perf_counter() - started
    table = Table(title=title)
    for column in ("station", "model type", "version", "registry version", "source", "DO in 6 h"):
        table.add_column(column)
    for result in results:
        value = result["forecasts"][-1]["value"] if "forecasts" in result else None
        table.add_row(
            result["station_id"],
            result["model_type"],
            result.get("version_label") or result.get("message", "-"),
            str(result.get("model_version") or "-"),
            result.get("source", "-"),
            "-" if value is None else f"{value:.2f} mg/L",
        )
    console.print(table)
    console.print(
        f"  forecasts of {len(results)} station models in one POST /predict: {took * 1000:.0f} ms"
    )


def promote_and_time(
    console: Console, service: ServiceProcess, manager: ModelManager, station: str, model_type: str
) -> float:
    """Retrain, register, promote; seconds from the promotion until the service answers with it."""
    result = manager.train(station, model_type, params=QUICK_RETRAIN.get(model_type))
    reg = manager.register_model_in_mlflow(station, model_type, result)
    before = service.health()
    promoted_at = time.perf_counter()  # the gate may have moved the alias as it returned
    how = "promoted by the RMSE gate"
    if not reg.promoted:
        manager.client.set_registered_model_alias(
            name=reg.registered_model, alias=naming.CHAMPION, version=reg.registry_version
        )
        how = f"kept as challenger by the RMSE gate ({reg.rmse:.4f}), then promoted by hand"
    console.print(f"  {reg.version_label} (registry version {reg.registry_version}): {how}")
    body = {"station_id": station, "model_type": model_type, "readings": recent_readings(station)}

    def serves_it() -> bool:
        served: object = service.predict(body)["model_version"]
        return served == reg.registry_version

    service.wait_until(serves_it, _WAIT_S, f"version {reg.registry_version} served")
    delay = time.perf_counter() - promoted_at
    console.print(
        f"  the service answered with version {reg.registry_version} "
        f"[bold green]{delay:.2f} s[/] after the promotion, {_path(before, service.health())}"
    )
    return delay


def _path(before: dict[str, Any], after: dict[str, Any]) -> str:
    """Which path brought the promotion: the webhook, the listing, or both ran meanwhile."""
    pushed = after["push"]["accepted"] > before["push"]["accepted"]
    listed = after["mlflow"]["last_refresh"] != before["mlflow"]["last_refresh"]
    if pushed and not listed:
        return "through MLflow's webhook (no listing ran meanwhile)"
    if listed and not pushed:
        return "through the periodic listing (no webhook delivery came)"
    return "through the webhook and a listing (both ran meanwhile)"


def remove_webhook(console: Console, service: ServiceProcess, manager: ModelManager) -> None:
    """The service's webhook names a port that lives only as long as the demo."""
    webhook_id = service.health()["push"]["webhook_id"]
    if webhook_id:
        manager.client.delete_webhook(webhook_id=webhook_id)
        console.print(f"  removed the service's webhook {webhook_id} (its port is the demo's)")


def serve_through_outage(
    console: Console, service: ServiceProcess, batch: dict[str, Any], stop: Callable[[], None]
) -> None:
    """Stop MLflow; the service says ``degraded`` at its next listing and predicts on."""
    stop()
    took = service.wait_until(
        lambda: service.health()["status"] == "degraded", _WAIT_S, "/health saying degraded"
    )
    health = service.health()
    console.print(
        f"  /health: status [bold yellow]{health['status']}[/] {took:.1f} s later, MLflow "
        f"reachable: {health['mlflow']['reachable']}, failed listings: "
        f"{health['mlflow']['consecutive_failures']}, models served: "
        f"{health['models']['served']}"
    )
    show_predictions(console, service, batch, "Answered by water-models serve while MLflow is down")


def fleet_batch(station_ids: list[str], types: list[str]) -> dict[str, Any]:
    """A ``POST /predict`` batch: every station x model type with its recent readings."""
    return {
        "stations": [
            {"station_id": s, "model_type": t, "readings": recent_readings(s)}
            for s in station_ids
            for t in types
        ]
    }


def recent_readings(station: str, hours: int = 30) -> list[dict[str, Any]]:
    """The station's last ``hours`` readings as ``/predict`` takes them (null for gaps)."""
    frame = validate_station_frame(generate_station_data(station, seed=7), station).tail(hours)
    return [
        {
            str(key): value.isoformat()
            if hasattr(value, "isoformat")
            else (None if value != value else float(value))
            for key, value in row.items()
        }
        for row in frame.to_dict("records")
    ]
