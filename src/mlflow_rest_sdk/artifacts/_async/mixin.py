"""Artifact transfers: the network half of the artifact helpers, written once for asyncio
(``_sync/mixin.py`` is the derived blocking twin).

File reads and writes go through :mod:`..offload`: worker threads (one chunk at a time) on the
asyncio side, so a large transfer never blocks the event loop on disk I/O; inline when blocking.
"""

from __future__ import annotations

import contextlib
import hashlib
import posixpath
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from mlflow_rest_sdk._generated import endpoints as _e
from mlflow_rest_sdk._generated.async_client import GeneratedAsyncMlflowClient
from mlflow_rest_sdk._generated.models import MultipartUploadPart
from mlflow_rest_sdk._runtime.error_base import (
    NotFound,
    NotImplementedByServer,
    ResponseDecodeError,
)
from mlflow_rest_sdk._runtime.gates import StreamSlot
from mlflow_rest_sdk._runtime.transport import (
    AsyncStreamedResponse,
    AsyncStreamingTransport,
    HttpRequest,
    TransportError,
)
from mlflow_rest_sdk.artifacts import plumbing as _p
from mlflow_rest_sdk.artifacts.errors import ArtifactIntegrityError
from mlflow_rest_sdk.artifacts.offload import offload_async, offloaded_chunks_async
from mlflow_rest_sdk.artifacts.paths import check_relative_path, join_artifact_path, local_target
from mlflow_rest_sdk.artifacts.planning import ArtifactSettings, plan_parts
from mlflow_rest_sdk.artifacts.results import ArtifactEntry, ArtifactTransfer, DownloadedArtifacts
from mlflow_rest_sdk.artifacts.uri import proxy_root

if TYPE_CHECKING:
    import tenacity

__all__ = ["AsyncArtifactsMixin"]


