"""Everything about a transfer that is not network I/O, shared by the sync and async mixins:
request building, listing validation, upload plans, atomic hashed writes, integrity checks."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import random
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from mlflow_rest_sdk._generated.models import ArtifactsFileInfo
from mlflow_rest_sdk._runtime.client_core import translate_transport_error
from mlflow_rest_sdk._runtime.error_base import APIConnectionError, MlflowApiError
from mlflow_rest_sdk._runtime.retry import (
    RetryPolicy,
    backoff_seconds,
    connection_error_is_retryable,
    status_is_retryable,
)
from mlflow_rest_sdk._runtime.transport import (
    HttpRequest,
    HttpResponse,
    Timeouts,
    TransportError,
)
from mlflow_rest_sdk._runtime.urls import redact_url
from mlflow_rest_sdk._runtime.wire import error_from_response
from mlflow_rest_sdk.artifacts.errors import ArtifactIntegrityError, UnsafeArtifactPathError
from mlflow_rest_sdk.artifacts.paths import (
    check_relative_path,
    join_artifact_path,
    local_target,
    remote_name,
)
from mlflow_rest_sdk.artifacts.results import ArtifactEntry, ArtifactTransfer

if TYPE_CHECKING:
    import tenacity

#: Error bodies are read up to this size: a hostile server cannot make us buffer more.
MAX_ERROR_BODY = 64 * 1024
#: A server whose listing nests deeper than this is looping (or hostile).
MAX_DEPTH = 64


def proxy_request(request: HttpRequest, *, size: int | None = None) -> HttpRequest:
    """``request`` to a proxy route, declaring the body's ``size`` when one is sent."""
    if size is None:
        return request
    headers = {**request.headers, "Content-Length": str(size)}
    return dataclasses.replace(request, headers=headers, content=None)


class MultipartUnavailable(Exception):
    """The server cannot take this file in parts: send it in one PUT instead."""


def transfer_retry_options(policy: RetryPolicy) -> dict[str, Any]:
    """tenacity options for one file (or part) transfer, from the client's retry policy.

    A transfer is idempotent (a GET, or a PUT of the same bytes to the same path), so every
    transient failure is retried: connection errors, cut-off bodies, 429 and 5xx answers. Each
    attempt re-reads the file from its start (or rewrites the download from scratch).
    tenacity is imported here, by the first transfer, not when the client is imported.
    """
    import tenacity

    def retryable(error: BaseException) -> bool:
        if isinstance(error, MlflowApiError):
            return status_is_retryable(error.status_code, idempotent=True)
        return connection_error_is_retryable(error, idempotent=True)

    def wait(state: tenacity.RetryCallState) -> float:
        return backoff_seconds(policy, state.attempt_number, None, random.random)

    return {
        "stop": tenacity.stop_after_attempt(policy.max_attempts)
        | tenacity.stop_after_delay(policy.deadline),
        "wait": wait,
        "retry": tenacity.retry_if_exception(retryable),
        "reraise": True,
    }


def part_request(
    url: str, headers: Mapping[str, str], size: int, timeouts: Timeouts
) -> HttpRequest:
    """A PUT of one multipart part to the store's presigned URL.

    Only the headers the server handed out go along: the client's credentials are for the
    tracking server and must never reach the object store.
    """
    return HttpRequest(
        method="PUT",
        url=url,
        headers={**headers, "Content-Length": str(size)},
        timeouts=timeouts,
    )


def api_error(
    operation: str, status: int, headers: Mapping[str, str], body: bytes
) -> MlflowApiError:
    """Map a non-2xx streamed response (its body read up to :data:`MAX_ERROR_BODY`)."""
    from mlflow_rest_sdk._generated.errors import ERROR_TYPES

    response = HttpResponse(status_code=status, headers=dict(headers), content=body)
    return error_from_response(operation, response, ERROR_TYPES)


