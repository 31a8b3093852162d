"""``ModelManager``: the station model lifecycle with the method names the platform already calls.

Train locally, register in MLflow (run, artifacts, model version, champion/challenger aliases),
and load MLflow-first with a memory and disk cache, falling back to the cache and then to the
local model file when MLflow cannot be reached.

Importing this module loads neither pandas, numpy, xgboost nor matplotlib, nor the SDK's
clients: the methods that need them (train, load, plot, the default client) import them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from mlflow_rest_sdk import RetryPolicy
from mlflow_rest_sdk.errors import APIConnectionError, ResourceDoesNotExist, ServerError
from water_models import naming, settings
from water_models.artifact_io import ArtifactReader
from water_models.bundle import METADATA_FILE, ModelBundle, ModelIntegrityError, ModelMetadata
from water_models.cache import CacheKey, CurrentPointer, DiskCache
from water_models.calls import run_sync
from water_models.features import ForecastTask
from water_models.legacy_api import mlflow_api_call as _legacy_call
from water_models.loaded import LoadedModel, ModelInfo
from water_models.local_store import LocalModelStore
from water_models.model_types import get_model_type
from water_models.model_types.base import ParamValue
from water_models.registry_flows import (
    TAG_MODEL_FILE,
    RegistrationResult,
    RegistryRecord,
    register_flow,
    resolve_flow,
)
from water_models.versioning import Bump

if TYPE_CHECKING:
    import pandas as pd

    from mlflow_rest_sdk import MlflowClient
    from mlflow_rest_sdk.models import RegisteredModel
    from water_models.fleet_backend import FleetBackend
    from water_models.training import TrainingResult

logger = logging.getLogger("water_models")

#: Resolving the champion must fail fast when the server is down: the fallback is ready.
FAST_RETRY = RetryPolicy(max_attempts=2, backoff_factor=0.1, backoff_max=0.5, deadline=10.0)
#: Errors that mean "MLflow cannot answer now", as opposed to "the model is not there".
UNREACHABLE = (APIConnectionError, ServerError)


def _model_row(model: RegisteredModel) -> dict[str, Any]:
    """What :meth:`ModelManager.list_models` reports of one registered model."""
    tags = {t.key: t.value for t in model.tags}
    latest = max((int(v.version or 0) for v in model.latest_versions), default=None)
    return {
        "registered_model": model.name,
        "station_id": tags.get("station_id"),
        "model_type": tags.get("model_type"),
        "aliases": {a.alias: a.version for a in model.aliases},
        "latest_version": None if latest is None else str(latest),
    }


@dataclass(frozen=True)
class _Resolution:
    key: CacheKey
    at: float  # time.monotonic() of the last check with MLflow


class ModelManager:
    """One station model per (station, model type), tracked in MLflow and served MLflow-first.

    ``cache_ttl`` seconds: how long a resolved champion is trusted without asking MLflow
    again (0 asks on every load; ``load_model(..., refresh=True)`` asks now). Downloads are
    cached on disk under ``cache_dir`` keyed by registered model, version and sha256.
    """

    def __init__(
        self,
        tracking_uri: str | None = None,
        *,
        models_dir: Path | None = None,
        cache_dir: Path | None = None,
        data_dir: Path | None = None,
        cache_ttl: float = 60.0,
        task: ForecastTask | None = None,
        client: MlflowClient | None = None,
        allow_pickle: bool = False,
        resolve_retry: RetryPolicy = FAST_RETRY,
    ) -> None:
        if cache_ttl < 0:
            raise ValueError(f"cache_ttl must be >= 0 seconds, got {cache_ttl}")
        home = settings.home_dir()
        if client is None:
            from mlflow_rest_sdk import MlflowClient  # the generated client: loaded when needed

            self.tracking_uri = settings.tracking_uri(tracking_uri)
            client = MlflowClient(self.tracking_uri)
            self._owns_client = True
        else:
            self.tracking_uri = client.tracking_uri
            self._owns_client = False
        self.client = client
        self.local_store = LocalModelStore(models_dir or home / "models")
        self.disk_cache = DiskCache(cache_dir or home / "cache")
        self.data_dir = data_dir
        self.cache_ttl = cache_ttl
        self.task = task or ForecastTask()
        self.allow_pickle = allow_pickle
        self.resolve_retry = resolve_retry
        self.artifacts = ArtifactReader(self.client)
        self._memory: dict[CacheKey, LoadedModel] = {}
        self._resolved: dict[str, _Resolution] = {}

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ModelManager(tracking_uri={self.tracking_uri!r})"

    # -- training and registration -------------------------------------------------------------

    def station_data(self, station_id: str | int) -> pd.DataFrame:
        """The station's file from ``data_dir`` if there is one, else synthetic readings."""
        from water_models.data import read_station_frame  # pandas: only when data is read

        return read_station_frame(self.data_dir, naming.normalize_station_id(station_id))

    def train(
        self,
        station_id: str | int,
        model_type: str,
        data: pd.DataFrame | None = None,
        *,
        params: Mapping[str, ParamValue] | None = None,
    ) -> TrainingResult:
        """Train on ``data`` (default: :meth:`station_data`) and keep a local copy of the model."""
        from water_models.data import validate_station_frame
        from water_models.training import train_station_model

        station = naming.normalize_station_id(station_id)
        get_model_type(model_type)
        frame = (
            self.station_data(station)
            if data is None
            else validate_station_frame(data, station, source="data argument")
        )
        result = train_station_model(station, model_type, frame, self.task, params)
        self.local_store.save(ModelBundle.from_training(result))
        return result

    def register_model_in_mlflow(
        self,
        station_id: str | int,
        model_type: str,
        model_data: TrainingResult,
        *,
        bump: Bump | None = None,
    ) -> RegistrationResult:
        """Track the run, register a new version and promote it only if it beats the champion."""
        from water_models.plots import validation_plot_png  # matplotlib, on the first plot

        station = naming.normalize_station_id(station_id)
        if (model_data.station_id, model_data.model_type) != (station, model_type):
            raise ValueError(
                f"model_data was trained for station {model_data.station_id} "
                f"({model_data.model_type}), not station {station} ({model_type})"
            )
        bundle = ModelBundle.from_training(model_data)
        png = validation_plot_png(model_data)
        outcome = run_sync(self.client, register_flow(model_data, bundle, png, bump=bump))
        self.record_registration(bundle, outcome)
        return outcome

    def _keep_registered(self, bundle: ModelBundle, outcome: RegistrationResult) -> None:
        """A fleet registered ``bundle``: store the local copy, then label it like one station."""
        self.local_store.save(bundle)
        self.record_registration(bundle, outcome)

    def record_registration(self, bundle: ModelBundle, outcome: RegistrationResult) -> None:
        """Label the local copy with its registry version; make the next load ask MLflow."""
        stored = self.local_store.read(outcome.station_id, outcome.model_type)
        if stored is None or stored.metadata.sha256 == bundle.metadata.sha256:
            self.local_store.save(
                bundle.with_registration(
                    outcome.version_label, outcome.registered_model, outcome.registry_version
                )
            )
        self._resolved.pop(outcome.registered_model, None)

    # -- the registry ----------------------------------------------------------------------------

    def get_model_from_mlflow(
        self, station_id: str | int, model_type: str
    ) -> RegistryRecord | None:
        """The champion's registry record (else the latest version); None if there is no model.

        Server and connection errors are raised, never reported as "does not exist".
        """
        name = naming.registered_model_name(naming.normalize_station_id(station_id), model_type)
        return run_sync(self.client, resolve_flow(name, retry=self.resolve_retry))

    def list_models(self) -> list[dict[str, Any]]:
        """Every water-quality registered model on the server, with its aliases."""
        models = self.client.search_registered_models_iter(
            filter="name LIKE 'water-quality-station-%'", max_results=100
        )
        rows = [_model_row(model) for model in models]
        return sorted(rows, key=lambda row: str(row["registered_model"]))

    def delete_model(self, station_id: str | int, model_type: str) -> dict[str, bool]:
        """Remove the registered model (all versions), its cached copies and its local file."""
        station = naming.normalize_station_id(station_id)
        name = naming.registered_model_name(station, model_type)
        try:
            self.client.delete_registered_model(name=name)
            registered = True
        except ResourceDoesNotExist:
            registered = False
        cached = (self.disk_cache.root / name).exists()
        self.disk_cache.evict(name)
        self._forget(name)
        local = self.local_store.delete(station, model_type)
        return {"registered_model": registered, "cache": cached, "local": local}

    def mlflow_api_call(
        self, endpoint: str, method: str = "GET", data: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The older code's REST helper, on the SDK: typed errors instead of None on failure."""
        return _legacy_call(self.client, endpoint, method, data)

    # -- loading -------------------------------------------------------------------------------

    def get_model_path(self, station_id: str | int, model_type: str) -> Path:
        """Where the local model file of this station and type is (or would be) stored."""
        return self.local_store.model_path(naming.normalize_station_id(station_id), model_type)

    def load_local_model(self, station_id: str | int, model_type: str) -> LoadedModel | None:
        """The local model file, checked against its metadata; None when there is none."""
        started = time.perf_counter()
        station = naming.normalize_station_id(station_id)
        bundle = self.local_store.read(station, model_type)
        if bundle is None:
            return None
        where = f"local model {self.local_store.folder(station, model_type)}"
        model = bundle.load(where, downloaded=False, allow_pickle=self.allow_pickle)
        meta = bundle.metadata
        return LoadedModel.from_bundle(
            bundle,
            model,
            source="local",
            registered_model=meta.registered_model
            or naming.registered_model_name(station, model_type),
            registry_version=meta.registry_version,
            started=started,
        )

    def load_model(
        self, station_id: str | int, model_type: str, *, refresh: bool = False
    ) -> LoadedModel | None:
        """MLflow's champion, from the cache when unchanged; offline, the cache then the file.

        Returns None when the model exists nowhere. Raises :class:`ModelIntegrityError` when a
        file does not match its recorded checksum: such a file is never loaded.
        """
        started = time.perf_counter()
        station = naming.normalize_station_id(station_id)
        get_model_type(model_type)
        name = naming.registered_model_name(station, model_type)
        resolution = self._resolved.get(name)
        if (
            not refresh
            and resolution is not None
            and resolution.key in self._memory
            and time.monotonic() - resolution.at < self.cache_ttl
        ):
            return self._served(self._memory[resolution.key], "cache", started)
        try:
            record = run_sync(self.client, resolve_flow(name, retry=self.resolve_retry))
            if record is None:
                self._forget(name)
                local = self.load_local_model(station, model_type)
                if local is not None:
                    logger.warning("%s is not registered in MLflow: using the local file", name)
                return local
            return self._load_record(record, started)
        except UNREACHABLE as error:
            logger.warning(
                "MLflow at %s cannot be reached (%s): loading %s from the cache or local file",
                self.tracking_uri,
                type(error).__name__,
                name,
            )
            return self._load_offline(station, model_type, name, started)

    def get_model_info(
        self, station_id: str | int, model_type: str, *, refresh: bool = False
    ) -> ModelInfo | None:
        """Version, alias, metrics and checksum of the model :meth:`load_model` serves."""
        loaded = self.load_model(station_id, model_type, refresh=refresh)
        return None if loaded is None else ModelInfo.from_loaded(loaded)

    def clear_cache(self) -> None:
        """Forget every cached model, in memory and on disk."""
        self._memory.clear()
        self._resolved.clear()
        self.disk_cache.clear()

    # -- internals -----------------------------------------------------------------------------

    def _load_record(self, record: RegistryRecord, started: float) -> LoadedModel:
        if record.sha256 is None:
            raise ModelIntegrityError(
                f"{record.registered_model} version {record.version} records no model checksum "
                "(tag model_sha256): refusing to load a model that cannot be verified"
            )
        key = CacheKey(record.registered_model, record.version, record.sha256)
        if key in self._memory:
            loaded = self._served(self._memory[key], "cache", started, alias=record.alias)
        else:
            bundle = self.disk_cache.get(key)
            source: Any = "cache"
            if bundle is None:
                bundle = self._download(record)
                source = "mlflow"
            where = f"{record.registered_model} version {record.version}"
            model = bundle.load(
                where,
                expected_sha256=record.sha256,
                downloaded=True,
                allow_pickle=self.allow_pickle,
            )
            if source == "mlflow":
                self.disk_cache.put(key, bundle)
            loaded = LoadedModel.from_bundle(
                bundle,
                model,
                source=source,
                registered_model=record.registered_model,
                registry_version=record.version,
                alias=record.alias,
                version_label=record.version_label,
                sha256=record.sha256,
                started=started,
            )
            self._forget(record.registered_model)
            self._memory[key] = loaded
        self.disk_cache.set_current(
            CurrentPointer(key, record.alias, datetime.now(UTC).isoformat(timespec="seconds"))
        )
        self._resolved[record.registered_model] = _Resolution(key, time.monotonic())
        return loaded

    def _download(self, record: RegistryRecord) -> ModelBundle:
        where = f"{record.registered_model} version {record.version}"
        metadata = ModelMetadata.from_json(
            self.artifacts.read(record.source, METADATA_FILE), where=where
        )
        expected_file = record.tags.get(TAG_MODEL_FILE)
        if expected_file and expected_file != metadata.model_file:
            raise ModelIntegrityError(
                f"{where}: metadata names model file {metadata.model_file!r}, the registry "
                f"{expected_file!r}"
            )
        content = self.artifacts.read(record.source, metadata.model_file)
        bundle = ModelBundle(content, metadata)
        bundle.verify(where, record.sha256)
        return bundle

    def _load_offline(
        self, station: str, model_type: str, name: str, started: float
    ) -> LoadedModel | None:
        pointer = self.disk_cache.current(name)
        if pointer is not None:
            if pointer.key in self._memory:
                self._resolved[name] = _Resolution(pointer.key, time.monotonic())
                return self._served(self._memory[pointer.key], "cache", started)
            bundle = self.disk_cache.get(pointer.key)
            if bundle is not None:
                where = f"cached {name} version {pointer.key.version}"
                model = bundle.load(
                    where,
                    expected_sha256=pointer.key.sha256,
                    downloaded=True,
                    allow_pickle=self.allow_pickle,
                )
                loaded = LoadedModel.from_bundle(
                    bundle,
                    model,
                    source="cache",
                    registered_model=name,
                    registry_version=pointer.key.version,
                    alias=pointer.alias,
                    sha256=pointer.key.sha256,
                    started=started,
                )
                self._memory[pointer.key] = loaded
                # Trust the cached copy for a TTL too: no waiting on a dead server per load.
                self._resolved[name] = _Resolution(pointer.key, time.monotonic())
                return loaded
        local = self.load_local_model(station, model_type)
        if local is None:
            logger.warning("%s: no cached copy and no local model file", name)
        return local

    def _served(
        self, cached: LoadedModel, source: Any, started: float, *, alias: str | None = None
    ) -> LoadedModel:
        return replace(
            cached,
            source=source,
            alias=alias or cached.alias,
            load_seconds=time.perf_counter() - started,
        )

    def _forget(self, name: str) -> None:
        self._resolved.pop(name, None)
        for key in [k for k in self._memory if k.registered_model == name]:
            del self._memory[key]

    # -- fleets ----------------------------------------------------------------------------------

    def train_and_register_fleet(
        self,
        station_ids: Sequence[str | int],
        model_types: Sequence[str],
        *,
        n_jobs: int | None = None,
        max_concurrency: int = 4,
        show_progress: bool = True,
        backend: str | FleetBackend | None = None,
        scheduler: str | None = None,
    ) -> list[Any]:
        """Train every (station, type) through joblib, then register concurrently from here.

        ``backend="dask"`` with ``scheduler="tcp://host:8786"`` trains on a Dask cluster; the
        default is local processes (both also from ``WATER_MODELS_BACKEND`` /
        ``WATER_MODELS_DASK_SCHEDULER``).
        """
        from water_models.fleet import train_and_register_fleet

        return train_and_register_fleet(
            self.client.config,
            station_ids,
            model_types,
            data_dir=self.data_dir,
            task=self.task,
            on_registered=self._keep_registered,
            n_jobs=n_jobs,
            max_concurrency=max_concurrency,
            show_progress=show_progress,
            backend=backend,
            scheduler=scheduler,
        )
