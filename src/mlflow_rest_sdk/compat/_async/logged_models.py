"""The logged-model methods of MLflow's ``MlflowClient`` (MLflow 3): create, finalize, read,
search, delete, tags, params and artifacts."""

from __future__ import annotations

from typing import Any

from mlflow_rest_sdk.compat._arguments import key_values
from mlflow_rest_sdk.compat._async.base import AsyncCompatBase
from mlflow_rest_sdk.compat._errors import mlflow_errors
from mlflow_rest_sdk.compat._from_models import LOGGED_MODEL_STATUS_TO_REST, logged_model_from_rest
from mlflow_rest_sdk.compat._from_rest import file_info_from_rest, required
from mlflow_rest_sdk.compat.entities.file_info import FileInfo
from mlflow_rest_sdk.compat.entities.logged_model import LoggedModel, LoggedModelStatus
from mlflow_rest_sdk.compat.entities.paged_list import PagedList
from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = ["AsyncLoggedModelsMixin"]

#: Params per request, as MLflow's client batches them (the server's limit per request).
PARAMS_BATCH_SIZE = 100


def _check_model_id(model_id: str) -> None:
    if not model_id:
        raise MlflowException.invalid_parameter_value("`model_id` must be a non-empty string")


def _status_to_rest(status: str | LoggedModelStatus) -> str:
    try:
        return LOGGED_MODEL_STATUS_TO_REST[LoggedModelStatus(str(status)).value]
    except ValueError:
        raise MlflowException.invalid_parameter_value(
            f"Invalid logged model status {status!r}: use 'READY' or 'FAILED'"
        ) from None


def _order_by_to_rest(order_by: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if not order_by:
        return None
    return [{"ascending": True, **clause} for clause in order_by]


class AsyncLoggedModelsMixin(AsyncCompatBase):
    """Logged models as MLflow's client handles them: tags and params as dicts."""

    async def create_logged_model(
        self,
        experiment_id: str,
        name: str | None = None,
        source_run_id: str | None = None,
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        model_type: str | None = None,
    ) -> LoggedModel:
        """Create a logged model (status PENDING until :meth:`finalize_logged_model`); params
        beyond the first 100 are sent in further requests, as MLflow's client does."""
        pairs = key_values(params)
        with mlflow_errors():
            created = await self._rest.create_logged_model(
                experiment_id=str(experiment_id),
                name=name,
                source_run_id=source_run_id,
                tags=key_values(tags) or None,
                params=pairs[:PARAMS_BATCH_SIZE] or None,
                model_type=model_type,
            )
        model = logged_model_from_rest(required(created.model, "logged model"))
        if len(pairs) > PARAMS_BATCH_SIZE:
            await self._log_model_param_pairs(model.model_id, pairs[PARAMS_BATCH_SIZE:])
            model = await self.get_logged_model(model.model_id)
        return model

    async def get_logged_model(self, model_id: str) -> LoggedModel:
        with mlflow_errors():
            response = await self._rest.get_logged_model(model_id=model_id)
        return logged_model_from_rest(required(response.model, "logged model"))

    async def finalize_logged_model(
        self, model_id: str, status: str | LoggedModelStatus
    ) -> LoggedModel:
        """Mark a logged model ``"READY"`` (its files are uploaded) or ``"FAILED"``."""
        _check_model_id(model_id)
        with mlflow_errors():
            response = await self._rest.finalize_logged_model(
                model_id=model_id, status=_status_to_rest(status)
            )
        return logged_model_from_rest(required(response.model, "logged model"))

    async def delete_logged_model(self, model_id: str) -> None:
        with mlflow_errors():
            await self._rest.delete_logged_model(model_id=model_id)

    async def search_logged_models(
        self,
        experiment_ids: list[str],
        filter_string: str | None = None,
        datasets: list[dict[str, Any]] | None = None,
        max_results: int | None = None,
        order_by: list[dict[str, Any]] | None = None,
        page_token: str | None = None,
    ) -> PagedList[LoggedModel]:
        """One page of logged models; ``order_by`` items are ``{"field_name", "ascending"}``
        dicts and ``datasets`` ``{"dataset_name", "dataset_digest"}``, as in MLflow."""
        if not isinstance(experiment_ids, list) or not all(
            isinstance(experiment_id, str) for experiment_id in experiment_ids
        ):
            raise MlflowException.invalid_parameter_value(
                f"experiment_ids must be a list of strings, got {type(experiment_ids)}"
            )
        with mlflow_errors():
            page = await self._rest.search_logged_models(
                experiment_ids=experiment_ids,
                filter=filter_string,
                datasets=datasets or None,
                max_results=max_results,
                order_by=_order_by_to_rest(order_by),
                page_token=page_token,
            )
        return PagedList(
            [logged_model_from_rest(model) for model in page.models],
            page.next_page_token or None,
        )

    async def set_logged_model_tags(self, model_id: str, tags: dict[str, Any]) -> None:
        """Set tags on a logged model; values are sent as strings."""
        with mlflow_errors():
            await self._rest.set_logged_model_tags(model_id=model_id, tags=key_values(tags))

    async def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        with mlflow_errors():
            await self._rest.delete_logged_model_tag(model_id=model_id, tag_key=key)

    async def log_model_params(self, model_id: str, params: dict[str, str]) -> None:
        """Add params to a logged model (100 per request); the model must exist, as MLflow
        checks first."""
        _check_model_id(model_id)
        try:
            await self.get_logged_model(model_id)
        except MlflowException as error:
            raise MlflowException.invalid_parameter_value(
                f"Failed to get logged model with ID {model_id}. The logged model may have been "
                "deleted, or you may not have access to it."
            ) from error
        await self._log_model_param_pairs(model_id, key_values(params))

    async def _log_model_param_pairs(self, model_id: str, pairs: list[dict[str, str]]) -> None:
        with mlflow_errors():
            for start in range(0, len(pairs), PARAMS_BATCH_SIZE):
                await self._rest.log_logged_model_params(
                    model_id=model_id, params=pairs[start : start + PARAMS_BATCH_SIZE]
                )

    async def list_logged_model_artifacts(
        self, model_id: str, path: str | None = None
    ) -> list[FileInfo]:
        """The files and folders directly under ``path`` of a logged model's artifacts."""
        with mlflow_errors():
            files = [
                file_info_from_rest(file)
                async for file in self._rest.list_logged_model_artifacts_iter(
                    model_id=model_id, artifact_directory_path=path
                )
            ]
        return sorted(files, key=lambda file: file.path)

    async def log_model_artifact(
        self, model_id: str, local_path: str, artifact_path: str | None = None
    ) -> None:
        """Upload one file into a logged model's artifacts."""
        with mlflow_errors():
            await self._rest.log_model_artifact(model_id, local_path, artifact_path)

    async def log_model_artifacts(
        self, model_id: str, local_dir: str, artifact_path: str | None = None
    ) -> None:
        """Upload a folder into a logged model's artifacts, keeping the tree."""
        with mlflow_errors():
            await self._rest.log_model_artifacts(model_id, local_dir, artifact_path)