class AsyncArtifactsMixin(GeneratedAsyncMlflowClient):
    """Upload, download, list and delete a run's or a logged model's artifacts via the proxy."""

    #: Set to True once the server answered 501 to a multipart create: later files go by PUT.
    _multipart_unsupported: bool = False

    # -- runs -------------------------------------------------------------------------------

    async def log_artifact(
        self,
        run_id: str,
        local_path: str | Path,
        artifact_path: str | None = None,
        *,
        settings: ArtifactSettings | None = None,
    ) -> ArtifactTransfer:
        """Upload one file into the run's artifacts, under the folder ``artifact_path``."""
        return await self._log_file(
            await self._run_root(run_id), local_path, artifact_path, settings
        )

    async def log_artifacts(
        self,
        run_id: str,
        local_dir: str | Path,
        artifact_path: str | None = None,
        *,
        settings: ArtifactSettings | None = None,
    ) -> list[ArtifactTransfer]:
        """Upload every file under ``local_dir`` into the run's artifacts, keeping the tree."""
        return await self._log_dir(await self._run_root(run_id), local_dir, artifact_path, settings)

    async def download_artifacts(
        self,
        run_id: str,
        path: str,
        dst_path: str | Path,
        *,
        settings: ArtifactSettings | None = None,
    ) -> DownloadedArtifacts:
        """Download the artifact file or folder ``path`` ("" for all) to ``dst_path/path``."""
        return await self._download(await self._run_root(run_id), path, Path(dst_path), settings)

    async def list_artifacts_recursive(
        self, run_id: str, path: str | None = None
    ) -> list[ArtifactEntry]:
        """Every artifact under ``path`` (each folder followed by its contents), paths from the
        run's artifact root. The generated :meth:`list_artifacts` lists one level, paged."""
        root = await self._run_root(run_id)
        relative = check_relative_path(path or "", source="caller", allow_empty=True)
        return await self._walk(root, relative)

    async def delete_artifacts(self, run_id: str, path: str) -> None:
        """Delete the artifact file or folder ``path`` of the run (never the whole root)."""
        relative = check_relative_path(path, source="caller")
        root = await self._run_root(run_id)
        await self.delete_artifact(artifact_path=join_artifact_path(root, relative))

    # -- logged models ----------------------------------------------------------------------

    async def log_model_artifact(
        self,
        model_id: str,
        local_path: str | Path,
        artifact_path: str | None = None,
        *,
        settings: ArtifactSettings | None = None,
    ) -> ArtifactTransfer:
        """Upload one file into a logged model's artifacts."""
        root = await self._model_root(model_id)
        return await self._log_file(root, local_path, artifact_path, settings)

    async def log_model_artifacts(
        self,
        model_id: str,
        local_dir: str | Path,
        artifact_path: str | None = None,
        *,
        settings: ArtifactSettings | None = None,
    ) -> list[ArtifactTransfer]:
        """Upload a folder into a logged model's artifacts."""
        root = await self._model_root(model_id)
        return await self._log_dir(root, local_dir, artifact_path, settings)

    async def download_model_artifacts(
        self,
        model_id: str,
        path: str,
        dst_path: str | Path,
        *,
        settings: ArtifactSettings | None = None,
    ) -> DownloadedArtifacts:
        """Download a logged model's artifact file or folder ``path`` ("" for all)."""
        root = await self._model_root(model_id)
        return await self._download(root, path, Path(dst_path), settings)

    # -- by URI -------------------------------------------------------------------------------

    async def download_artifact_uri(
        self,
        artifact_uri: str,
        dst_path: str | Path,
        *,
        settings: ArtifactSettings | None = None,
    ) -> DownloadedArtifacts:
        """Download the file or folder an artifact URI names (``mlflow-artifacts:/...``, as a
        model version's download URI or a run's artifact URI gives it) to ``dst_path/<its last
        name>``; the whole tree into ``dst_path`` when the URI names the artifacts root."""
        location = proxy_root(artifact_uri)
        parent, _, name = location.rpartition("/")
        return await self._download(parent, name, Path(dst_path), settings)

    # -- roots --------------------------------------------------------------------------------

    async def _run_root(self, run_id: str) -> str:
        run = (await self.get_run(run_id=run_id)).run
        return proxy_root((run.info.artifact_uri if run and run.info else None) or "")

    async def _model_root(self, model_id: str) -> str:
        model = (await self.get_logged_model(model_id=model_id)).model
        return proxy_root((model.info.artifact_uri if model and model.info else None) or "")

    # -- uploads ------------------------------------------------------------------------------

    async def _log_file(
        self,
        root: str,
        local_path: str | Path,
        artifact_path: str | None,
        settings: ArtifactSettings | None,
    ) -> ArtifactTransfer:
        folder = check_relative_path(artifact_path or "", source="caller", allow_empty=True)
        local, relative = _p.single_file(Path(local_path), folder)
        return await self._upload(root, local, relative, settings or ArtifactSettings())

    async def _log_dir(
        self,
        root: str,
        local_dir: str | Path,
        artifact_path: str | None,
        settings: ArtifactSettings | None,
    ) -> list[ArtifactTransfer]:
        folder = check_relative_path(artifact_path or "", source="caller", allow_empty=True)
        plan = await offload_async(_p.upload_plan, Path(local_dir), folder)
        chosen = settings or ArtifactSettings()
        return [await self._upload(root, local, relative, chosen) for local, relative in plan]

    async def _upload(
        self, root: str, local: Path, relative: str, settings: ArtifactSettings
    ) -> ArtifactTransfer:
        size = local.stat().st_size
        if size >= settings.multipart_threshold and not self._multipart_unsupported:
            try:
                return await self._upload_multipart(root, local, relative, size, settings)
            except _p.MultipartUnavailable:
                self._multipart_unsupported = True
        request = _p.proxy_request(
            self._prepare_request(
                _e.UPLOAD_ARTIFACT, path_args={"artifact_path": join_artifact_path(root, relative)}
            ),
            size=size,
        )
        async for attempt in self._transfer_retrying():
            with attempt:
                digest = hashlib.sha256()
                body = offloaded_chunks_async(
                    _p.file_chunks(local, 0, size, settings.chunk_size, digest)
                )
                async with self._stream(request, body) as response:
                    await self._raise_for_status("upload_artifact", response)
                    await _drain(response)
        return ArtifactTransfer(relative, local, size, digest.hexdigest())

    async def _upload_multipart(
        self, root: str, local: Path, relative: str, size: int, settings: ArtifactSettings
    ) -> ArtifactTransfer:
        """Create (a 501 here means "use PUT"), send each part to its presigned URL, complete;
        abort on any failure so the store keeps no orphaned parts."""
        folder, name = posixpath.split(join_artifact_path(root, relative))
        parts = plan_parts(size, settings.part_size)
        try:
            created = await self.create_multipart_upload(
                artifact_path=folder, path=name, num_parts=len(parts)
            )
        except (NotImplementedByServer, NotFound) as error:
            # 501: the store cannot do multipart; 404: a server older than the endpoints.
            raise _p.MultipartUnavailable from error
        credentials = sorted(created.credentials, key=lambda c: c.part_number or 0)
        if len(credentials) != len(parts) or not created.upload_id:
            raise ResponseDecodeError(
                f"create_multipart_upload: asked for {len(parts)} part URLs, "
                f"got {len(credentials)} (upload id {created.upload_id!r})"
            )
        digest = hashlib.sha256()
        try:
            done = []
            for part, credential in zip(parts, credentials, strict=True):
                request = _p.part_request(
                    credential.url or "",
                    credential.headers,
                    part.size,
                    self.config.transport.timeouts,
                )
                before = digest.copy()
                async for attempt in self._transfer_retrying():
                    with attempt:
                        digest = before.copy()  # a retried part is hashed once, not twice
                        chunks = _p.file_chunks(
                            local, part.offset, part.size, settings.chunk_size, digest
                        )
                        async with self._stream(
                            request, offloaded_chunks_async(chunks), to_store=True
                        ) as response:
                            await self._raise_for_status("upload_part", response)
                            await _drain(response)
                            etag = response.headers.get("etag", "")
                done.append(
                    MultipartUploadPart(part_number=part.number, etag=etag, url=credential.url)
                )
            await self.complete_multipart_upload(
                artifact_path=folder, path=name, upload_id=created.upload_id, parts=done
            )
        except BaseException:
            # The original failure is the one worth reporting.
            with contextlib.suppress(Exception):
                await self.abort_multipart_upload(
                    artifact_path=folder, path=name, upload_id=created.upload_id
                )
            raise
        return ArtifactTransfer(relative, local, size, digest.hexdigest())

    # -- listing and downloads -------------------------------------------------------------------

    async def _list_once(self, root: str, relative: str) -> list[ArtifactEntry]:
        listing = await self.list_proxied_artifacts(path=join_artifact_path(root, relative) or None)
        return _p.listing_entries(listing.files, relative)

    async def _walk(self, root: str, relative: str, depth: int = 0) -> list[ArtifactEntry]:
        if depth > _p.MAX_DEPTH:
            raise ArtifactIntegrityError(
                f"artifact listing nests deeper than {_p.MAX_DEPTH} levels at {relative!r}"
            )
        entries: list[ArtifactEntry] = []
        for entry in await self._list_once(root, relative):
            entries.append(entry)
            if entry.is_dir:
                entries.extend(await self._walk(root, entry.path, depth + 1))
        return entries

    async def _download(
        self, root: str, path: str, destination: Path, settings: ArtifactSettings | None
    ) -> DownloadedArtifacts:
        relative = check_relative_path(path, source="caller", allow_empty=True)
        chosen = settings or ArtifactSettings()
        entries = await self._walk(root, relative)
        if not entries and relative:  # a file (or nothing: the GET says which)
            entries = [ArtifactEntry(relative, is_dir=False, file_size=None)]
        # Every target is checked before any byte is written.
        targets = [(entry, local_target(destination, entry.path)) for entry in entries]
        files = []
        for entry, target in targets:
            if entry.is_dir:
                target.mkdir(parents=True, exist_ok=True)
            else:
                files.append(await self._download_file(root, entry, destination, chosen))
        return DownloadedArtifacts(local_target(destination, relative), tuple(files))

    async def _download_file(
        self, root: str, entry: ArtifactEntry, destination: Path, settings: ArtifactSettings
    ) -> ArtifactTransfer:
        request = _p.proxy_request(
            self._prepare_request(
                _e.DOWNLOAD_ARTIFACT,
                path_args={"artifact_path": join_artifact_path(root, entry.path)},
            )
        )
        async for attempt in self._transfer_retrying():
            with attempt:
                async with self._stream(request) as response:
                    await self._raise_for_status("download_artifact", response)
                    target = local_target(destination, entry.path)
                    with await offload_async(_p.AtomicFile, target) as out:
                        async for chunk in response.aiter_bytes(settings.chunk_size):
                            await offload_async(out.write, chunk)
                        _p.check_length(entry.path, out.size, response.headers, entry.file_size)
                        done = await offload_async(out.commit, entry.path, destination, entry.path)
        return done

    def _transfer_retrying(self) -> tenacity.AsyncRetrying:
        options = _p.transfer_retry_options(self._retry_policy())
        if self._injected_sleep is not None:
            options["sleep"] = self._injected_sleep
        import tenacity  # on the first transfer, not at client import

        return tenacity.AsyncRetrying(**options)

    # -- streaming ------------------------------------------------------------------------------

    @asynccontextmanager
    async def _stream(
        self,
        request: HttpRequest,
        body: AsyncIterable[bytes] | None = None,
        *,
        to_store: bool = False,
    ) -> AsyncIterator[AsyncStreamedResponse]:
        """A streamed exchange; one with the tracking server holds a slot under the client's load
        limit while it runs, one with the object store (``to_store``: a presigned part) does not."""
        transport = self._http_transport
        if not isinstance(transport, AsyncStreamingTransport):
            raise TypeError(
                "artifact transfers need a streaming transport (one with a stream() method: "
                "the AsyncStreamingTransport protocol); "
                f"{type(transport).__name__} has none"
            )
        slot = contextlib.nullcontext(StreamSlot()) if to_store else self._load_slot(request)
        try:
            async with slot as held, transport.stream(request, body) as response:
                held.status = response.status_code
                yield response
        except TransportError as error:
            failure = _p.connection_failure(error, request)
        else:
            return
        raise failure  # outside the handler: the transport error's frames hold the headers

    @staticmethod
    async def _raise_for_status(operation: str, response: AsyncStreamedResponse) -> None:
        if not 200 <= response.status_code < 300:
            body = await _drain(response)
            raise _p.api_error(operation, response.status_code, response.headers, body)


async def _drain(response: AsyncStreamedResponse, limit: int = _p.MAX_ERROR_BODY) -> bytes:
    """Read a (small) response body, keeping at most ``limit`` bytes."""
    kept = bytearray()
    async for chunk in response.aiter_bytes():
        if len(kept) < limit:
            kept += chunk[: limit - len(kept)]
    return bytes(kept)
