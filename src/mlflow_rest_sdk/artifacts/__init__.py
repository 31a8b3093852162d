"""Artifacts through the tracking server's proxy: streamed, hashed, atomic, path-safe.

The public clients inherit :class:`ArtifactsMixin` / :class:`AsyncArtifactsMixin`; the pure
parts (URI resolution, path checks, multipart planning) live in their own modules and are shared.
"""

from mlflow_rest_sdk.artifacts._async.mixin import AsyncArtifactsMixin
from mlflow_rest_sdk.artifacts._sync.mixin import ArtifactsMixin
from mlflow_rest_sdk.artifacts.errors import (
    ArtifactIntegrityError,
    UnsafeArtifactPathError,
    UnsupportedArtifactLocationError,
)
from mlflow_rest_sdk.artifacts.planning import ArtifactSettings
from mlflow_rest_sdk.artifacts.results import ArtifactEntry, ArtifactTransfer, DownloadedArtifacts
from mlflow_rest_sdk.artifacts.uri import proxy_root

__all__ = [
    "ArtifactEntry",
    "ArtifactIntegrityError",
    "ArtifactSettings",
    "ArtifactTransfer",
    "ArtifactsMixin",
    "AsyncArtifactsMixin",
    "DownloadedArtifacts",
    "UnsafeArtifactPathError",
    "UnsupportedArtifactLocationError",
    "proxy_root",
]
