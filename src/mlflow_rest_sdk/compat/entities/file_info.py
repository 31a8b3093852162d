"""``FileInfo``: one entry of an artifact listing, as ``mlflow.entities.FileInfo``."""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities._base import HashableEntity

__all__ = ["FileInfo"]


class FileInfo(HashableEntity):
    """A file or folder: ``FileInfo(path, is_dir, file_size)``; folders have no size (None)."""

    def __init__(self, path: str, is_dir: bool, file_size: int | None) -> None:
        self._path = path
        self._is_dir = is_dir
        self._file_size = file_size

    @property
    def path(self) -> str:
        return self._path

    @property
    def is_dir(self) -> bool:
        return self._is_dir

    @property
    def file_size(self) -> int | None:
        return self._file_size
