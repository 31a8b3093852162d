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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlflow_rest_sdk import RetryPolicy
from mlflow_rest_sdk.closing import Closing
from mlflow_rest_sdk.errors import APIConnectionError, ResourceDoesNotExist, ServerError
from water_models import naming, settings
from water_models.artifact_io import ArtifactReader
from water_models.bundle import ModelBundle
from water_models.cache import DiskCache
from water_models.calls import run_sync
from water_models.features import ForecastTask
from water_models.legacy_api import mlflow_api_call as _legacy_call
from water_models.loaded import LoadedModel, ModelInfo
from water_models.local_store import LocalModelStore
from water_models.model_cache import ModelCache
from water_models.model_types import get_model_type
from water_models.model_types.base import ParamValue
from water_models.registry_flows import (
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


class ModelManager(Closing):
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
        self.data_dir = data_dir
        self.task = task or ForecastTask()
        self.allow_pickle = allow_pickle
        self.resolve_retry = resolve_retry
        self.artifacts = ArtifactReader(self.client)
        self.cache = ModelCache(
            DiskCache(cache_dir or home / "cache"),
            self.artifacts,
            ttl=cache_ttl,
            allow_pickle=allow_pickle,
        )
        #: The download cache on disk (also reachable as ``cache.disk``).
        self.disk_cache = self.cache.disk

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

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
        self.cache.invalidate(outcome.registered_model)

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
            filter=naming.registered_model_filter(naming.REGISTERED_MODEL_PREFIX), max_results=100
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
        cached = self.cache.evict(name)
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
        station = naming.normalize_station_id(station_id)
        return self.local_store.load(station, model_type, allow_pickle=self.allow_pickle)

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
        cached = None if refresh else self.cache.fresh(name, started)
        if cached is not None:
            return cached
        try:
            record = run_sync(self.client, resolve_flow(name, retry=self.resolve_retry))
            if record is None:
                self.cache.forget(name)
                local = self.load_local_model(station, model_type)
                if local is not None:
                    logger.warning("%s is not registered in MLflow: using the local file", name)
                return local
            return self.cache.load_record(record, started)
        except UNREACHABLE as error:
            logger.warning(
                "MLflow at %s cannot be reached (%s): loading %s from the cache or local file",
                self.tracking_uri,
                type(error).__name__,
                name,
            )
            offline = self.cache.load_offline(name, started)
            if offline is not None:
                return offline
            local = self.load_local_model(station, model_type)
            if local is None:
                logger.warning("%s: no cached copy and no local model file", name)
            return local

    def get_model_info(
        self, station_id: str | int, model_type: str, *, refresh: bool = False
    ) -> ModelInfo | None:
        """Version, alias, metrics and checksum of the model :meth:`load_model` serves."""
        loaded = self.load_model(station_id, model_type, refresh=refresh)
        return None if loaded is None else ModelInfo.from_loaded(loaded)

    def clear_cache(self) -> None:
        """Forget every cached model, in memory and on disk."""
        self.cache.clear()

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
