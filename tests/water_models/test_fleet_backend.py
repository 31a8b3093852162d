"""Choosing the fleet's training backend: arguments, environment and the errors (no server)."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dask.distributed import LocalCluster

from water_models import fleet
from water_models.cli import main
from water_models.features import ForecastTask
from water_models.fleet_backend import FleetBackend, FleetBackendError, connect_dask

SCHEDULER = "tcp://10.1.2.3:8786"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WATER_MODELS_BACKEND", raising=False)
    monkeypatch.delenv("WATER_MODELS_DASK_SCHEDULER", raising=False)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_backend_defaults_to_local_processes() -> None:
    assert FleetBackend.resolve() == FleetBackend("loky")


def test_backend_and_scheduler_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATER_MODELS_BACKEND", "dask")
    monkeypatch.setenv("WATER_MODELS_DASK_SCHEDULER", SCHEDULER)
    assert FleetBackend.resolve() == FleetBackend("dask", SCHEDULER)


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATER_MODELS_BACKEND", "loky")
    monkeypatch.setenv("WATER_MODELS_DASK_SCHEDULER", "tcp://elsewhere:8786")
    chosen = FleetBackend.resolve("dask", SCHEDULER, scheduler_timeout=3)
    assert chosen == FleetBackend("dask", SCHEDULER, 3)


def test_dask_without_a_scheduler_is_refused() -> None:
    with pytest.raises(FleetBackendError, match="WATER_MODELS_DASK_SCHEDULER"):
        FleetBackend.resolve("dask")


def test_a_scheduler_with_the_local_backend_is_refused() -> None:
    with pytest.raises(FleetBackendError, match="--backend dask"):
        FleetBackend.resolve("loky", SCHEDULER)


def test_an_unknown_backend_in_the_environment_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATER_MODELS_BACKEND", "spark")
    with pytest.raises(FleetBackendError, match="WATER_MODELS_BACKEND='spark'"):
        FleetBackend.resolve()


def test_a_non_positive_scheduler_timeout_is_refused() -> None:
    with pytest.raises(FleetBackendError, match="scheduler_timeout"):
        FleetBackend.resolve("dask", SCHEDULER, scheduler_timeout=0)


def test_an_unreachable_scheduler_fails_naming_its_address() -> None:
    address = f"tcp://127.0.0.1:{closed_port()}"
    with pytest.raises(FleetBackendError, match=f"cannot reach the Dask scheduler at {address}"):
        connect_dask(address, timeout=1)


def test_a_scheduler_without_workers_is_refused() -> None:
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as empty:
        address = empty.scheduler_address
        with pytest.raises(FleetBackendError, match=f"{address} has no worker"):
            connect_dask(address, timeout=1)


def test_a_dask_backend_built_without_a_scheduler_is_refused() -> None:
    with pytest.raises(FleetBackendError, match="needs a scheduler address"):
        FleetBackend("dask")


def test_missing_dask_points_to_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(FleetBackendError, match=r"pip install 'mlflow-rest-sdk\[dask\]'"):
        connect_dask(SCHEDULER)


def test_a_task_answering_twice_counts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A retried task whose first attempt also answered: the driver keeps one result."""

    class EchoTwice:
        def __init__(self, **options: Any) -> None:
            pass

        def __call__(
            self, jobs: Iterable[tuple[Callable[..., Any], tuple[Any, ...], Any]]
        ) -> Iterator[tuple[int, str]]:
            for _, args, _ in jobs:
                yield args[0], f"trained {args[1]}"
                yield args[0], f"again {args[1]}"

    monkeypatch.setattr(fleet, "Parallel", EchoTwice)
    pairs = [("1", "baseline"), ("2", "baseline"), ("1", "baseline")]
    trained = fleet.train_fleet(pairs, data_dir=None, task=ForecastTask())
    assert trained == ["trained 1", "trained 2", "trained 1"]


def test_a_backend_failure_fails_only_the_unfinished_stations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E.g. Dask's KilledWorker for one task: the stations that finished are kept."""

    class FirstThenFail:
        def __init__(self, **options: Any) -> None:
            pass

        def __call__(
            self, jobs: Iterable[tuple[Callable[..., Any], tuple[Any, ...], Any]]
        ) -> Iterator[tuple[int, str]]:
            _, args, _ = next(iter(jobs))
            yield args[0], f"trained {args[1]}"
            raise RuntimeError("worker lost")

    monkeypatch.setattr(fleet, "Parallel", FirstThenFail)
    pairs = [("1", "baseline"), ("2", "baseline"), ("3", "baseline")]
    first, *rest = fleet.train_fleet(pairs, data_dir=None, task=ForecastTask())
    assert first == "trained 1"
    assert [str(error) for error in rest] == ["worker lost", "worker lost"]


def cli(tmp_path: Path, *args: str) -> list[str]:
    return [
        "train",
        "--stations",
        "1",
        *args,
        "--tracking-uri",
        f"http://127.0.0.1:{closed_port()}",
        "--models-dir",
        str(tmp_path / "models"),
        "--cache-dir",
        str(tmp_path / "cache"),
    ]


def test_cli_dask_without_a_scheduler_exits_with_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(cli(tmp_path, "--backend", "dask")) == 1
    assert "--scheduler tcp://HOST:8786" in capsys.readouterr().err


def test_cli_unreachable_scheduler_exits_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address = f"tcp://127.0.0.1:{closed_port()}"
    args = ("--backend", "dask", "--scheduler", address, "--scheduler-timeout", "1")
    assert main(cli(tmp_path, *args)) == 1
    assert address in capsys.readouterr().err


def test_cli_refuses_an_unknown_backend(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(cli(tmp_path, "--backend", "spark"))
    assert exit_info.value.code == 2
