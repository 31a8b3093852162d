"""Scenario 5: registering and loading station models, water_models against MLflow's flavour.

The XGBoost models are trained once, before anything is timed; both sides register and load
the very same boosters. water_models registers one model at a time through
``ModelManager.register_model_in_mlflow`` (which also renders the validation plot and writes the
model card) and, as a fleet, concurrently through ``register_fleet_async``; MLflow's side does
what a user of ``mlflow.xgboost`` would: a run with params, metrics and tags,
``mlflow.xgboost.log_model``, ``mlflow.register_model`` and the ``champion`` alias. A cold load
has nothing cached; the cached load is ``ModelManager.load_model`` a second time.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from pathlib import Path
from typing import Any

from benchmarks.context import Context
from benchmarks.results import ScenarioResult
from benchmarks.servers import stock_server
from benchmarks.targets import Kind, Target
from water_models import ModelManager  # type: ignore[import-untyped, unused-ignore]
from water_models.bundle import ModelBundle  # type: ignore[import-untyped, unused-ignore]
from water_models.features import ForecastTask  # type: ignore[import-untyped, unused-ignore]
from water_models.fleet import (  # type: ignore[import-untyped, unused-ignore]
    TrainedItem,
    register_fleet_async,
    train_one,
)

KEY = "5-models"
TITLE = "registering and loading station models (stock server)"
MODEL_TYPE = "xgboost"
WATER = "water_models ModelManager"
FLEET = "water_models fleet (4 in flight)"
OFFICIAL = "mlflow.xgboost"
REGISTER = "register models"
COLD = "cold load"
CACHED = "cached load"
FLEET_OFFSET = 1000
MS = 1e3

TARGETS = [
    Target(KEY, REGISTER, WATER, Kind.AT_LEAST_RATIO, 3.0, (OFFICIAL,), ">= 3x faster"),
    Target(KEY, REGISTER, FLEET, Kind.AT_LEAST_RATIO, 3.0, (OFFICIAL,), ">= 3x faster"),
    Target(KEY, COLD, WATER, Kind.AT_LEAST_RATIO, 3.0, (OFFICIAL,), ">= 3x faster"),
    Target(KEY, CACHED, WATER, Kind.BELOW, 2.0, (), "< 2 ms"),
]


def _train(count: int) -> list[TrainedItem]:
    task = ForecastTask()
    return [train_one(str(station), MODEL_TYPE, None, task) for station in range(1, count + 1)]


def _as_station(item: TrainedItem, station: str) -> TrainedItem:
    """The same model under another station id, so the fleet registers fresh model names."""
    result = dataclasses.replace(item.result, station_id=station)
    return TrainedItem(result, ModelBundle.from_training(result), item.plot_png)


def _official_name(station: str) -> str:
    return f"mlflow-station-{station}-{MODEL_TYPE}"


def _booster(item: TrainedItem) -> Any:
    """The XGBoost booster inside water_models' model wrapper (what mlflow.xgboost logs)."""
    from water_models.model_types.xgboost_model import (  # type: ignore[import-untyped, unused-ignore]
        XGBoostModel,
    )

    model = item.result.model
    if not isinstance(model, XGBoostModel):
        raise TypeError(f"expected an XGBoost model, got {type(model).__name__}")
    return model.booster


def _official_register(item: TrainedItem) -> None:
    import mlflow
    import mlflow.xgboost

    result = item.result
    station = result.station_id
    name = _official_name(station)
    mlflow.set_experiment(f"mlflow-station-{station}")
    with mlflow.start_run(run_name=f"{MODEL_TYPE}-station-{station}"):
        mlflow.set_tags({"station_id": station, "model_type": MODEL_TYPE})
        mlflow.log_params(dict(result.params))
        mlflow.log_metrics({f"validation_{k}": v for k, v in result.metrics.items()})
        info = mlflow.xgboost.log_model(_booster(item), name="model")
    version = mlflow.register_model(info.model_uri, name)
    mlflow.MlflowClient().set_registered_model_alias(name, "champion", version.version)