def listing_entries(files: Sequence[ArtifactsFileInfo], parent: str) -> list[ArtifactEntry]:
    """One proxy listing of ``parent`` as entries; every name the server sent is checked."""
    return [
        ArtifactEntry(
            path=join_artifact_path(parent, check_relative_path(item.path or "", source="server")),
            is_dir=bool(item.is_dir),
            file_size=item.file_size,
        )
        for item in files
    ]


def relative_to(entry_path: str, base: str) -> str:
    """``entry_path`` below the listing base ``base`` (both relative artifact paths)."""
    if not base:
        return entry_path
    return entry_path[len(base) + 1 :] if entry_path.startswith(base + "/") else entry_path


def upload_plan(local_dir: Path, artifact_path: str) -> list[tuple[Path, str]]:
    """Every file under ``local_dir`` with its artifact path, checked before any byte is sent."""
    if not local_dir.is_dir():
        raise NotADirectoryError(f"log_artifacts: {local_dir} is not a directory")
    plan: list[tuple[Path, str]] = []
    for root, dirs, files in os.walk(local_dir):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            plan.append((path, join_artifact_path(artifact_path, remote_name(local_dir, path))))
        for name in dirs:
            if (Path(root) / name).is_symlink():
                remote_name(local_dir, Path(root) / name)  # refused if it leads outside
    return plan


def single_file(local_path: Path, artifact_path: str) -> tuple[Path, str]:
    """The artifact path of one file uploaded into the folder ``artifact_path``."""
    if not local_path.is_file():
        raise FileNotFoundError(f"log_artifact: {local_path} is not a file")
    name = check_relative_path(local_path.name, source="caller")
    return local_path, join_artifact_path(artifact_path, name)


def file_chunks(
    path: Path, offset: int, size: int, chunk_size: int, digest: Any
) -> Iterator[bytes]:
    """``size`` bytes of ``path`` from ``offset``, one chunk at a time, fed to ``digest``."""
    with path.open("rb") as handle:
        handle.seek(offset)
        remaining = size
        while remaining > 0:
            chunk = handle.read(min(chunk_size, remaining))
            if not chunk:
                raise ArtifactIntegrityError(f"{path} shrank while it was being uploaded")
            remaining -= len(chunk)
            digest.update(chunk)
            yield chunk


def check_length(path: str, received: int, headers: Mapping[str, str], listed: int | None) -> None:
    """The body must be as long as the server announced (Content-Length) and listed."""
    announced = headers.get("content-length")
    if announced is not None and announced.isdigit() and int(announced) != received:
        raise ArtifactIntegrityError(
            f"download of {path!r} ended after {received} of {announced} bytes (truncated body)"
        )
    if listed is not None and listed != received:
        raise ArtifactIntegrityError(
            f"download of {path!r} gave {received} bytes, the listing said {listed}"
        )


class AtomicFile:
    """A download target: bytes go to a hidden temporary file beside ``target``, hashed as they
    arrive, and the file is moved into place only by :meth:`commit`; on any error it is removed,
    so an interrupted download never leaves a file that looks finished."""

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        self._temp = Path(name)
        self._handle = os.fdopen(fd, "wb")
        self._digest = hashlib.sha256()
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self._handle.write(chunk)
        self._digest.update(chunk)
        self.size += len(chunk)

    def commit(self, artifact_path: str, destination: Path, relative: str) -> ArtifactTransfer:
        self._handle.close()
        # Re-checked just before the move: the folder may have changed while bytes arrived.
        final = local_target(destination, relative)
        if final.is_dir():
            raise UnsafeArtifactPathError(
                relative, "would replace a directory in the destination folder", source="server"
            )
        os.replace(self._temp, final)
        return ArtifactTransfer(
            path=artifact_path, local_path=final, size=self.size, sha256=self._digest.hexdigest()
        )

    def abort(self) -> None:
        self._handle.close()
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self.abort()


def connection_failure(error: TransportError, request: HttpRequest) -> APIConnectionError:
    """The SDK error for a failed transfer. Presigned part URLs carry a signature in their
    query, so the URL is redacted before it can reach a message."""
    shown = dataclasses.replace(request, url=redact_url(request.url))
    return translate_transport_error(error, shown)
