"""All artifact I/O of water_models, in one place, so the transport can change without the rest.

Today it goes through the server's artifact proxy with the generated methods (one request per
file: the files are small). A run's ``artifact_uri`` is ``mlflow-artifacts:/<path>``; the
proxy serves ``<path>/<file>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from water_models.calls import Call

if TYPE_CHECKING:
    from mlflow_rest_sdk import MlflowClient

PROXY_SCHEME = "mlflow-artifacts"


class ArtifactLocationError(ValueError):
    """An artifact URI this package cannot reach through the server's proxy."""


def proxy_path(artifact_uri: str) -> str:
    """The proxy path of ``mlflow-artifacts:/1/abc/artifacts`` (or ``mlflow-artifacts://host/...``)."""
    parts = urlsplit(artifact_uri)
    if parts.scheme != PROXY_SCHEME:
        raise ArtifactLocationError(
            f"artifact location {artifact_uri!r} is not served by the MLflow server's proxy; "
            "start the server with --serve-artifacts (the default) so artifacts go through it"
        )
    path = parts.path.strip("/")
    if not path or ".." in path.split("/"):
        raise ArtifactLocationError(f"artifact location {artifact_uri!r} has no usable path")
    return path


def upload_call(artifact_uri: str, relative_path: str, content: bytes) -> Call:
    """The call that stores ``content`` at ``relative_path`` under ``artifact_uri``."""
    return Call(
        "upload_artifact",
        {"artifact_path": f"{proxy_path(artifact_uri)}/{relative_path}", "content": content},
    )


class ArtifactReader:
    """Downloads whole small files, counting them (the cache tests and the demo read the count)."""

    def __init__(self, client: MlflowClient) -> None:
        self._client = client
        self.downloads = 0

    def read(self, artifact_uri: str, file_name: str, *, timeout: float | None = None) -> bytes:
        content = self._client.download_artifact(
            artifact_path=f"{proxy_path(artifact_uri)}/{file_name}", timeout=timeout
        )
        self.downloads += 1
        return content
