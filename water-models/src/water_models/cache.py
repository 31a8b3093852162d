"""The disk cache of downloaded model versions, keyed by registered model, version and checksum.

Each registered model also has a ``current.json`` pointer: the version last resolved from MLflow.
That is what an offline process loads, so it keeps serving the model it served last.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from water_models.bundle import ModelBundle, ModelIntegrityError
from water_models.storage import read_bundle, read_json, write_bundle, write_json

logger = logging.getLogger("water_models")
CURRENT_FILE = "current.json"


@dataclass(frozen=True, slots=True)
class CacheKey:
    registered_model: str
    version: str
    sha256: str


@dataclass(frozen=True, slots=True)
class CurrentPointer:
    key: CacheKey
    alias: str | None
    resolved_at: str


class DiskCache:
    """``root/<registered model>/v<version>-<sha256 prefix>/`` folders, plus the pointers."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _model_dir(self, registered_model: str) -> Path:
        return self.root / registered_model

    def _entry_dir(self, key: CacheKey) -> Path:
        return self._model_dir(key.registered_model) / f"v{key.version}-{key.sha256[:16]}"

    def get(self, key: CacheKey) -> ModelBundle | None:
        """The cached bundle if present and intact; a corrupted entry is removed, with a warning."""
        folder = self._entry_dir(key)
        try:
            bundle = read_bundle(folder)
            if bundle is not None:
                bundle.verify(f"cache {folder}", key.sha256)
        except ModelIntegrityError as error:
            logger.warning("discarding a corrupted cache entry: %s", error)
            shutil.rmtree(folder, ignore_errors=True)
            return None
        return bundle

    def put(self, key: CacheKey, bundle: ModelBundle) -> Path:
        """Store ``bundle`` under ``key``. Entries are named by version and checksum, so when
        another process (a serving worker sharing this cache) renamed the same entry into place
        first, its copy is as good as ours and the lost race is no error."""
        try:
            return write_bundle(self._entry_dir(key), bundle)
        except OSError:
            if self.get(key) is None:
                raise
            return self._entry_dir(key) / bundle.metadata.model_file

    def set_current(self, pointer: CurrentPointer) -> None:
        key = pointer.key
        write_json(
            self._model_dir(key.registered_model) / CURRENT_FILE,
            {
                "version": key.version,
                "sha256": key.sha256,
                "alias": pointer.alias or "",
                "resolved_at": pointer.resolved_at,
            },
        )

    def current(self, registered_model: str) -> CurrentPointer | None:
        document = read_json(self._model_dir(registered_model) / CURRENT_FILE)
        if not document or "version" not in document or "sha256" not in document:
            return None
        key = CacheKey(registered_model, document["version"], document["sha256"])
        return CurrentPointer(key, document.get("alias") or None, document.get("resolved_at", ""))

    def names(self, prefix: str = "") -> list[str]:
        """The registered models starting with ``prefix`` that have a ``current`` pointer: what a
        process that cannot reach MLflow can serve from this cache, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(
            entry.name
            for entry in self.root.iterdir()
            if entry.name.startswith(prefix) and (entry / CURRENT_FILE).is_file()
        )

    def evict(self, registered_model: str) -> None:
        """Forget every cached version of ``registered_model``."""
        shutil.rmtree(self._model_dir(registered_model), ignore_errors=True)

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
