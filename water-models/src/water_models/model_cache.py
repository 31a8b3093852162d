"""The models a manager has loaded: in memory, on disk, and how long a resolution is trusted.

:class:`ModelCache` owns everything a load from the registry touches after MLflow named the
version: the in-memory copies, the disk cache (downloads keyed by name, version and checksum,
plus each model's ``current`` pointer) and the time of the last check with MLflow. The manager
asks MLflow and falls back to its local file; this class answers from copies, and is what an
offline process serves from.

It is safe to use from several threads (the fleet cache downloads on a small pool while the
service reads): one lock guards the in-memory tables, and no download or file read runs under it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from water_models.artifact_io import ArtifactReader
from water_models.bundle import METADATA_FILE, ModelBundle, ModelIntegrityError, ModelMetadata
from water_models.cache import CacheKey, CurrentPointer, DiskCache
from water_models.loaded import LoadedModel
from water_models.registry_flows import TAG_MODEL_FILE, RegistryRecord


@dataclass(frozen=True)
class _Resolution:
    key: CacheKey
    at: float  # time.monotonic() of the last check with MLflow


class ModelCache:
    """Loaded registry models, their disk copies, and the champion each name resolved to.

    ``ttl`` seconds: how long a resolved champion is trusted without asking MLflow again.
    ``artifacts`` downloads a version's files when neither memory nor disk holds them.
    The manager checks its arguments before it opens a client; this class trusts them.
    """

    def __init__(
        self, disk: DiskCache, artifacts: ArtifactReader, *, ttl: float, allow_pickle: bool
    ) -> None:
        self.disk = disk
        self.ttl = ttl
        self._artifacts = artifacts
        self._allow_pickle = allow_pickle
        self._memory: dict[CacheKey, LoadedModel] = {}
        self._resolved: dict[str, _Resolution] = {}
        self._lock = threading.RLock()

    def fresh(self, name: str, started: float) -> LoadedModel | None:
        """``name``'s champion if it was resolved less than ``ttl`` seconds ago and is in memory."""
        with self._lock:
            resolution = self._resolved.get(name)
            cached = None if resolution is None else self._memory.get(resolution.key)
        if (
            cached is not None
            and resolution is not None
            and (time.monotonic() - resolution.at < self.ttl)
        ):
            return self._served(cached, "cache", started)
        return None

    def invalidate(self, name: str) -> None:
        """Make the next load of ``name`` ask MLflow (a new version may be the champion)."""
        with self._lock:
            self._resolved.pop(name, None)

    def evict(self, name: str) -> bool:
        """Remove every copy of ``name``, in memory and on disk; whether the disk held one."""
        cached = (self.disk.root / name).exists()
        self.disk.evict(name)
        self.forget(name)
        return cached

    def clear(self) -> None:
        """Forget every cached model, in memory and on disk."""
        with self._lock:
            self._memory.clear()
            self._resolved.clear()
        self.disk.clear()

    def load_record(self, record: RegistryRecord, started: float) -> LoadedModel:
        """The version ``record`` names: from memory, the disk cache, or downloaded and cached.

        Records the version as this model's current one (on disk too, for offline processes)
        and trusts it for ``ttl`` seconds. Raises :class:`ModelIntegrityError` when the record
        carries no checksum or a file does not match it.
        """
        if record.sha256 is None:
            raise ModelIntegrityError(
                f"{record.registered_model} version {record.version} records no model checksum "
                "(tag model_sha256): refusing to load a model that cannot be verified"
            )
        key = CacheKey(record.registered_model, record.version, record.sha256)
        with self._lock:
            hit = self._memory.get(key)
        if hit is not None:
            loaded = self._served(hit, "cache", started, alias=record.alias)
        else:
            bundle = self.disk.get(key)
            source: Any = "cache"
            if bundle is None:
                bundle = self._download(record)
                source = "mlflow"
            where = f"{record.registered_model} version {record.version}"
            model = bundle.load(
                where,
                expected_sha256=record.sha256,
                downloaded=True,
                allow_pickle=self._allow_pickle,
            )
            if source == "mlflow":
                self.disk.put(key, bundle)
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
            with self._lock:
                self.forget(record.registered_model)
                self._memory[key] = loaded
        self.disk.set_current(
            CurrentPointer(key, record.alias, datetime.now(UTC).isoformat(timespec="seconds"))
        )
        with self._lock:
            self._resolved[record.registered_model] = _Resolution(key, time.monotonic())
        return loaded

    def _download(self, record: RegistryRecord) -> ModelBundle:
        where = f"{record.registered_model} version {record.version}"
        metadata = ModelMetadata.from_json(
            self._artifacts.read(record.source, METADATA_FILE), where=where
        )
        expected_file = record.tags.get(TAG_MODEL_FILE)
        if expected_file and expected_file != metadata.model_file:
            raise ModelIntegrityError(
                f"{where}: metadata names model file {metadata.model_file!r}, the registry "
                f"{expected_file!r}"
            )
        content = self._artifacts.read(record.source, metadata.model_file)
        bundle = ModelBundle(content, metadata)
        bundle.verify(where, record.sha256)
        return bundle

    def load_offline(self, name: str, started: float) -> LoadedModel | None:
        """The version last resolved for ``name``, from memory or disk; None if none is cached.

        Used while MLflow cannot answer: the copy is trusted for ``ttl`` seconds too, so loads
        do not each wait on a dead server.
        """
        pointer = self.disk.current(name)
        if pointer is not None:
            with self._lock:
                hit = self._memory.get(pointer.key)
                if hit is not None:
                    self._resolved[name] = _Resolution(pointer.key, time.monotonic())
            if hit is not None:
                return self._served(hit, "cache", started)
            bundle = self.disk.get(pointer.key)
            if bundle is not None:
                where = f"cached {name} version {pointer.key.version}"
                model = bundle.load(
                    where,
                    expected_sha256=pointer.key.sha256,
                    downloaded=True,
                    allow_pickle=self._allow_pickle,
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
                with self._lock:
                    self._memory[pointer.key] = loaded
                    # Trust the cached copy for a TTL too: no waiting on a dead server per load.
                    self._resolved[name] = _Resolution(pointer.key, time.monotonic())
                return loaded
        return None

    def _served(
        self, cached: LoadedModel, source: Any, started: float, *, alias: str | None = None
    ) -> LoadedModel:
        return replace(
            cached,
            source=source,
            alias=alias or cached.alias,
            load_seconds=time.perf_counter() - started,
        )

    def forget(self, name: str) -> None:
        """Drop ``name``'s copies from memory (the disk cache keeps its files)."""
        with self._lock:
            self._resolved.pop(name, None)
            for key in [k for k in self._memory if k.registered_model == name]:
                del self._memory[key]
