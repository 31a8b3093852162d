"""The local model store: the model files this machine trained, the last resort when offline."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from water_models import naming
from water_models.bundle import ModelBundle
from water_models.loaded import LoadedModel
from water_models.model_types import get_model_type
from water_models.storage import read_bundle, write_bundle

_STATION_DIR_PREFIX = "station_"


class LocalModelStore:
    """``root/station_<id>/<model type>/`` holds the model file and its ``metadata.json``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder(self, station_id: str, model_type: str) -> Path:
        return self.root / f"station_{station_id}" / model_type

    def model_path(self, station_id: str, model_type: str) -> Path:
        return self.folder(station_id, model_type) / get_model_type(model_type).file_name

    def save(self, bundle: ModelBundle) -> Path:
        meta = bundle.metadata
        return write_bundle(self.folder(meta.station_id, meta.model_type), bundle)

    def read(self, station_id: str, model_type: str) -> ModelBundle | None:
        return read_bundle(self.folder(station_id, model_type))

    def load(self, station_id: str, model_type: str, *, allow_pickle: bool) -> LoadedModel | None:
        """The local model file, checked against its metadata; None when there is none.

        Raises :class:`~water_models.bundle.ModelIntegrityError` when the file does not match.
        """
        started = time.perf_counter()
        bundle = self.read(station_id, model_type)
        if bundle is None:
            return None
        where = f"local model {self.folder(station_id, model_type)}"
        model = bundle.load(where, downloaded=False, allow_pickle=allow_pickle)
        meta = bundle.metadata
        return LoadedModel.from_bundle(
            bundle,
            model,
            source="local",
            registered_model=meta.registered_model
            or naming.registered_model_name(station_id, model_type),
            registry_version=meta.registry_version,
            started=started,
        )

    def entries(self) -> list[tuple[str, str]]:
        """Every ``(station_id, model_type)`` folder of the store, sorted (not yet checked)."""
        if not self.root.is_dir():
            return []
        found = []
        for station_dir in self.root.iterdir():
            if not station_dir.name.startswith(_STATION_DIR_PREFIX) or not station_dir.is_dir():
                continue
            station = station_dir.name[len(_STATION_DIR_PREFIX) :]
            found += [(station, t.name) for t in station_dir.iterdir() if t.is_dir()]
        return sorted(found)

    def delete(self, station_id: str, model_type: str) -> bool:
        folder = self.folder(station_id, model_type)
        existed = folder.exists()
        shutil.rmtree(folder, ignore_errors=True)
        return existed
