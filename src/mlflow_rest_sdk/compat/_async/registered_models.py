"""The registered-model methods of MLflow's ``MlflowClient``: create, read, rename, update,
delete, search, tags and aliases."""

from __future__ import annotations

from typing import Any

from mlflow_rest_sdk.compat._arguments import key_values
from mlflow_rest_sdk.compat._async.base import AsyncCompatBase
from mlflow_rest_sdk.compat._errors import mlflow_errors
from mlflow_rest_sdk.compat._from_models import model_version_from_rest, registered_model_from_rest
from mlflow_rest_sdk.compat._from_rest import required
from mlflow_rest_sdk.compat.entities.model_registry import ModelVersion, RegisteredModel
from mlflow_rest_sdk.compat.entities.paged_list import PagedList

__all__ = ["AsyncRegisteredModelsMixin"]

#: MLflow's page size for registered-model searches.
SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT = 100


class AsyncRegisteredModelsMixin(AsyncCompatBase):
    """Registered models as MLflow's client handles them: tags as dicts, entities returned."""

    async def create_registered_model(
        self,
        name: str,
        tags: dict[str, Any] | None = None,
        description: str | None = None,
        deployment_job_id: str | None = None,
    ) -> RegisteredModel:
        with mlflow_errors():
            created = await self._rest.create_registered_model(
                name=name,
                tags=key_values(tags) or None,
                description=description,
                deployment_job_id=deployment_job_id,
            )
        return registered_model_from_rest(required(created.registered_model, "registered model"))

    async def get_registered_model(self, name: str) -> RegisteredModel:
        with mlflow_errors():
            response = await self._rest.get_registered_model(name=name)
        return registered_model_from_rest(required(response.registered_model, "registered model"))

    async def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename a registered model; returns it renamed, as MLflow documents (MLflow 3.17.2's
        client returns None instead)."""
        with mlflow_errors():
            response = await self._rest.rename_registered_model(name=name, new_name=new_name)
        return registered_model_from_rest(required(response.registered_model, "registered model"))

    async def update_registered_model(
        self, name: str, description: str | None = None, deployment_job_id: str | None = None
    ) -> RegisteredModel:
        with mlflow_errors():
            response = await self._rest.update_registered_model(
                name=name, description=description, deployment_job_id=deployment_job_id
            )
        return registered_model_from_rest(required(response.registered_model, "registered model"))

    async def delete_registered_model(self, name: str) -> None:
        with mlflow_errors():
            await self._rest.delete_registered_model(name=name)

    async def search_registered_models(
        self,
        filter_string: str | None = None,
        max_results: int = SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[RegisteredModel]:
        """One page of registered models; ``.token`` of the result fetches the next (``""`` on
        the last page, as MLflow's registry client gives it)."""
        with mlflow_errors():
            page = await self._rest.search_registered_models(
                filter=filter_string or None,
                max_results=max_results,
                order_by=order_by,
                page_token=page_token,
            )
        return PagedList(
            [registered_model_from_rest(model) for model in page.registered_models],
            page.next_page_token or "",
        )

    async def get_latest_versions(
        self, name: str, stages: list[str] | None = None
    ) -> list[ModelVersion]:
        """The latest version in each stage (all stages when None). Stages are deprecated in
        MLflow in favour of aliases."""
        with mlflow_errors():
            response = await self._rest.get_latest_versions(name=name, stages=stages)
        return [model_version_from_rest(version) for version in response.model_versions]

    async def set_registered_model_tag(self, name: str, key: str, value: Any) -> None:
        """Set a tag on a registered model; the value is sent as a string."""
        with mlflow_errors():
            await self._rest.set_registered_model_tag(name=name, key=key, value=str(value))

    async def delete_registered_model_tag(self, name: str, key: str) -> None:
        with mlflow_errors():
            await self._rest.delete_registered_model_tag(name=name, key=key)

    async def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        """Point ``alias`` at ``version`` (moving it from any other version)."""
        with mlflow_errors():
            await self._rest.set_registered_model_alias(
                name=name, alias=alias, version=str(version)
            )

    async def delete_registered_model_alias(self, name: str, alias: str) -> None:
        with mlflow_errors():
            await self._rest.delete_registered_model_alias(name=name, alias=alias)

    async def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        with mlflow_errors():
            response = await self._rest.get_model_version_by_alias(name=name, alias=alias)
        return model_version_from_rest(required(response.model_version, "model version"))
