"""What a serving process can load without MLflow: the disk cache's champions, then local files.

A replica that starts while MLflow is down (or restarts during an outage) would otherwise serve
nothing. The disk cache records, per registered model, the version last resolved from MLflow
(``current.json``); the local model store holds what this machine trained. Both are checked
against their recorded checksums here exactly as in :class:`ModelManager`'s own fallback, and
both are served as *unconfirmed* until a listing names the champion.
"""

from __future__ import annotations

import logging
import time

from water_models import naming
from water_models.bundle import ModelIntegrityError
from water_models.loaded import LoadedModel
from water_models.local_store import LocalModelStore
from water_models.model_cache import ModelCache

logger = logging.getLogger("water_models")


def fallback_models(
    cache: ModelCache, local_store: LocalModelStore, name_prefix: str, *, allow_pickle: bool
) -> dict[str, LoadedModel]:
    """Every platform model under ``name_prefix`` found on disk, by registered model name.

    The disk cache wins over the local store (it holds what MLflow last named champion). Files
    that fail their checks are skipped with a warning, never served.
    """
    found: dict[str, LoadedModel] = {}
    for name in cache.disk.names(name_prefix):
        if naming.parse_registered_model_name(name) is None:
            continue
        try:
            loaded = cache.load_offline(name, time.perf_counter())
        except (ModelIntegrityError, ValueError, OSError) as error:
            logger.warning("not serving the cached copy of %s: %s", name, error)
            continue
        if loaded is not None:
            found[name] = loaded
    for station, model_type in local_store.entries():
        try:
            name = naming.registered_model_name(naming.normalize_station_id(station), model_type)
        except ValueError:
            continue
        if name in found or not name.startswith(name_prefix):
            continue
        try:
            local = local_store.load(station, model_type, allow_pickle=allow_pickle)
        except (ModelIntegrityError, ValueError, OSError) as error:
            logger.warning("not serving the local model file of %s: %s", name, error)
            continue
        if local is not None:
            found[name] = local
    return found
