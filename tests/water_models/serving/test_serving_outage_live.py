"""MLflow goes down and comes back: the service keeps predicting, says so, and catches up.

This module stops an MLflow server, so it starts its own (the session's keeps running). The
service reaches it through a proxy: stopping the server is the real outage; refusing at the
proxy keeps the service cut off after the server is back, so the test can promote a model the
service cannot see yet, then reconnect it and watch one refresh catch up.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from serving_support import Fleet, ServiceProcess, readings, register_fleet, service_env
from tests.faults.proxy import Fault, FaultProxy, RandomFaults

from mlflow_rest_sdk.local_server import LocalMlflowServer, find_free_port
from water_models import naming

pytestmark = pytest.mark.xdist_group("water-models-serving-outage")

REFUSE_ALL = RandomFaults({Fault.REFUSE: 1.0})


@dataclass
class Outage:
    server: LocalMlflowServer
    proxy: FaultProxy
    fleet: Fleet
    service: ServiceProcess
    home: Path


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    root = tmp_path_factory.mktemp("serving-outage")
    server = LocalMlflowServer(root / "server", port=find_free_port(), startup_timeout=300)
    with server, FaultProxy(server.url) as proxy:
        prefix = f"so{uuid.uuid4().hex[:6]}-"
        fleet = register_fleet(server.url, root, [f"{prefix}{i}" for i in range(2)])
        home = root / "service"
        service = ServiceProcess(root, service_env(proxy.url, home, prefix)).start()
        try:
            service.wait_until(
                lambda: service.health()["models"]["confirmed_by_mlflow"] == 2,
                60,
                "both champions confirmed",
            )
            yield Outage(server, proxy, fleet, service, home)
        finally:
            service.stop()


def _predicted_versions(service: ServiceProcess, stations: list[str]) -> dict[str, str]:
    batch = {"stations": [{"station_id": s, "readings": readings(s)} for s in stations]}
    answer = service.http.post("/predict", json=batch)
    assert answer.status_code == 200, answer.text
    return {r["station_id"]: r["model_version"] for r in answer.json()["results"]}


def test_with_mlflow_stopped_predictions_continue_and_health_says_so(outage: Outage) -> None:
    stations = outage.fleet.stations
    before = _predicted_versions(outage.service, stations)

    outage.server.stop()
    outage.service.wait_until(
        lambda: outage.service.health()["mlflow"]["reachable"] is False, 30, "MLflow unreachable"
    )

    assert _predicted_versions(outage.service, stations) == before
    health = outage.service.health()
    assert health["status"] == "degraded"
    assert health["mlflow"]["consecutive_failures"] >= 1
    assert health["mlflow"]["last_refresh"]["ok"] is False
    assert health["models"]["served"] == len(stations)
    assert {row["version"] for row in outage.service.models().values()} == set(before.values())


def test_a_service_started_during_the_outage_serves_the_cached_champions(
    outage: Outage,
) -> None:
    assert not outage.server.is_running
    second = ServiceProcess(
        outage.home.parent / "second",
        service_env(outage.proxy.url, outage.home, outage.fleet.prefix),
    ).start()
    try:
        second.wait_until(
            lambda: second.health()["status"] != "starting", 60, "the first refresh tried"
        )
        rows = second.models()
        versions = _predicted_versions(second, outage.fleet.stations)
        health = second.health()
    finally:
        second.stop()

    assert versions == _predicted_versions(outage.service, outage.fleet.stations)
    assert {(r["source"], r["files"]) for r in rows.values()} == {("local", "cache")}
    assert health["mlflow"]["reachable"] is False
    assert health["models"]["local_fallback"] == len(outage.fleet.stations)


def test_when_mlflow_is_back_one_refresh_catches_up(outage: Outage) -> None:
    station = outage.fleet.stations[0]
    outage.proxy.set_plan(REFUSE_ALL)  # the service stays cut off while we change the registry
    outage.server.start()
    new = outage.fleet.register(station, seed=5).registry_version
    outage.fleet.promote(station, new)
    assert outage.service.health()["mlflow"]["reachable"] is False

    outage.proxy.reset_counts()
    outage.proxy.set_plan(None)
    outage.service.wait_until(
        lambda: outage.service.health()["mlflow"]["reachable"] is True, 30, "MLflow reachable"
    )

    # The refresh that found MLflow again had already swapped the new champion in.
    assert outage.service.models()[station]["version"] == new
    assert _predicted_versions(outage.service, [station]) == {station: new}
    name = naming.registered_model_name(station, "xgboost")
    paths = [event.path for event in outage.proxy.events()]
    downloads = [p for p in paths if "/mlflow-artifacts/artifacts/" in p]
    assert paths[0].endswith("/registered-models/search")
    assert len(downloads) == 2, paths  # metadata.json and the model file, once
    assert not any(p.endswith("/model-versions/get") for p in paths)  # the listing had it
    assert all(p.endswith("/registered-models/search") for p in paths if p not in downloads)
    assert outage.service.health()["status"] == "ok"
    assert name in {row["registered_model"] for row in outage.service.models().values()}
