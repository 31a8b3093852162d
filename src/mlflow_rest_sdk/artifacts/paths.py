"""Path safety: every artifact path from the caller or the server is checked before any file is
touched, and every local target is proven to lie inside its destination folder.

Several MLflow CVEs were path traversal through artifact paths, so the rules are strict and
platform-independent: a relative POSIX path of plain segments, nothing that any operating system
would read as absolute, a parent, or a drive.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from mlflow_rest_sdk.artifacts.errors import UnsafeArtifactPathError

__all__ = ["check_relative_path", "join_artifact_path", "local_target", "remote_name"]

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f]")


def check_relative_path(path: str, *, source: str, allow_empty: bool = False) -> str:
    """Return ``path`` normalised (no trailing ``/``) if it is a safe relative artifact path.

    ``source`` says where the path came from ("caller" or "server") for the error message.
    Refused: absolute paths, ``..`` and ``.`` segments, empty segments, backslashes, drive
    letters (``C:``), NUL and other control characters.
    """
    if not isinstance(path, str):
        raise UnsafeArtifactPathError(repr(path), "is not a string", source=source)
    trimmed = path[:-1] if path.endswith("/") and len(path) > 1 else path
    if trimmed == "":
        if allow_empty:
            return ""
        raise UnsafeArtifactPathError(path, "is empty", source=source)
    problem = _problem(trimmed)
    if problem is not None:
        raise UnsafeArtifactPathError(path, problem, source=source)
    return trimmed


def _problem(path: str) -> str | None:
    if "\x00" in path:
        return "contains a NUL byte"
    if _CONTROL.search(path):
        return "contains a control character"
    if "\\" in path:
        return "contains a backslash (a Windows path separator)"
    if path.startswith("/"):
        return "is absolute"
    if _DRIVE.match(path):
        return "starts with a drive letter"
    for segment in path.split("/"):
        if segment == "..":
            return "has a '..' segment"
        if segment in ("", "."):
            return "has an empty or '.' segment"
    return None


def join_artifact_path(*parts: str) -> str:
    """Join already-checked relative paths with ``/``, skipping empty ones."""
    return "/".join(part for part in parts if part)


def remote_name(local_root: Path, local_file: Path) -> str:
    """The artifact-relative name of ``local_file`` under ``local_root``, checked as caller input.

    A symlink that leads outside ``local_root`` is refused: uploading a folder must not publish
    files from elsewhere on the machine.
    """
    root = local_root.resolve()
    if not local_file.resolve().is_relative_to(root):
        raise UnsafeArtifactPathError(
            str(local_file), f"is a symlink that leads outside {local_root}", source="caller"
        )
    relative = local_file.relative_to(local_root).as_posix()
    return check_relative_path(relative, source="caller")


def local_target(destination: Path, relative: str) -> Path:
    """The local path for the checked artifact path ``relative`` under ``destination``.

    The final path, with every symlink on the way resolved, must lie inside ``destination``:
    a symlink already in the destination folder cannot redirect a write elsewhere.
    """
    root = destination.resolve()
    target = root.joinpath(*PurePosixPath(relative).parts) if relative else root
    resolved = Path(os.path.realpath(target))
    if not resolved.is_relative_to(root):
        raise UnsafeArtifactPathError(
            relative, f"would be written outside {destination} (through a symlink)", source="server"
        )
    if target.is_symlink():
        raise UnsafeArtifactPathError(
            relative, "would replace a symlink in the destination folder", source="server"
        )
    return target
