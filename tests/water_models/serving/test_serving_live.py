"""``water-models serve`` in a real uvicorn process against a real MLflow server.

Predictions for several stations, what ``/models`` and ``/health`` say, a promotion picked up
through the listing within a bound, a tampered model file refused while the previous champion
keeps serving, and bad input answered with a 4xx naming the field and the station.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving_support import Fleet, ServiceProcess, readings, register_fleet, service_env

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.local_server import LocalMlflowServer
from water_models import naming
from water_models.artifact_io import proxy_path

pytestmark = pytest.mark.xdist_group("water-models-serving")

#: Refresh interval 0.5 s with 20 % jitter, plus a download: a promotion shows in about a
#: second. The bound leaves room for a loaded two-core machine.
PROMOTION_BOUND_S = 15.0


@pytest.fixture(scope="module")
def fleet(mlflow_server: LocalMlflowServer, tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    prefix = f"sv{uuid.uuid4().hex[:6]}-"
    root = tmp_path_factory.mktemp("serving-fleet")
    return register_fleet(mlflow_server.url, root, [f"{prefix}{i}" for i in range(3)])


@pytest.fixture(scope="module")
def service(fleet: Fleet) -> Iterator[ServiceProcess]:
    home = fleet.root / "service"
    process = ServiceProcess(fleet.root, service_env(fleet.uri, home, fleet.prefix)).start()
    try:
        process.wait_until(
            lambda: process.health()["models"]["confirmed_by_mlflow"] == len(fleet.stations),
            60,
            "every champion confirmed",
        )
        yield process
    finally:
        process.stop()


def _champion_version(fleet: Fleet, station: str) -> str:
    with MlflowClient(fleet.uri) as client:
        got = client.get_model_version_by_alias(
            name=naming.registered_model_name(station, "xgboost"), alias=naming.CHAMPION
        )
    assert got.model_version is not None and got.model_version.version is not None
    return got.model_version.version


def _predict(service: ServiceProcess, station: str) -> dict[str, Any]:
    answer = service.http.post(
        "/predict", json={"station_id": station, "readings": readings(station)}
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_predictions_for_several_stations_name_the_version_that_made_them(
    fleet: Fleet, service: ServiceProcess
) -> None:
    batch = {"stations": [{"station_id": s, "readings": readings(s)} for s in fleet.stations]}
    answer = service.http.post("/predict", json=batch)

    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["station_id"] for r in results] == fleet.stations
    for result in results:
        assert result["model_version"] == _champion_version(fleet, result["station_id"])
        assert (result["alias"], result["source"]) == ("champion", "mlflow")
        assert len(result["forecasts"]) == 30
        assert all(f["value"] is not None for f in result["forecasts"][-6:])
    single = _predict(service, fleet.stations[1])
    assert single["forecasts"] == results[1]["forecasts"]


def test_models_lists_every_loaded_champion(fleet: Fleet, service: ServiceProcess) -> None:
    rows = service.models()

    assert sorted(rows) == sorted(fleet.stations)
    for station, row in rows.items():
        assert row["model_type"] == "xgboost"
        assert row["version"] == _champion_version(fleet, station)
        assert (row["alias"], row["source"]) == ("champion", "mlflow")
        assert row["loaded_since"]


def test_health_says_mlflow_answers_and_counts_the_models(
    fleet: Fleet, service: ServiceProcess
) -> None:
    health = service.health()

    assert health["status"] == "ok"
    assert health["mlflow"]["reachable"] is True
    assert health["mlflow"]["last_refresh"]["listing_requests"] == 1
    assert health["models"]["served"] == len(fleet.stations)
    assert health["models"]["local_fallback"] == 0


def test_a_promotion_is_served_within_the_bound(fleet: Fleet, service: ServiceProcess) -> None:
    station = fleet.stations[0]
    before = _predict(service, station)["model_version"]
    new = fleet.register(station, seed=11).registry_version
    fleet.promote(station, new)

    delay = service.wait_until(
        lambda: _predict(service, station)["model_version"] == new,
        PROMOTION_BOUND_S,
        f"station {station} served version {new}",
    )

    assert new != before
    print(f"promotion to served through the listing: {delay:.2f} s")
    assert service.models()[station]["version"] == new


def test_a_tampered_model_is_refused_and_the_previous_champion_keeps_serving(
    fleet: Fleet, service: ServiceProcess, mlflow_server: LocalMlflowServer
) -> None:
    station = fleet.stations[2]
    previous = _champion_version(fleet, station)
    bad = fleet.register(station, params="bad").registry_version  # worse: not promoted
    name = naming.registered_model_name(station, "xgboost")
    with MlflowClient(fleet.uri) as client:
        version = client.get_model_version(name=name, version=bad).model_version
    assert version is not None and version.source is not None
    folder = Path(mlflow_server.artifacts_destination) / proxy_path(version.source)
    model_file = next(p for p in folder.iterdir() if p.name != "metadata.json")
    model_file.write_bytes(model_file.read_bytes()[:-8] + b"tampered")
    fleet.promote(station, bad)

    def refused() -> bool:
        return any(r["version"] == bad for r in service.health()["models"]["refused"])

    try:
        service.wait_until(refused, PROMOTION_BOUND_S, f"version {bad} refused")
        [entry] = [r for r in service.health()["models"]["refused"] if r["version"] == bad]
        assert entry["registered_model"] == name
        assert "checksum mismatch" in entry["reason"]
        assert _predict(service, station)["model_version"] == previous
        assert service.models()[station]["version"] == previous
    finally:
        fleet.promote(station, previous)
    service.wait_until(lambda: not refused(), PROMOTION_BOUND_S, "the refusal cleared")
    assert _predict(service, station)["model_version"] == previous


BAD_INPUTS = [
    ("readings[3].ph", lambda r: r[3].update(ph=20.0), "outside the possible range"),
    ("readings[0].dissolved_oxygen", lambda r: r[0].update(dissolved_oxygen=8.0), "did you mean"),
    ("readings[2].temperature_c", lambda r: r[2].update(temperature_c="warm"), "a number"),
    ("readings[5].timestamp", lambda r: r[5].update(timestamp="yesterday"), "cannot be parsed"),
    ("readings[4].timestamp", lambda r: r[4].update(timestamp=r[3]["timestamp"]), "repeated"),
    ("readings[1].timestamp", lambda r: r[1].pop("timestamp"), "required"),
]


@pytest.mark.parametrize(("field", "spoil", "says"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_readings_get_a_422_naming_the_field_and_the_station(
    fleet: Fleet, service: ServiceProcess, field: str, spoil: Any, says: str
) -> None:
    station = fleet.stations[1]
    rows = readings(station)
    spoil(rows)

    answer = service.http.post("/predict", json={"station_id": station, "readings": rows})

    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert (body["field"], body["station_id"]) == (field, station)
    assert says in body["message"] and station in body["message"]


def test_a_bad_station_in_a_batch_is_named_with_its_position(
    fleet: Fleet, service: ServiceProcess
) -> None:
    good, spoilt = fleet.stations[0], fleet.stations[1]
    rows = readings(spoilt)
    rows[7]["turbidity_ntu"] = -3.0
    batch = {
        "stations": [
            {"station_id": good, "readings": readings(good)},
            {"station_id": spoilt, "readings": rows},
        ]
    }

    answer = service.http.post("/predict", json=batch)

    assert answer.status_code == 422
    assert (answer.json()["field"], answer.json()["station_id"]) == (
        "stations[1].readings[7].turbidity_ntu",
        spoilt,
    )


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"readings": []}, "station_id", 422),
        ({"station_id": "no such/station", "readings": []}, "station_id", 422),
        ({"station_id": "1", "model_type": "lstm", "readings": []}, "model_type", 422),
        ({"station_id": "1", "readings": []}, "readings", 422),
        ({"station_id": "1", "readings": [], "horizon": 3}, "horizon", 422),
        ({"stations": []}, "stations", 422),
        ([1, 2], "(body)", 422),
    ],
)
def test_malformed_bodies_get_a_4xx_naming_the_field(
    service: ServiceProcess, body: Any, field: str, status: int
) -> None:
    answer = service.http.post("/predict", json=body)

    assert answer.status_code == status, answer.text
    assert answer.json()["field"] == field


def test_a_body_that_is_not_json_gets_a_400(service: ServiceProcess) -> None:
    answer = service.http.post(
        "/predict", content=b"{station", headers={"content-type": "application/json"}
    )

    assert answer.status_code == 400
    assert "not JSON" in answer.json()["message"]


def test_an_unknown_station_gets_a_404_and_a_batch_still_serves_the_others(
    fleet: Fleet, service: ServiceProcess
) -> None:
    unknown = f"nowhere{uuid.uuid4().hex[:6]}"
    single = service.http.post("/predict", json={"station_id": unknown, "readings": readings("1")})
    batch = service.http.post(
        "/predict",
        json={
            "stations": [
                {"station_id": unknown, "readings": readings("1")},
                {"station_id": fleet.stations[0], "readings": readings(fleet.stations[0])},
            ]
        },
    )

    assert single.status_code == 404
    assert (single.json()["error"], single.json()["station_id"]) == ("unknown_station", unknown)
    assert batch.status_code == 200
    missing, served = batch.json()["results"]
    assert (missing["status"], missing["station_id"]) == (404, unknown)
    assert served["forecasts"]
