"""Model bundles on disk: the download cache and the local model store share this layout.

A bundle is a folder with the model file and ``metadata.json``. Writes go to a temporary folder
that is renamed into place, so a reader never sees half a bundle.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from water_models.bundle import METADATA_FILE, ModelBundle, ModelMetadata


def write_bundle(folder: Path, bundle: ModelBundle) -> Path:
    """Replace ``folder`` by ``bundle``; returns the model file's path."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        (staging / bundle.metadata.model_file).write_bytes(bundle.model_bytes)
        (staging / METADATA_FILE).write_bytes(bundle.metadata.to_json())
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder / bundle.metadata.model_file


def read_bundle(folder: Path) -> ModelBundle | None:
    """The bundle in ``folder``, or None when there is none (checksums are checked on load)."""
    meta_path = folder / METADATA_FILE
    if not meta_path.is_file():
        return None
    metadata = ModelMetadata.from_json(meta_path.read_bytes(), where=str(folder))
    model_path = folder / metadata.model_file
    if not model_path.is_file():
        return None
    return ModelBundle(model_path.read_bytes(), metadata)


def write_json(path: Path, document: dict[str, str]) -> None:
    """Replace ``path`` atomically; the staging file is unique, so several processes (serving
    workers sharing one cache) can write the same pointer at once: the last rename wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w") as file:
            file.write(json.dumps(document, indent=2))
        os.replace(staging, path)
    finally:
        if os.path.exists(staging):
            os.unlink(staging)


def read_json(path: Path) -> dict[str, str] | None:
    try:
        loaded = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else None
