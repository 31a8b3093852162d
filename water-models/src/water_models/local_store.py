"""The local model store: the model files this machine trained, the last resort when offline."""

from __future__ import annotations

import shutil
from pathlib import Path

from water_models.bundle import ModelBundle
from water_models.model_types import get_model_type
from water_models.storage import read_bundle, write_bundle


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

    def delete(self, station_id: str, model_type: str) -> bool:
        folder = self.folder(station_id, model_type)
        existed = folder.exists()
        shutil.rmtree(folder, ignore_errors=True)
        return existed
