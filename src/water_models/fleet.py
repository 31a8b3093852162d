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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from joblib import Parallel, delayed, parallel_config
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mlflow_rest_sdk import AsyncMlflowClient
from water_models import naming, settings
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
    from dask.distributed import Client

    from water_models.manager import ModelManager

DEFAULT_SCHEDULER_TIMEOUT = settings.DEFAULT_SCHEDULER_TIMEOUT
DASK_INSTALL_HINT = "pip install 'mlflow-rest-sdk[dask]'"


class FleetBackendError(ValueError):
    """The training backend cannot be used as configured; the message says what to change."""


@dataclass(frozen=True)
class FleetBackend:
    """Where fleet training runs: local processes (``loky``) or the Dask cluster at ``scheduler``.

    Build it with :meth:`resolve`, which reads the environment and checks the combination.
    """

    name: str = settings.DEFAULT_BACKEND
    scheduler: str | None = None
    scheduler_timeout: float = DEFAULT_SCHEDULER_TIMEOUT

    def __post_init__(self) -> None:
        if self.name not in settings.BACKENDS:
            raise FleetBackendError(
                f"{self.name!r} is not a fleet backend; use one of {settings.BACKENDS}"
            )
        if self.name == "dask" and not self.scheduler:
            raise FleetBackendError(
                "the dask backend needs a scheduler address: --scheduler tcp://HOST:8786 "
                f"(or {settings.SCHEDULER_ENV})"
            )

    @classmethod
    def resolve(
        cls,
        backend: str | None = None,
        scheduler: str | None = None,
        *,
        scheduler_timeout: float = DEFAULT_SCHEDULER_TIMEOUT,
    ) -> FleetBackend:
        """Arguments first, then ``WATER_MODELS_BACKEND`` / ``WATER_MODELS_DASK_SCHEDULER``.

        A scheduler passed explicitly with a local backend is refused rather than ignored, so a
        fleet meant for the cluster never runs on this machine by mistake.
        """
        try:
            name = settings.fleet_backend(backend)
        except ValueError as error:
            raise FleetBackendError(str(error)) from None
        if name != "dask":
            if scheduler:
                raise FleetBackendError(
                    f"a Dask scheduler ({scheduler}) was given but the fleet backend is "
                    f"{name!r}; use --backend dask (or {settings.BACKEND_ENV}=dask)"
                )
            return cls(name)
        address = settings.dask_scheduler(scheduler)
        if scheduler_timeout <= 0:
            raise FleetBackendError(
                f"scheduler_timeout must be a positive number of seconds, got {scheduler_timeout}"
            )
        return cls(name, address, scheduler_timeout)


def connect_dask(address: str, timeout: float = DEFAULT_SCHEDULER_TIMEOUT) -> Client:
    """A client of the scheduler at ``address`` with at least one worker, within ``timeout``.

    Raises ``FleetBackendError`` naming the address, so a wrong address or an empty cluster
    fails before any training instead of hanging.
    """
    try:
        from dask.distributed import Client
    except ImportError:
        raise FleetBackendError(
            f"the dask fleet backend needs dask.distributed: {DASK_INSTALL_HINT}"
        ) from None
    try:
        # distributed's Client is not annotated; the ignores stay local to this module.
        client = Client(address, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise FleetBackendError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s: {error}"
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError) as error:
        client.close()  # type: ignore[no-untyped-call]
        raise FleetBackendError(
            f"the Dask scheduler at {address} has no worker after {timeout:g} s: {error}"
        ) from None
    return client


@contextmanager
def _parallel_options(
    backend: FleetBackend, pairs: int, n_jobs: int | None
) -> Iterator[dict[str, Any]]:
    """Joblib's options for ``backend``; for Dask, connected for the duration of the block."""
    if backend.name != "dask" or backend.scheduler is None:
        yield {"n_jobs": n_jobs or min(pairs, os.cpu_count() or 1), "backend": "loky"}
        return
    client = connect_dask(backend.scheduler, backend.scheduler_timeout)
    try:
        with parallel_config(
            backend="dask", client=client, wait_for_workers_timeout=backend.scheduler_timeout
        ):
            # One station per Dask task: training takes seconds, so batching gains nothing and
            # would leave workers idle. Joblib's Dask backend uses every worker thread of the
            # cluster whatever n_jobs says.
            yield {"n_jobs": -1, "batch_size": 1}
    finally:
        client.close()  # type: ignore[no-untyped-call]


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
    with _parallel_options(backend or FleetBackend(), len(unique), n_jobs) as options:
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
    manager: ModelManager,
    items: Sequence[TrainedItem],
    *,
    max_concurrency: int = 4,
    progress: Progress | None = None,
) -> list[RegistrationResult | BaseException]:
    """Register over one ``AsyncMlflowClient``, ``max_concurrency`` at once, once per pair.

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

        results = await asyncio.gather(*(register(item) for item in first.values()))
    by_pair = dict(zip(first, results, strict=True))
    return [by_pair[item.pair] for item in items]


def train_and_register_fleet(
    manager: ModelManager,
    station_ids: Sequence[str | int],
    model_types: Sequence[str],
    *,
    n_jobs: int | None = None,
    max_concurrency: int = 4,
    show_progress: bool = True,
    backend: str | FleetBackend | None = None,
    scheduler: str | None = None,
) -> list[FleetOutcome]:
    """Every station x every model type: trained in parallel, registered concurrently.

    ``backend``: ``"loky"`` (local processes, the default) or ``"dask"`` with ``scheduler``
    (e.g. ``"tcp://10.0.0.5:8786"``), else the environment (see :meth:`FleetBackend.resolve`).
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
            data_dir=manager.data_dir,
            task=manager.task,
            n_jobs=n_jobs,
            progress=progress,
            backend=chosen,
        )
        good = [item for item in trained if isinstance(item, TrainedItem)]
        registered = asyncio.run(
            register_fleet_async(manager, good, max_concurrency=max_concurrency, progress=progress)
        )
    by_pair = {item.pair: (item, reg) for item, reg in zip(good, registered, strict=True)}
    outcomes: list[FleetOutcome] = []
    for (station, model_type), trained_item in zip(pairs, trained, strict=True):
        if not isinstance(trained_item, TrainedItem):
            outcomes.append(FleetOutcome(station, model_type, None, None, _describe(trained_item)))
            continue
        item, reg = by_pair[(station, model_type)]
        if isinstance(reg, RegistrationResult):
            manager.local_store.save(item.bundle)
            manager.record_registration(item.bundle, reg)
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