def _official_load(station: str) -> Any:
    import mlflow.xgboost

    return mlflow.xgboost.load_model(f"models:/{_official_name(station)}@champion")


def _manager(url: str, root: Path, name: str) -> ModelManager:
    return ModelManager(url, models_dir=root / name / "models", cache_dir=root / name / "cache")


def run(ctx: Context) -> ScenarioResult:
    import mlflow

    result = ScenarioResult(KEY, TITLE)
    root = ctx.scratch("models")
    started = time.perf_counter()
    items = _train(ctx.sizes.stations + 1)  # the first one only warms both sides up
    result.facts["training (not timed)"] = (
        f"{len(items)} models in {time.perf_counter() - started:.0f} s"
    )
    warm, timed = items[0], items[1:]
    official = timed[: ctx.sizes.stations_official]
    stations = [item.result.station_id for item in timed]
    official_stations = {item.result.station_id for item in official}
    with stock_server(ctx.scratch("models-server")) as server:
        mlflow.set_tracking_uri(server.url)
        with _manager(server.url, root, "register") as manager:
            manager.register_model_in_mlflow(warm.result.station_id, MODEL_TYPE, warm.result)
            _official_register(warm)
            register: dict[str, float] = {}
            clock = time.perf_counter()
            for item in timed:
                manager.register_model_in_mlflow(item.result.station_id, MODEL_TYPE, item.result)
            register[WATER] = time.perf_counter() - clock
            fleet_items = [
                _as_station(item, str(FLEET_OFFSET + int(s)))
                for item, s in zip(timed, stations, strict=True)
            ]
            clock = time.perf_counter()
            outcomes = asyncio.run(
                register_fleet_async(manager.client.config, fleet_items, max_concurrency=4)
            )
            register[FLEET] = time.perf_counter() - clock
            failed = [o for o in outcomes if isinstance(o, BaseException)]
            if failed:
                raise RuntimeError(f"fleet registration failed: {failed[0]!r}")
            clock = time.perf_counter()
            for item in official:
                _official_register(item)
            register[OFFICIAL] = time.perf_counter() - clock
        for name, seconds in register.items():
            count = len(official) if name == OFFICIAL else len(timed)
            result.add(REGISTER, name, "s/model", [seconds / count], models=count)

        loads: dict[tuple[str, str], list[float]] = {}
        sources: set[str] = set()
        with _manager(server.url, root, "load") as loader:
            loader.load_model(warm.result.station_id, MODEL_TYPE)
            _official_load(warm.result.station_id)
            for station in stations:
                clock = time.perf_counter()
                loaded = loader.load_model(station, MODEL_TYPE)
                loads.setdefault((COLD, WATER), []).append((time.perf_counter() - clock) * MS)
                if station in official_stations:
                    clock = time.perf_counter()
                    _official_load(station)
                    elapsed = (time.perf_counter() - clock) * MS
                    loads.setdefault((COLD, OFFICIAL), []).append(elapsed)
                clock = time.perf_counter()
                again = loader.load_model(station, MODEL_TYPE)
                loads.setdefault((CACHED, WATER), []).append((time.perf_counter() - clock) * MS)
                if loaded is None or again is None:
                    raise RuntimeError(f"station {station}: the model did not load")
                sources.add(f"{loaded.source}/{again.source}")
        for (case, name), values in loads.items():
            result.add(case, name, "ms/model", values)
    result.facts["load sources (cold/cached)"] = ", ".join(sorted(sources))
    result.notes.append(
        f"{len(timed)} XGBoost station models for water_models, the first "
        f"{len(official)} of them for mlflow.xgboost (about 15 s a model here, most of it "
        "mlflow inferring pip requirements in a subprocess), plus one warm-up per side, not "
        "counted; figures are per model: registration is a side's total divided by its models."
    )
    result.notes.append(
        "water_models registration includes its validation plot (rendered inside "
        "register_model_in_mlflow; the fleet path receives it from training) and model card."
    )
    return result
