"""Loading the champions that changed, on a small thread pool, with the single-station code.

Each model is loaded by :class:`~water_models.model_cache.ModelCache` exactly as
``ModelManager.load_model`` loads one: from memory, else the disk cache, else downloaded, and
verified against the sha256 the registry records before anything is deserialized. What this
module adds is the fleet's bookkeeping: which loads were refused (bad checksum: never served),
which failed (tried again next refresh), and stopping early when MLflow went away mid-refresh,
so a dead server costs one failed request, not one per remaining model.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from mlflow_rest_sdk.errors import APIConnectionError, ServerError, TooManyRequests
from water_models import naming
from water_models.bundle import ModelIntegrityError
from water_models.fleet_listing import ChampionRef
from water_models.fleet_state import RefusedVersion, ServedModel, utc_now
from water_models.loaded import LoadedModel
from water_models.model_cache import ModelCache
from water_models.registry_flows import RegistryRecord

if TYPE_CHECKING:
    from mlflow_rest_sdk import MlflowClient, RetryPolicy

logger = logging.getLogger("water_models")

#: Errors that mean "MLflow cannot answer now": the rest of the refresh is skipped.
UNREACHABLE = (APIConnectionError, ServerError, TooManyRequests)


@dataclass
class ChangeSet:
    """What loading the changed champions did, by registered model name."""

    loaded: dict[str, ServedModel] = field(default_factory=dict)
    refused: dict[str, RefusedVersion] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    unreachable: bool = False
    error: str | None = None


class _Skipped(Exception):
    """MLflow went away earlier in this refresh: this model was not tried."""


def plan_changes(
    champions: Mapping[str, ChampionRef],
    served: Mapping[str, ServedModel],
    refused: Mapping[str, RefusedVersion],
    t0: float,
) -> tuple[list[ChampionRef], dict[str, ServedModel], int]:
    """What a refresh loads, what it only marks confirmed, and how many models are unchanged.

    A model served from MLflow's files (downloaded, or the disk cache) at the listed version is
    unchanged; if it was a fallback, it is now confirmed, without a request. A local model file
    was never checked against the registry, so it is loaded properly. A version refused before
    is not downloaded again until the alias moves (or a reload asks).
    """
    todo: list[ChampionRef] = []
    confirms: dict[str, ServedModel] = {}
    unchanged = 0
    for name, ref in champions.items():
        current = served.get(name)
        same = current is not None and current.version == ref.version
        if current is not None and same and current.loaded.source != "local":
            unchanged += 1
            if not current.confirmed:
                confirms[name] = replace(current, confirmed=True, observed=t0)
            continue
        bad = refused.get(name)
        if bad is not None and bad.version == ref.version:
            continue
        todo.append(ref)
    return todo, confirms, unchanged


def load_changes(
    todo: list[ChampionRef],
    client: MlflowClient,
    cache: ModelCache,
    *,
    observed: float,
    workers: int,
    retry: RetryPolicy,
    merge: Callable[[Mapping[str, ServedModel]], None],
    batch: int,
) -> ChangeSet:
    """Load every champion of ``todo``; hand loaded ones to ``merge`` in batches of ``batch``."""
    changes = ChangeSet()
    if not todo:
        return changes
    gone = threading.Event()

    def load(ref: ChampionRef) -> LoadedModel:
        if gone.is_set():
            raise _Skipped
        return load_champion(ref, client, cache, retry=retry)

    pending: dict[str, ServedModel] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(todo)))) as pool:
        futures = {pool.submit(load, ref): ref for ref in todo}
        for future in as_completed(futures):
            ref = futures[future]
            try:
                loaded = future.result()
            except _Skipped:
                changes.failed[ref.registered_model] = "skipped: MLflow could not be reached"
                continue
            except ModelIntegrityError as error:
                logger.error("refusing %s version %s: %s", ref.registered_model, ref.version, error)
                changes.refused[ref.registered_model] = RefusedVersion(
                    ref.registered_model, ref.version, str(error), utc_now()
                )
                continue
            except UNREACHABLE as error:
                gone.set()
                changes.unreachable = True
                changes.error = f"{type(error).__name__}: {error}"
                changes.failed[ref.registered_model] = changes.error
                continue
            except Exception as error:  # one bad model must not stop the others
                logger.exception("loading %s version %s failed", ref.registered_model, ref.version)
                changes.failed[ref.registered_model] = f"{type(error).__name__}: {error}"
                changes.error = changes.error or changes.failed[ref.registered_model]
                continue
            entry = ServedModel(ref.station_id, ref.model_type, loaded, True, utc_now(), observed)
            changes.loaded[ref.registered_model] = entry
            pending[ref.registered_model] = entry
            if len(pending) >= batch:
                merge(pending)
                pending = {}
    if pending:
        merge(pending)
    return changes


def load_champion(
    ref: ChampionRef, client: MlflowClient, cache: ModelCache, *, retry: RetryPolicy
) -> LoadedModel:
    """The champion ``ref`` names, with as few requests as its state allows.

    - The disk cache already holds that version (a restarted replica): no request at all;
      model versions are immutable, and the cached bytes are checked against the checksum the
      registry recorded when they were downloaded.
    - The listing carried the version's record (it is the latest version): the two files only.
    - Otherwise ``get_model_version`` first, then the files.
    """
    started = time.perf_counter()
    pointer = cache.disk.current(ref.registered_model)
    if pointer is not None and pointer.key.version == ref.version:
        offline = cache.load_offline(ref.registered_model, started)
        if offline is not None and offline.registry_version == ref.version:
            return replace(offline, alias=naming.CHAMPION)
    record = ref.record
    if record is None:
        got = client.get_model_version(name=ref.registered_model, version=ref.version, retry=retry)
        if got.model_version is None:
            raise ValueError(f"{ref.registered_model} version {ref.version}: empty answer")
        record = RegistryRecord.from_model_version(got.model_version)
        if naming.CHAMPION not in record.aliases:  # the alias moved since the listing
            record = replace(record, aliases=(naming.CHAMPION, *record.aliases))
    return cache.load_record(record, started)
