"""The artifact methods of MLflow's ``MlflowClient``: log files and folders, list, download,
and write text, dicts, figures and images as artifacts.

Transfers go through the SDK's artifact helpers (the server's artifacts proxy, streamed, with
checksums and multipart uploads where the store has them); this module adds MLflow's
arguments and returns: ``None`` from uploads, ``FileInfo`` lists, and the local path as a string
from downloads.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from mlflow_rest_sdk.compat._arguments import now_ms
from mlflow_rest_sdk.compat._async.run_logging import AsyncRunLoggingMixin
from mlflow_rest_sdk.compat._errors import mlflow_errors
from mlflow_rest_sdk.compat._from_rest import file_info_from_rest
from mlflow_rest_sdk.compat._rendering import (
    compressed,
    image_artifact_files,
    split_artifact_file,
    to_pil_image,
    write_dict,
    write_figure,
)
from mlflow_rest_sdk.compat.entities.file_info import FileInfo
from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = ["AsyncArtifactsMixin"]

#: The run tag MLflow sets once a run has keyed images, so that its UI shows them.
MLFLOW_LOGGED_IMAGES = "mlflow.loggedImages"


def _destination(dst_path: str | None) -> Path:
    """Where a download goes: ``dst_path``, which must be an existing folder (as in MLflow),
    or a new temporary folder."""
    if dst_path is None:
        return Path(tempfile.mkdtemp())
    destination = Path(dst_path).resolve()
    if not destination.exists():
        raise MlflowException(
            f"The destination path for downloaded artifacts does not exist! Destination "
            f"path: {dst_path}",
            "RESOURCE_DOES_NOT_EXIST",
        )
    if not destination.is_dir():
        raise MlflowException(
            f"The destination path for downloaded artifacts must be a directory! Destination "
            f"path: {dst_path}",
            "INVALID_PARAMETER_VALUE",
        )
    return destination


def settle(downloaded: Path, staging: Path, destination: Path) -> Path:
    """Move a download out of its staging folder to ``destination/<its last name>`` (into
    ``destination`` itself for the whole tree), replacing files and merging folders, as
    MLflow's downloads overwrite what is there."""
    if downloaded == staging:  # the whole tree
        for entry in staging.iterdir():
            settle(entry, staging, destination)
        return destination
    target = destination / downloaded.name
    if downloaded.is_dir():
        shutil.copytree(downloaded, target, dirs_exist_ok=True)
    else:
        os.replace(downloaded, target)
    return target


