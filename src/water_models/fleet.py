"""Fleets: train many (station, model type) pairs in worker processes, register them concurrently.

Training is CPU work, so it runs in joblib's process pool (one XGBoost thread per model);
registration is network work, so it runs as asyncio tasks on one ``AsyncMlflowClient``, at most
``max_concurrency`` at a time. One failing station does not stop the others: its outcome
carries the error.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from joblib import Parallel, delayed
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mlflow_rest_sdk import AsyncMlflowClient
from water_models import naming
from water_models.bundle import ModelBundle
from water_models.calls import run_async
from water_models.data import find_station_file, load_station_data, validate_station_frame
from water_models.features import ForecastTask
from water_models.model_types import get_model_type
from water_models.plots import validation_plot_png
from water_models.registry_flows import RegistrationResult, register_flow
from water_models.synthetic import generate_station_data
from water_models.training import TrainingResult, train_station_model

if TYPE_CHECKING:
    from water_models.manager import ModelManager


@dataclass(frozen=True)
class TrainedItem:
    """What a worker process sends back: the result, its bundle and the validation plot."""

    result: TrainingResult
    bundle: ModelBundle
    plot_png: bytes


@dataclass(frozen=True)
class FleetOutcome:
    station_id: str
    model_type: str
    training: TrainingResult | None
    registration: RegistrationResult | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def train_one(
    station_id: str, model_type: str, data_dir: Path | None, task: ForecastTask
) -> TrainedItem:
    """Runs in a worker process: load (or generate) the data, train, render the plot."""
    found = find_station_file(data_dir, station_id) if data_dir is not None else None
    data = (
        load_station_data(found, station_id)
        if found is not None
        else validate_station_frame(generate_station_data(station_id), station_id)
    )
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
) -> list[TrainedItem | BaseException]:
    """Train each (station, type) pair in joblib worker processes, in the order given."""
    if not pairs:
        return []
    workers = n_jobs or min(len(pairs), os.cpu_count() or 1)
    bar = progress.add_task("training", total=len(pairs)) if progress else None

    outcomes: dict[int, TrainedItem | BaseException] = {}
    runner = Parallel(n_jobs=workers, backend="loky", return_as="generator_unordered")
    jobs = (delayed(_indexed)(i, s, t, data_dir, task) for i, (s, t) in enumerate(pairs))
    for index, outcome in runner(jobs):
        outcomes[index] = outcome
        if progress is not None and bar is not None:
            progress.advance(bar)
    return [outcomes[i] for i in range(len(pairs))]


def _indexed(
    index: int, station: str, model_type: str, data_dir: Path | None, task: ForecastTask
) -> tuple[int, TrainedItem | BaseException]:
    try:
        return index, train_one(station, model_type, data_dir, task)
    except Exception as error:  # reported per station; the fleet goes on
        return index, error


async def register_fleet_async(
    manager: ModelManager,
    items: Sequence[TrainedItem],
    *,
    max_concurrency: int = 4,
    progress: Progress | None = None,
) -> list[RegistrationResult | BaseException]:
    """Register every trained item over one ``AsyncMlflowClient``, ``max_concurrency`` at once."""
    if max_concurrency < 1:
        raise ValueError(f"max_concurrency must be >= 1, got {max_concurrency}")
    limit = asyncio.Semaphore(max_concurrency)
    bar = progress.add_task("registering", total=len(items)) if progress else None

    async with AsyncMlflowClient(config=manager.client.config) as client:

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

        return list(await asyncio.gather(*(register(item) for item in items)))


def train_and_register_fleet(
    manager: ModelManager,
    station_ids: Sequence[str | int],
    model_types: Sequence[str],
    *,
    n_jobs: int | None = None,
    max_concurrency: int = 4,
    show_progress: bool = True,
) -> list[FleetOutcome]:
    """Every station x every model type: trained in parallel, registered concurrently."""
    for model_type in model_types:
        get_model_type(model_type)
    stations = [naming.normalize_station_id(s) for s in station_ids]
    pairs = [(s, t) for s in stations for t in model_types]
    with _progress(show_progress) as progress:
        trained = train_fleet(
            pairs, data_dir=manager.data_dir, task=manager.task, n_jobs=n_jobs, progress=progress
        )
        good = [item for item in trained if isinstance(item, TrainedItem)]
        registered = asyncio.run(
            register_fleet_async(manager, good, max_concurrency=max_concurrency, progress=progress)
        )
    by_pair = {
        (item.result.station_id, item.result.model_type): (item, reg)
        for item, reg in zip(good, registered, strict=True)
    }
    outcomes: list[FleetOutcome] = []
    for (station, model_type), trained_item in zip(pairs, trained, strict=True):
        if not isinstance(trained_item, TrainedItem):
            outcomes.append(FleetOutcome(station, model_type, None, None, _describe(trained_item)))
            continue
        item, reg = by_pair[(station, model_type)]
        if isinstance(reg, RegistrationResult):
            manager.local_store.save(item.bundle)
            manager.record_registration(item.bundle, reg)
            outcomes.append(FleetOutcome(station, model_type, item.result, reg, None))
        else:
            outcomes.append(FleetOutcome(station, model_type, item.result, None, _describe(reg)))
    return outcomes


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
