"""``water-models serve`` against MLflow as deployed: PostgreSQL, S3 behind the artifact proxy,
four uvicorn workers (the ``production_server`` topology).

The topology's MLflow server can deliver webhooks to loopback (``WEBHOOK_TEST_ENV``), so the
service runs with push on and a listing interval no test waits for: a promotion served within
seconds came through MLflow's webhook, delivered by whichever of the four workers took the alias
call. A model file tampered with in the bucket itself is refused on that path, and the previous
champion keeps serving.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from serving_support import Fleet, ServiceProcess, readings, register_fleet, service_env
from tests._infra.topology import ProductionTopology

from mlflow_rest_sdk import MlflowClient
from water_models import naming
from water_models.artifact_io import proxy_path
from water_models.bundle import METADATA_FILE

pytestmark = pytest.mark.xdist_group("water-models-serving-production")

SECRET = "production-push-secret-0123456789"
#: No listing runs while a test waits: what the service picks up sooner came through push.
LONG_INTERVAL = {"WATER_MODELS_REFRESH_INTERVAL": "600", "WATER_MODELS_REFRESH_JITTER": "0.1"}
#: Delivery plus one reload (two downloads through the proxy from S3), on a loaded machine.
PUSH_BOUND_S = 5.0


@pytest.fixture(scope="module")
def fleet(production_server: ProductionTopology, tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    prefix = f"pp{uuid.uuid4().hex[:6]}-"
    root = tmp_path_factory.mktemp("production-fleet")
    return register_fleet(production_server.url, root, [f"{prefix}{i}" for i in range(3)])


@pytest.fixture(scope="module")
def service(fleet: Fleet) -> Iterator[ServiceProcess]:
    env = {**service_env(fleet.uri, fleet.root / "service", fleet.prefix), **LONG_INTERVAL}
    process = ServiceProcess(fleet.root, env, webhook_secret=SECRET)
    webhook_id = None
    try:
        process.start()
        process.wait_until(
            lambda: (
                process.health()["models"]["confirmed_by_mlflow"] == len(fleet.stations)
                and process.health()["push"]["active"]
            ),
            90,
            "every champion confirmed and push active",
        )
        webhook_id = process.health()["push"]["webhook_id"]
        yield process
    finally:
        process.stop()
        if webhook_id is not None:  # the session's topology outlives this service
            with MlflowClient(fleet.uri) as client:
                client.delete_webhook(webhook_id=webhook_id)


def _champion_version(fleet: Fleet, station: str) -> str:
    with MlflowClient(fleet.uri) as client:
        got = client.get_model_version_by_alias(
            name=naming.registered_model_name(station, "xgboost"), alias=naming.CHAMPION
        )
    assert got.model_version is not None and got.model_version.version is not None
    return got.model_version.version


def _served(service: ServiceProcess, station: str) -> str | None:
    answer = service.http.post(
        "/predict", json={"station_id": station, "readings": readings(station, hours=26)}
    )
    assert answer.status_code == 200, answer.text
    version: str | None = answer.json()["model_version"]
    return version


def _last_listing(service: ServiceProcess) -> dict[str, Any]:
    refresh: dict[str, Any] = service.health()["mlflow"]["last_refresh"]
    return refresh


def test_predictions_for_several_stations_come_from_champions_stored_in_s3(
    fleet: Fleet, service: ServiceProcess, production_server: ProductionTopology
) -> None:
    batch = {"stations": [{"station_id": s, "readings": readings(s)} for s in fleet.stations]}
    answer = service.http.post("/predict", json=batch)

    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["station_id"] for r in results] == fleet.stations
    for result in results:
        assert result["model_version"] == _champion_version(fleet, result["station_id"])
        assert (result["alias"], result["source"]) == ("champion", "mlflow")
        assert all(f["value"] is not None for f in result["forecasts"][-6:])
    keys = production_server.s3.keys(production_server.bucket, production_server.prefix)
    assert any(key.endswith(f"/model/{METADATA_FILE}") for key in keys)


def test_a_promotion_is_served_within_seconds_through_the_webhook(
    fleet: Fleet, service: ServiceProcess
) -> None:
    station = fleet.stations[0]
    listing_before = _last_listing(service)
    accepted_before = service.health()["push"]["accepted"]
    new = fleet.register(station, seed=11).registry_version
    fleet.promote(station, new)

    took = service.wait_until(
        lambda: _served(service, station) == new, PUSH_BOUND_S, f"version {new} served"
    )

    assert _last_listing(service)["started_at"] == listing_before["started_at"]  # no listing ran
    assert service.health()["push"]["accepted"] > accepted_before
    assert service.models()[station]["version"] == new
    print(f"promotion served {took:.2f} s after the alias moved, through the webhook")


def test_a_model_tampered_with_in_s3_is_refused_and_the_previous_champion_keeps_serving(
    fleet: Fleet, service: ServiceProcess, production_server: ProductionTopology
) -> None:
    station = fleet.stations[2]
    previous = _champion_version(fleet, station)
    bad = fleet.register(station, params="bad").registry_version  # worse: not promoted
    name = naming.registered_model_name(station, "xgboost")
    with MlflowClient(fleet.uri) as client:
        version = client.get_model_version(name=name, version=bad).model_version
    assert version is not None and version.source is not None
    folder = f"{production_server.prefix}/{proxy_path(version.source)}/"
    s3 = production_server.s3.client()
    [model_key] = [
        key
        for key in production_server.s3.keys(production_server.bucket, folder)
        if not key.endswith(METADATA_FILE)
    ]
    stored = s3.get_object(Bucket=production_server.bucket, Key=model_key)["Body"].read()
    s3.put_object(Bucket=production_server.bucket, Key=model_key, Body=stored[:-8] + b"tampered")

    def refused() -> bool:
        return any(r["version"] == bad for r in service.health()["models"]["refused"])

    fleet.promote(station, bad)
    try:
        service.wait_until(refused, PUSH_BOUND_S, f"version {bad} refused")
        [entry] = [r for r in service.health()["models"]["refused"] if r["version"] == bad]
        assert entry["registered_model"] == name
        assert "checksum mismatch" in entry["reason"]
        assert _served(service, station) == previous
        assert service.models()[station]["version"] == previous
    finally:
        fleet.promote(station, previous)
    assert _served(service, station) == previous
