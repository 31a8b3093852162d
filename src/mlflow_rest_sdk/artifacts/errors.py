"""The artifact helpers' own errors, all under the SDK's root :class:`MlflowRestError`."""

from __future__ import annotations

from mlflow_rest_sdk._runtime.error_base import MlflowRestError

__all__ = [
    "ArtifactIntegrityError",
    "UnsafeArtifactPathError",
    "UnsupportedArtifactLocationError",
]


class UnsafeArtifactPathError(MlflowRestError, ValueError):
    """A path from the caller or the server could escape its folder; nothing was touched."""

    def __init__(self, path: str, problem: str, *, source: str) -> None:
        super().__init__(f"unsafe artifact path {path!r} from the {source}: {problem}")
        self.path = path
        self.problem = problem
        self.source = source


class UnsupportedArtifactLocationError(MlflowRestError, ValueError):
    """The artifacts live where the server's proxy cannot serve them (``s3://``, a local path)."""


class ArtifactIntegrityError(MlflowRestError):
    """A transfer ended with other bytes than announced (a truncated or oversized body)."""
