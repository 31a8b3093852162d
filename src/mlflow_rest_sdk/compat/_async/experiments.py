"""The experiment methods of MLflow's ``MlflowClient``, with its names, arguments and returns."""

from __future__ import annotations

from typing import Any

from mlflow_rest_sdk.compat._arguments import check_artifact_location, key_values, view_type_name
from mlflow_rest_sdk.compat._async.base import AsyncCompatBase
from mlflow_rest_sdk.compat._errors import mlflow_errors
from mlflow_rest_sdk.compat._from_rest import experiment_from_rest, required
from mlflow_rest_sdk.compat.entities.experiment import Experiment
from mlflow_rest_sdk.compat.entities.paged_list import PagedList
from mlflow_rest_sdk.compat.entities.view_type import ViewType
from mlflow_rest_sdk.errors import ResourceDoesNotExist

__all__ = ["AsyncExperimentsMixin"]

#: MLflow's page size for searches when none is given.
SEARCH_MAX_RESULTS_DEFAULT = 1000


class AsyncExperimentsMixin(AsyncCompatBase):
    """Create, read, search, rename, delete and restore experiments, and their tags."""

    async def create_experiment(
        self,
        name: str,
        artifact_location: str | None = None,
        tags: dict[str, Any] | None = None,
    ) -> str:
        """Create an experiment and return its id; ``tags`` values are sent as strings."""
        check_artifact_location(artifact_location)
        with mlflow_errors():
            created = await self._rest.create_experiment(
                name=name, artifact_location=artifact_location, tags=key_values(tags) or None
            )
        return created.experiment_id or ""

    async def get_experiment(self, experiment_id: str) -> Experiment:
        with mlflow_errors():
            response = await self._rest.get_experiment(experiment_id=str(experiment_id))
        return experiment_from_rest(required(response.experiment, "experiment"))

    async def get_experiment_by_name(self, name: str) -> Experiment | None:
        """The experiment called ``name``, or None when there is none (as MLflow answers)."""
        with mlflow_errors():
            try:
                response = await self._rest.get_experiment_by_name(experiment_name=name)
            except ResourceDoesNotExist:
                return None
        return experiment_from_rest(required(response.experiment, "experiment"))

    async def search_experiments(
        self,
        view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int | None = SEARCH_MAX_RESULTS_DEFAULT,
        filter_string: str | None = None,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Experiment]:
        """One page of experiments; ``.token`` of the result fetches the next (None at the end)."""
        view = view_type_name(view_type)
        with mlflow_errors():
            page = await self._rest.search_experiments(
                view_type=view,
                max_results=max_results,
                filter=filter_string or None,
                order_by=order_by,
                page_token=page_token,
            )
        return PagedList(
            [experiment_from_rest(experiment) for experiment in page.experiments],
            page.next_page_token or None,
        )

    async def delete_experiment(self, experiment_id: str) -> None:
        with mlflow_errors():
            await self._rest.delete_experiment(experiment_id=str(experiment_id))

    async def restore_experiment(self, experiment_id: str) -> None:
        with mlflow_errors():
            await self._rest.restore_experiment(experiment_id=str(experiment_id))

    async def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        with mlflow_errors():
            await self._rest.update_experiment(experiment_id=str(experiment_id), new_name=new_name)

    async def set_experiment_tag(self, experiment_id: str, key: str, value: Any) -> None:
        """Set a tag on an experiment; the value is sent as a string."""
        with mlflow_errors():
            await self._rest.set_experiment_tag(
                experiment_id=str(experiment_id), key=key, value=str(value)
            )

    async def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        with mlflow_errors():
            await self._rest.delete_experiment_tag(experiment_id=str(experiment_id), key=key)
