"""Fleet training on a real Dask cluster (three worker processes), registering live."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dask.distributed import Client, LocalCluster
from station_models_support import SMALL

from mlflow_rest_sdk import MlflowClient
from water_models import ModelManager, naming
from water_models.cli import main
from water_models.features import ForecastTask
from water_models.fleet import FleetOutcome, register_fleet_async, train_one
from water_models.synthetic import generate_station_data

STATIONS = 6


@dataclass(frozen=True)
class Cluster:
    address: str
    worker_pids: frozenset[int]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """Three single-threaded worker processes; their pids tell where a model was trained."""
    with (
        LocalCluster(
            n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None
        ) as local,
        Client(local) as client,
    ):
        pids = frozenset(int(pid) for pid in client.run(os.getpid).values())
        yield Cluster(local.scheduler_address, pids)


def write_stations(folder: Path, stations: list[str]) -> Path:
    """A month of readings per station as CSV: small enough to train in a second."""
    folder.mkdir(parents=True, exist_ok=True)
    for station in stations:
        frame = generate_station_data(station, config=SMALL)
        frame.to_csv(folder / f"station_{station}.csv", index=False)
    return folder


def new_stations(count: int) -> list[str]:
    prefix = f"dk{uuid.uuid4().hex[:8]}"
    return [f"{prefix}-{i}" for i in range(count)]


@dataclass(frozen=True)
class FleetRun:
    stations: list[str]
    outcomes: list[FleetOutcome]


@pytest.fixture(scope="module")
def dask_fleet(
    cluster: Cluster, tracking_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> FleetRun:
    """One fleet on the cluster, each station listed twice (registration must still be once)."""
    stations = new_stations(STATIONS)
    root = tmp_path_factory.mktemp("dask-fleet")
    with ModelManager(
        tracking_uri,
        models_dir=root / "models",
        cache_dir=root / "cache",
        data_dir=write_stations(root / "data", stations),
    ) as manager:
        outcomes = manager.train_and_register_fleet(
            [*stations, *stations],
            ["baseline"],
            backend="dask",
            scheduler=cluster.address,
            show_progress=False,
        )
    return FleetRun(stations, outcomes)


def versions_of(tracking_uri: str, station: str, model_type: str) -> list[str]:
    name = naming.registered_model_name(station, model_type)
    with MlflowClient(tracking_uri) as client:
        found = client.search_model_versions(filter=f"name='{name}'", max_results=100)
    return [v.version or "" for v in found.model_versions or []]


def pid_of(trained_by: str | None) -> int:
    assert trained_by is not None
    return int(trained_by.rsplit(":", 1)[1])


def test_every_station_is_trained_and_registered_once(dask_fleet: FleetRun) -> None:
    assert [(o.station_id, o.ok) for o in dask_fleet.outcomes] == [
        (s, True) for s in dask_fleet.stations
    ]


def test_the_server_holds_one_version_per_station_and_type(
    dask_fleet: FleetRun, tracking_uri: str
) -> None:
    for station in dask_fleet.stations:
        assert versions_of(tracking_uri, station, "baseline") == ["1"]


def test_training_runs_in_the_dask_worker_processes(dask_fleet: FleetRun, cluster: Cluster) -> None:
    pids = {pid_of(o.trained_by) for o in dask_fleet.outcomes}
    assert pids <= cluster.worker_pids
    assert os.getpid() not in pids


async def test_a_training_result_returned_twice_is_registered_once(
    tracking_uri: str, tmp_path: Path
) -> None:
    """What a Dask task retried after a worker died looks like to the driver."""
    [station] = new_stations(1)
    item = train_one(
        station, "baseline", write_stations(tmp_path / "data", [station]), ForecastTask()
    )
    with ModelManager(tracking_uri, models_dir=tmp_path / "m", cache_dir=tmp_path / "c") as manager:
        results = await register_fleet_async(manager.client.config, [item, item], max_concurrency=2)
    assert results[0] is results[1]
    assert versions_of(tracking_uri, station, "baseline") == ["1"]


def test_cli_trains_on_the_scheduler_it_is_given(
    cluster: Cluster,
    tracking_uri: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stations = new_stations(2)
    code = main(
        [
            "train",
            "--stations",
            ",".join(stations),
            "--model-type",
            "baseline",
            "--data",
            str(write_stations(tmp_path / "data", stations)),
            "--backend",
            "dask",
            "--scheduler",
            cluster.address,
            "--json",
            "--tracking-uri",
            tracking_uri,
            "--models-dir",
            str(tmp_path / "models"),
            "--cache-dir",
            str(tmp_path / "cache"),
        ]
    )
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(r["station_id"], r["ok"], r["registry_version"]) for r in rows] == [
        (s, True, "1") for s in stations
    ]
    assert {pid_of(r["trained_by"]) for r in rows} <= cluster.worker_pids
