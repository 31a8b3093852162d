"""Downloads by URI, as ``mlflow.artifacts.download_artifacts(artifact_uri=...)`` resolves them:
``runs:/<run_id>/path``, ``models:/name/version``, ``models:/name@alias``, ``models:/name/stage``
or ``/latest``, ``models:/<model_id>`` and plain ``mlflow-artifacts:/`` locations.

A registered version is found through the registry (its download URI), a logged model through
its artifact location, and every byte comes through the server's artifacts proxy. As in MLflow,
a ``models:/`` download puts the model's files straight into the destination and, when they
are a whole model (an ``MLmodel`` file), adds ``registered_model_meta`` naming its version.
"""

from __future__ import annotations

from pathlib import Path

from mlflow_rest_sdk.compat._async.artifacts import AsyncArtifactsMixin
from mlflow_rest_sdk.compat._async.logged_models import AsyncLoggedModelsMixin
from mlflow_rest_sdk.compat._async.model_versions import AsyncModelVersionsMixin
from mlflow_rest_sdk.compat._rendering import write_registered_model_meta
from mlflow_rest_sdk.compat._uris import parse_model_uri, parse_runs_uri

__all__ = ["AsyncUriDownloadsMixin"]


class AsyncUriDownloadsMixin(AsyncArtifactsMixin, AsyncModelVersionsMixin, AsyncLoggedModelsMixin):
    """Resolve an artifact URI to a run, a model version or a logged model, then download."""

    async def _download_artifact_uri(self, artifact_uri: str, dst_path: str | None = None) -> str:
        """Download what ``artifact_uri`` names into ``dst_path`` (a new temporary folder when
        None) under its last name; returns the local path."""
        scheme = artifact_uri.partition(":")[0].lower()
        if scheme == "runs":
            run_id, path = parse_runs_uri(artifact_uri)
            return await self.download_artifacts(run_id, path, dst_path)
        if scheme == "models":
            parsed = parse_model_uri(artifact_uri)
            name: str | None = None
            number: str | None = None
            if parsed.model_id is not None:
                location = (await self.get_logged_model(parsed.model_id)).artifact_location
            else:
                version = await self._resolve_version(artifact_uri)
                name, number = version.name, version.version
                location = await self.get_model_version_download_uri(name, number)
            local = await self._download_location(location, dst_path, contents=True)
            write_registered_model_meta(Path(local), name, number)
            return local
        return await self._download_location(artifact_uri, dst_path)
