"""Transfer settings and multipart planning: pure decisions, shared by sync and async."""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlflow_rest_sdk._runtime.transport import STREAM_CHUNK_SIZE

__all__ = ["MAX_PARTS", "MIN_PART_SIZE", "ArtifactSettings", "Part", "plan_parts"]

#: S3's limits on multipart uploads (every object store behind MLflow's proxy shares them).
MAX_PARTS = 10_000
MIN_PART_SIZE = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ArtifactSettings:
    """How artifacts are moved.

    ``chunk_size`` bounds the memory of a stream (one chunk in flight). Files of at least
    ``multipart_threshold`` bytes go through the multipart endpoints when the server's store
    supports them (else one streamed PUT), in parts of ``part_size`` bytes.
    """

    chunk_size: int = STREAM_CHUNK_SIZE
    multipart_threshold: int = 100 * 1024 * 1024
    part_size: int = 16 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.chunk_size < 1:
            raise ValueError(f"ArtifactSettings.chunk_size must be >= 1, got {self.chunk_size}")
        if self.multipart_threshold < 0:
            raise ValueError(
                f"ArtifactSettings.multipart_threshold must be >= 0, got {self.multipart_threshold}"
            )
        if self.part_size < MIN_PART_SIZE:
            raise ValueError(
                f"ArtifactSettings.part_size must be >= {MIN_PART_SIZE} (the object stores' "
                f"minimum part), got {self.part_size}"
            )


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a multipart upload: 1-based number, byte offset and length."""

    number: int
    offset: int
    size: int


def plan_parts(file_size: int, part_size: int) -> list[Part]:
    """Split ``file_size`` bytes into parts of ``part_size`` (the last one shorter).

    Grows the part size when ``file_size`` would need more than :data:`MAX_PARTS` parts.
    """
    if file_size < 0:
        raise ValueError(f"file_size must be >= 0, got {file_size}")
    if part_size < 1:
        raise ValueError(f"part_size must be >= 1, got {part_size}")
    size = max(part_size, math.ceil(file_size / MAX_PARTS))
    count = max(1, math.ceil(file_size / size))
    return [
        Part(number=i + 1, offset=i * size, size=min(size, file_size - i * size))
        for i in range(count)
    ]
