"""Artifact URI resolution: which proxy path serves a run's or a logged model's artifacts."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from mlflow_rest_sdk.artifacts.errors import UnsupportedArtifactLocationError
from mlflow_rest_sdk.artifacts.paths import check_relative_path

__all__ = ["PROXY_ROUTE", "proxy_root"]

#: Where the server's artifact proxy lives, for ``http(s)://`` artifact URIs that name it.
PROXY_ROUTE = "/api/2.0/mlflow-artifacts/artifacts"

_FIX = (
    "the SDK moves artifacts only through the tracking server's artifact proxy; start the server "
    "with `--serve-artifacts` and `--artifacts-destination <store>` (and no "
    "`--default-artifact-root`), so that new experiments get `mlflow-artifacts:/` locations"
)


def proxy_root(artifact_uri: str) -> str:
    """The proxy path (relative, no leading ``/``) of an artifact URI.

    ``mlflow-artifacts:/1/abc/artifacts`` and ``mlflow-artifacts://host:5000/1/abc/artifacts``
    give ``1/abc/artifacts``; so does ``http://host/api/2.0/mlflow-artifacts/artifacts/1/abc/...``.
    The host of a URI is not used: requests go to the client's own server. Anything else
    (``s3://``, ``file:``, a server-local path) raises :class:`UnsupportedArtifactLocationError`.
    """
    if not artifact_uri:
        raise UnsupportedArtifactLocationError(f"the artifact location is empty; {_FIX}")
    parts = urlsplit(artifact_uri)
    scheme = parts.scheme.lower()
    if scheme == "mlflow-artifacts":
        path = parts.path
    elif scheme in ("http", "https") and parts.path.startswith(PROXY_ROUTE + "/"):
        path = parts.path[len(PROXY_ROUTE) :]
    else:
        where = f"a {scheme}:// store" if len(scheme) > 1 else "a path on the server's disk"
        raise UnsupportedArtifactLocationError(
            f"artifact location {artifact_uri!r} is {where}, which the server does not proxy; "
            f"{_FIX}"
        )
    return check_relative_path(unquote(path).strip("/"), source="server", allow_empty=True)
