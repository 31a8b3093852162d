# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/compat/_async/model_versions.py
"""The model-version methods of MLflow's ``MlflowClient``: create (waiting until the version is
ready, as MLflow does), read, update, stages, tags, search, download URI and copy."""

from __future__ import annotations

import time
from typing import Any

from mlflow_rest_sdk.compat._arguments import key_values
from mlflow_rest_sdk.compat._errors import mlflow_errors
from mlflow_rest_sdk.compat._from_models import model_version_from_rest
from mlflow_rest_sdk.compat._from_rest import required
from mlflow_rest_sdk.compat._sync.registered_models import RegisteredModelsMixin
from mlflow_rest_sdk.compat._uris import parse_model_uri
from mlflow_rest_sdk.compat.entities.model_registry import ModelVersion, ModelVersionStatus
from mlflow_rest_sdk.compat.entities.paged_list import PagedList
from mlflow_rest_sdk.compat.exceptions import MlflowException
from mlflow_rest_sdk.compat.pause import pause_sync

__all__ = ["ModelVersionsMixin"]

#: How long ``create_model_version`` waits for a version to leave PENDING_REGISTRATION.
DEFAULT_AWAIT_MAX_SLEEP_SECONDS = 300
#: Between two looks at a pending version.
AWAIT_POLL_SECONDS = 1.0
#: MLflow's page size for model-version searches.
SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT = 10_000
#: The stages MLflow knows (deprecated in favour of aliases).
ALL_STAGES = ["None", "Staging", "Production", "Archived"]


def _version_or_stage(version: str | None, stage: str | None) -> None:
    """Exactly one of ``version`` and ``stage`` names the version, as MLflow requires."""
    if version and stage:
        raise MlflowException("version and stage cannot be set together", "INVALID_PARAMETER_VALUE")
    if not (version or stage):
        raise MlflowException("version or stage must be set", "INVALID_PARAMETER_VALUE")


