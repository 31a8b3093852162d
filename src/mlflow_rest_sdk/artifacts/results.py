"""What the artifact helpers return: plain frozen records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["ArtifactEntry", "ArtifactTransfer", "DownloadedArtifacts"]


@dataclass(frozen=True, slots=True)
class ArtifactEntry:
    """One listed artifact: ``path`` relative to the run's (or model's) artifact root."""

    path: str
    is_dir: bool
    file_size: int | None


@dataclass(frozen=True, slots=True)
class ArtifactTransfer:
    """One file moved: artifact path, local path, bytes and the sha256 computed while streaming."""

    path: str
    local_path: Path
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class DownloadedArtifacts:
    """Where a download landed (a file or a folder), and every file written.

    It is path-like, so ``open(client.download_artifacts(...))`` works for a single file.
    """

    path: Path
    files: tuple[ArtifactTransfer, ...]

    def __fspath__(self) -> str:
        return str(self.path)