class AsyncArtifactsMixin(AsyncRunLoggingMixin):
    """A run's artifacts, with MLflow's arguments and returns."""

    async def log_artifact(
        self, run_id: str, local_path: str, artifact_path: str | None = None
    ) -> None:
        """Upload one file into the run's artifacts, under the folder ``artifact_path``."""
        with mlflow_errors():
            await self._rest.log_artifact(run_id, local_path, artifact_path)

    async def log_artifacts(
        self, run_id: str, local_dir: str, artifact_path: str | None = None
    ) -> None:
        """Upload every file under ``local_dir``, keeping the tree, under ``artifact_path``."""
        with mlflow_errors():
            await self._rest.log_artifacts(run_id, local_dir, artifact_path)

    async def list_artifacts(self, run_id: str, path: str | None = None) -> list[FileInfo]:
        """The files and folders directly under ``path`` (the root when None), by path; paths
        are relative to the run's artifact root, folders have no size."""
        with mlflow_errors():
            files = [
                file_info_from_rest(file)
                async for file in self._rest.list_artifacts_iter(run_id=run_id, path=path)
            ]
        return sorted(files, key=lambda file: file.path)

    async def download_artifacts(self, run_id: str, path: str, dst_path: str | None = None) -> str:
        """Download the artifact file or folder ``path`` ("" for all) into ``dst_path`` (an
        existing folder; a new temporary one when None); returns the local path written.

        As in MLflow, the download lands under its last name: ``path="notes/readme.txt"``
        writes ``dst_path/readme.txt``, ``path=""`` writes the whole tree into ``dst_path``.
        It is fetched into a staging folder inside ``dst_path`` first, so a failed download
        leaves no partial files at the target.
        """
        destination = _destination(dst_path)
        staging = Path(tempfile.mkdtemp(prefix=".download-", dir=destination))
        try:
            with mlflow_errors():
                downloaded = await self._rest.download_artifacts(run_id, path, staging)
            return str(settle(downloaded.path, staging, destination))
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    async def _download_location(
        self, artifact_uri: str, dst_path: str | None, *, contents: bool = False
    ) -> str:
        """Download what an ``mlflow-artifacts:/`` URI names, staged as
        :meth:`download_artifacts` stages: under its last name, or with ``contents`` (a model's
        folder, as MLflow downloads ``models:/`` URIs) what it holds straight into the
        destination."""
        destination = _destination(dst_path)
        staging = Path(tempfile.mkdtemp(prefix=".download-", dir=destination))
        try:
            with mlflow_errors():
                downloaded = await self._rest.download_artifact_uri(artifact_uri, staging)
            if contents and downloaded.path.is_dir():
                for entry in downloaded.path.iterdir():
                    settle(entry, staging, destination)
                return str(destination)
            return str(settle(downloaded.path, staging, destination))
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    async def _log_rendered(self, run_id: str, artifact_file: str, write: Any) -> None:
        """Write a file with ``write(path)`` in a temporary folder, then upload it as
        ``artifact_file``."""
        filename, folder = split_artifact_file(artifact_file)
        with tempfile.TemporaryDirectory() as scratch:
            local = Path(scratch) / filename
            write(local)
            await self.log_artifact(run_id, str(local), folder)

    async def log_text(self, run_id: str, text: str, artifact_file: str) -> None:
        """Save ``text`` (UTF-8) as the artifact ``artifact_file`` (``"notes/readme.txt"``)."""
        await self._log_rendered(
            run_id, artifact_file, lambda path: path.write_text(text, encoding="utf-8")
        )

    async def log_stream(self, run_id: str, stream: BinaryIO, artifact_file: str) -> None:
        """Save what a binary stream holds (read to its end) as the artifact ``artifact_file``."""

        def write(path: Path) -> None:
            with path.open("wb") as file:
                shutil.copyfileobj(stream, file)

        await self._log_rendered(run_id, artifact_file, write)

    async def log_dict(self, run_id: str, dictionary: dict[str, Any], artifact_file: str) -> None:
        """Save a dict as JSON, or as YAML when ``artifact_file`` ends in ``.yml``/``.yaml``."""
        await self._log_rendered(
            run_id, artifact_file, lambda path: write_dict(path, dictionary, artifact_file)
        )

    async def log_figure(
        self,
        run_id: str,
        figure: Any,
        artifact_file: str,
        *,
        save_kwargs: dict[str, Any] | None = None,
    ) -> None:
        """Save a matplotlib or plotly figure as ``artifact_file`` (format by extension)."""
        await self._log_rendered(
            run_id,
            artifact_file,
            lambda path: write_figure(path, figure, artifact_file, save_kwargs),
        )

    async def log_image(
        self,
        run_id: str,
        image: Any,
        artifact_file: str | None = None,
        key: str | None = None,
        step: int | None = None,
        timestamp: int | None = None,
        synchronous: bool | None = None,
    ) -> None:
        """Save an image (numpy array, PIL image, ``mlflow.Image``) either as ``artifact_file``
        or, with ``key``, as a step of an image series the MLflow UI shows as a chart.

        ``synchronous`` is accepted as in MLflow; the files are uploaded before the call
        returns either way.
        """
        if artifact_file is not None and any(arg is not None for arg in (key, step, timestamp)):
            raise TypeError(
                "The `artifact_file` parameter cannot be used in conjunction with `key`, "
                "`step`, or `timestamp` parameters."
            )
        if artifact_file is None and key is None:
            raise TypeError(
                "Invalid arguments: Please specify exactly one of `artifact_file` or `key`."
            )
        picture = to_pil_image(image)
        if artifact_file is not None:
            await self._log_rendered(run_id, artifact_file, picture.save)
            return
        full, thumbnail = image_artifact_files(key or "", step or 0, timestamp or now_ms())
        await self._log_rendered(run_id, full, picture.save)
        await self._log_rendered(run_id, thumbnail, compressed(picture).save)
        await self.set_tag(run_id, MLFLOW_LOGGED_IMAGES, True)