class ModelVersionsMixin(RegisteredModelsMixin):
    """Model versions as MLflow's client handles them."""

    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        tags: dict[str, Any] | None = None,
        run_link: str | None = None,
        description: str | None = None,
        await_creation_for: int = DEFAULT_AWAIT_MAX_SLEEP_SECONDS,
        model_id: str | None = None,
    ) -> ModelVersion:
        """Register ``source`` as a new version of ``name``, then wait up to
        ``await_creation_for`` seconds (0 or None: not at all) for it to be ready."""
        with mlflow_errors():
            created = self._rest.create_model_version(
                name=name,
                source=source,
                run_id=run_id,
                tags=key_values(tags) or None,
                run_link=run_link,
                description=description,
                model_id=model_id,
            )
        version = model_version_from_rest(required(created.model_version, "model version"))
        if await_creation_for:
            version = self._await_ready(version, await_creation_for)
        return version

    def _await_ready(self, version: ModelVersion, max_seconds: float) -> ModelVersion:
        deadline = time.monotonic() + max_seconds
        while version.status == ModelVersionStatus.PENDING_REGISTRATION:
            if time.monotonic() >= deadline:
                raise MlflowException(
                    f"Exceeded max wait time for model name: {version.name} version: "
                    f"{version.version} to become READY. Status: {version.status}"
                )
            pause_sync(AWAIT_POLL_SECONDS)
            version = self.get_model_version(version.name, version.version)
        if version.status != ModelVersionStatus.READY:
            raise MlflowException(
                f"Model version creation failed for model name: {version.name} version: "
                f"{version.version} with status: {version.status} and message: "
                f"{version.status_message}"
            )
        return version

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        with mlflow_errors():
            response = self._rest.get_model_version(name=name, version=str(version))
        return model_version_from_rest(required(response.model_version, "model version"))

    def update_model_version(
        self, name: str, version: str, description: str | None = None
    ) -> ModelVersion:
        """Change a version's description (the one field it has to change), as MLflow does."""
        if description is None:
            raise MlflowException("Attempting to update model version with no new field values.")
        with mlflow_errors():
            response = self._rest.update_model_version(
                name=name, version=str(version), description=description
            )
        return model_version_from_rest(required(response.model_version, "model version"))

    def delete_model_version(self, name: str, version: str) -> None:
        with mlflow_errors():
            self._rest.delete_model_version(name=name, version=str(version))

    def transition_model_version_stage(
        self, name: str, version: str, stage: str, archive_existing_versions: bool = False
    ) -> ModelVersion:
        """Move a version to a stage (deprecated in MLflow in favour of aliases)."""
        with mlflow_errors():
            response = self._rest.transition_model_version_stage(
                name=name,
                version=str(version),
                stage=stage,
                archive_existing_versions=archive_existing_versions,
            )
        return model_version_from_rest(required(response.model_version, "model version"))

    def get_model_version_stages(self, name: str, version: str) -> list[str]:
        """The stages a version can be in: MLflow's fixed list (no request is made)."""
        return list(ALL_STAGES)

    def search_model_versions(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[ModelVersion]:
        """One page of model versions; ``.token`` of the result fetches the next (``""`` on the
        last page, as MLflow's registry client gives it)."""
        with mlflow_errors():
            page = self._rest.search_model_versions(
                filter=filter_string or None,
                max_results=max_results,
                order_by=order_by,
                page_token=page_token,
            )
        return PagedList(
            [model_version_from_rest(version) for version in page.model_versions],
            page.next_page_token or "",
        )

    def get_model_version_download_uri(self, name: str, version: str) -> str:
        """Where the version's files are (its artifact location)."""
        with mlflow_errors():
            response = self._rest.get_model_version_download_uri(name=name, version=str(version))
        return response.artifact_uri or ""

    def _version_of_stage(self, name: str, version: str | None, stage: str | None) -> str:
        _version_or_stage(version, stage)
        if version:
            return str(version)
        latest = self.get_latest_versions(name, stages=[stage or ""])
        if not latest:
            raise MlflowException(f"Could not find any model version for {stage} stage")
        return latest[0].version

    def set_model_version_tag(
        self,
        name: str,
        version: str | None = None,
        key: str | None = None,
        value: Any = None,
        stage: str | None = None,
    ) -> None:
        """Set a tag on a version, named by number or (deprecated) by the latest in ``stage``."""
        chosen = self._version_of_stage(name, version, stage)
        with mlflow_errors():
            # A mapping, as MLflow's client passes a missing key on: refused as a bad argument.
            tag = {"name": name, "version": chosen, "key": key}
            self._rest.set_model_version_tag(
                {**tag, "value": None if value is None else str(value)}
            )

    def delete_model_version_tag(
        self,
        name: str,
        version: str | None = None,
        key: str | None = None,
        stage: str | None = None,
    ) -> None:
        chosen = self._version_of_stage(name, version, stage)
        with mlflow_errors():
            self._rest.delete_model_version_tag({"name": name, "version": chosen, "key": key})

    def _resolve_version(self, model_uri: str) -> ModelVersion:
        """The model version a ``models:/name/version|stage|latest`` or ``@alias`` URI names."""
        parsed = parse_model_uri(model_uri)
        if parsed.name is None:
            raise MlflowException.invalid_parameter_value(
                f"{model_uri!r} names a logged model, not a registered model version"
            )
        if parsed.version is not None:
            return self.get_model_version(parsed.name, parsed.version)
        if parsed.alias is not None:
            return self.get_model_version_by_alias(parsed.name, parsed.alias)
        stages = None if parsed.stage is None else [parsed.stage]
        latest = self.get_latest_versions(parsed.name, stages)
        if not latest:
            where = "" if parsed.stage is None else f" and stage '{parsed.stage}'"
            raise MlflowException(f"No versions of model with name '{parsed.name}'{where} found")
        newest = max(int(version.version) for version in latest)
        return self.get_model_version(parsed.name, str(newest))

    def copy_model_version(self, src_model_uri: str, dst_name: str) -> ModelVersion:
        """Register the version ``src_model_uri`` names (``models:/...`` only) as a new version
        of ``dst_name``, creating that registered model when it does not exist."""
        if not src_model_uri.startswith("models:"):
            raise MlflowException(
                f"Unsupported source model URI: '{src_model_uri}'. The `copy_model_version` API "
                "only copies models stored in the 'models:/' scheme."
            )
        try:
            source = self._resolve_version(src_model_uri)
        except MlflowException as error:
            raise MlflowException(
                f"Failed to fetch model version from source model URI: '{src_model_uri}'. "
                f"Error: {error}"
            ) from error
        try:
            self.create_registered_model(dst_name)
        except MlflowException as error:
            if error.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
        return self.create_model_version(
            name=dst_name,
            source=f"models:/{source.name}/{source.version}",
            run_id=source.run_id,
            tags=source.tags,
            run_link=source.run_link,
            description=source.description,
        )
