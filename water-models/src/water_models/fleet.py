"""Fleets: train many (station, model type) pairs in parallel, register them concurrently.

Training is CPU work, so it runs through joblib (one XGBoost thread per model): in local
processes (``loky``) by default, or on a Dask cluster (``dask``) through joblib's Dask backend.
Workers get only small picklable inputs (station id, model type, data folder, task) and send the
trained model back. Registration is network work, so it always runs in this process, as asyncio
tasks on one ``AsyncMlflowClient``, at most ``max_concurrency`` at a time, once per
(station, model type) however often a pair was trained. One failing station does not stop the
others: its outcome carries the error.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from joblib import Parallel, delayed
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mlflow_rest_sdk import AsyncMlflowClient
from water_models import naming
from water_models.bundle import ModelBundle
from water_models.calls import run_async
from water_models.data import read_station_frame
from water_models.features import ForecastTask
from water_models.fleet_backend import FleetBackend, parallel_options
from water_models.model_types import get_model_type
from water_models.plots import validation_plot_png
from water_models.registry_flows import RegistrationResult, register_flow
from water_models.training import TrainingResult, train_station_model

if TYPE_CHECKING:
    from mlflow_rest_sdk import ClientConfig

#: Called in this process for each registered model, with the bundle that was registered (the
#: manager keeps a local copy labelled with its registry version).
OnRegistered = Callable[[ModelBundle, RegistrationResult], None]


def _this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class TrainedItem:
    """What a worker sends back: the result, its bundle, the validation plot, who trained it."""

    result: TrainingResult
    bundle: ModelBundle
    plot_png: bytes
    trained_by: str = field(default_factory=_this_process)

    @property
    def pair(self) -> tuple[str, str]:
        return self.result.station_id, self.result.model_type


@dataclass(frozen=True)
class FleetOutcome:
    station_id: str
    model_type: str
    training: TrainingResult | None
    registration: RegistrationResult | None
    error: str | None
    #: ``host:pid`` of the process that trained the model (a Dask worker with that backend).
    trained_by: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def train_one(
    station_id: str, model_type: str, data_dir: Path | None, task: ForecastTask
) -> TrainedItem:
    """Runs in a worker process: load (or generate) the data, train, render the plot."""
    data = read_station_frame(data_dir, station_id)
    result = train_station_model(station_id, model_type, data, task)
    return TrainedItem(result, ModelBundle.from_training(result), validation_plot_png(result))


def _progress(show: bool) -> Progress:
    return Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not show,
        transient=False,
    )


def train_fleet(
    pairs: Sequence[tuple[str, str]],
    *,
    data_dir: Path | None,
    task: ForecastTask,
    n_jobs: int | None = None,
    progress: Progress | None = None,
    backend: FleetBackend | None = None,
) -> list[TrainedItem | BaseException]:
    """Train each (station, type) pair once, in the order given (repeated pairs share a result).

    ``backend`` defaults to local processes. A Dask task that is run again (its worker died)
    can only answer once per pair here: a second answer is dropped. When the backend itself
    fails midway (e.g. Dask gives up on a task that keeps killing workers), the pairs that
    finished keep their results and the others get that error.
    """
    unique = list(dict.fromkeys(pairs))
    if not unique:
        return []
    outcomes: dict[int, TrainedItem | BaseException] = {}
    with parallel_options(backend or FleetBackend(), len(unique), n_jobs) as options:
        bar = progress.add_task("training", total=len(unique)) if progress else None
        runner = Parallel(return_as="generator_unordered", **options)
        jobs = (delayed(_indexed)(i, s, t, data_dir, task) for i, (s, t) in enumerate(unique))
        try:
            for index, outcome in runner(jobs):
                if index in outcomes:
                    continue
                outcomes[index] = outcome
                if progress is not None and bar is not None:
                    progress.advance(bar)
        except Exception as error:  # the backend failed: finished stations still count
            for index in range(len(unique)):
                outcomes.setdefault(index, error)
    by_pair = {pair: outcomes[i] for i, pair in enumerate(unique)}
    return [by_pair[pair] for pair in pairs]


def _indexed(
    index: int, station: str, model_type: str, data_dir: Path | None, task: ForecastTask
) -> tuple[int, TrainedItem | BaseException]:
    try:
        return index, train_one(station, model_type, data_dir, task)
    except Exception as error:  # reported per station; the fleet goes on
        return index, error


async def register_fleet_async(
    config: ClientConfig,
    items: Sequence[TrainedItem],
    *,
    max_concurrency: int = 4,
    progress: Progress | None = None,
) -> list[RegistrationResult | BaseException]:
    """Register over one ``AsyncMlflowClient`` of ``config``, ``max_concurrency`` at once.

    Items for the same (station, model type) are registered once (the first one), and every one
    of them gets that registration's result: a training result that came back twice must not
    become two model versions.
    """
    if max_concurrency < 1:
        raise ValueError(f"max_concurrency must be >= 1, got {max_concurrency}")
    first: dict[tuple[str, str], TrainedItem] = {}
    for item in items:
        first.setdefault(item.pair, item)
    limit = asyncio.Semaphore(max_concurrency)
    bar = progress.add_task("registering", total=len(first)) if progress else None

    async with AsyncMlflowClient(config=config) as client:

        async def register(item: TrainedItem) -> RegistrationResult | BaseException:
            async with limit:
                try:
                    flow = register_flow(item.result, item.bundle, item.plot_png)
                    outcome: RegistrationResult | BaseException = await run_async(client, flow)
                except Exception as error:  # reported per station; the fleet goes on
                    outcome = error
            if progress is not None and bar is not None:
                progress.advance(bar)
            return outcome

        results = await asyncio.gather(*(register(item) for item in first.values()))
    by_pair = dict(zip(first, results, strict=True))
    return [by_pair[item.pair] for item in items]


def train_and_register_fleet(
    config: ClientConfig,
    station_ids: Sequence[str | int],
    model_types: Sequence[str],
    *,
    data_dir: Path | None,
    task: ForecastTask,
    on_registered: OnRegistered,
    n_jobs: int | None = None,
    max_concurrency: int = 4,
    show_progress: bool = True,
    backend: str | FleetBackend | None = None,
    scheduler: str | None = None,
) -> list[FleetOutcome]:
    """Every station x every model type: trained in parallel, registered concurrently.

    ``backend``: ``"loky"`` (local processes, the default) or ``"dask"`` with ``scheduler``
    (e.g. ``"tcp://10.0.0.5:8786"``), else the environment (see :meth:`FleetBackend.resolve`).
    Stations are read from ``data_dir`` (synthetic when absent) and registered through a client
    of ``config``; ``on_registered`` runs here, in order, for each registered pair.
    """
    for model_type in model_types:
        get_model_type(model_type)
    chosen = (
        backend if isinstance(backend, FleetBackend) else FleetBackend.resolve(backend, scheduler)
    )
    stations = [naming.normalize_station_id(s) for s in station_ids]
    pairs = list(dict.fromkeys((s, t) for s in stations for t in model_types))
    with _progress(show_progress) as progress:
        trained = train_fleet(
            pairs,
            data_dir=data_dir,
            task=task,
            n_jobs=n_jobs,
            progress=progress,
            backend=chosen,
        )
        good = [item for item in trained if isinstance(item, TrainedItem)]
        registered = asyncio.run(
            register_fleet_async(config, good, max_concurrency=max_concurrency, progress=progress)
        )
    by_pair = {item.pair: (item, reg) for item, reg in zip(good, registered, strict=True)}
    outcomes: list[FleetOutcome] = []
    for (station, model_type), trained_item in zip(pairs, trained, strict=True):
        if not isinstance(trained_item, TrainedItem):
            outcomes.append(FleetOutcome(station, model_type, None, None, _describe(trained_item)))
            continue
        item, reg = by_pair[(station, model_type)]
        if isinstance(reg, RegistrationResult):
            on_registered(item.bundle, reg)
            outcomes.append(
                FleetOutcome(station, model_type, item.result, reg, None, item.trained_by)
            )
        else:
            outcomes.append(
                FleetOutcome(
                    station, model_type, item.result, None, _describe(reg), item.trained_by
                )
            )
    return outcomes


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
