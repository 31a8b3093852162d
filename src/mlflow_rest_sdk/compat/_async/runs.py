"""The run methods of MLflow's ``MlflowClient``: create, read, update, end, delete, search."""

from __future__ import annotations

from typing import Any

from mlflow_rest_sdk.compat._arguments import (
    check_run_id,
    experiment_id_list,
    key_values,
    now_ms,
    run_status_name,
    view_type_name,
)
from mlflow_rest_sdk.compat._async.base import AsyncCompatBase
from mlflow_rest_sdk.compat._errors import mlflow_errors
from mlflow_rest_sdk.compat._from_rest import required, run_from_rest
from mlflow_rest_sdk.compat.entities.paged_list import PagedList
from mlflow_rest_sdk.compat.entities.run import Run
from mlflow_rest_sdk.compat.entities.view_type import ViewType

__all__ = ["AsyncRunsMixin"]

#: MLflow's page size for searches when none is given.
SEARCH_MAX_RESULTS_DEFAULT = 1000
#: The tags MLflow's client reads a new run's user from, and a child run's parent from.
MLFLOW_USER = "mlflow.user"
MLFLOW_PARENT_RUN_ID = "mlflow.parentRunId"


class AsyncRunsMixin(AsyncCompatBase):
    """Runs as MLflow's client handles them: start times filled in, statuses by name."""

    async def create_run(
        self,
        experiment_id: str,
        start_time: int | None = None,
        tags: dict[str, Any] | None = None,
        run_name: str | None = None,
    ) -> Run:
        """Start a run; ``start_time`` defaults to now (the SDK's ``create_run`` would send
        none, and the run would start in 1970), the user is the ``mlflow.user`` tag or
        ``"unknown"``, as MLflow's client sets them. Not the fluent ``start_run``: nothing
        becomes the active run."""
        tags = tags or {}
        with mlflow_errors():
            created = await self._rest.create_run(
                experiment_id=str(experiment_id),
                user_id=str(tags.get(MLFLOW_USER, "unknown")),
                start_time=start_time or now_ms(),
                tags=key_values(tags) or None,
                run_name=run_name,
            )
        return run_from_rest(required(created.run, "run"))

    async def get_run(self, run_id: str) -> Run:
        """The run with its latest metric values, params, tags, inputs and outputs."""
        check_run_id(run_id)
        with mlflow_errors():
            response = await self._rest.get_run(run_id=run_id)
        return run_from_rest(required(response.run, "run"))

    async def get_parent_run(self, run_id: str) -> Run | None:
        """The run whose child this run is (its ``mlflow.parentRunId`` tag), or None."""
        child = await self.get_run(run_id)
        parent_run_id = child.data.tags.get(MLFLOW_PARENT_RUN_ID)
        return None if parent_run_id is None else await self.get_run(parent_run_id)

    async def update_run(
        self, run_id: str, status: str | None = None, name: str | None = None
    ) -> None:
        """Set a run's status and/or name, leaving what is not given as it is.

        As MLflow's client does, the run is read first and its current status and end time
        are sent back with the change: servers before 3.x reset a status left out of the
        request.
        """
        if status is None and name is None:
            return
        new_status = run_status_name(status) if status is not None else None
        with mlflow_errors():
            current = required((await self._rest.get_run(run_id=run_id)).run, "run")
            info = required(current.info, "run info")
            await self._rest.update_run(
                run_id=run_id,
                status=new_status or info.status,
                end_time=info.end_time or None,
                run_name=name,
            )

    async def set_terminated(
        self, run_id: str, status: str | None = None, end_time: int | None = None
    ) -> None:
        """End a run: ``status`` defaults to ``"FINISHED"``, ``end_time`` to now."""
        with mlflow_errors():
            await self._rest.update_run(
                run_id=run_id,
                status=run_status_name(status or "FINISHED"),
                end_time=end_time or now_ms(),
            )

    async def delete_run(self, run_id: str) -> None:
        with mlflow_errors():
            await self._rest.delete_run(run_id=run_id)

    async def restore_run(self, run_id: str) -> None:
        with mlflow_errors():
            await self._rest.restore_run(run_id=run_id)

    async def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: int = ViewType.ACTIVE_ONLY,
        max_results: int = SEARCH_MAX_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> PagedList[Run]:
        """One page of runs of the given experiments (one id or a list); ``.token`` of the
        result fetches the next page (None at the end)."""
        view = view_type_name(run_view_type)
        with mlflow_errors():
            page = await self._rest.search_runs(
                experiment_ids=experiment_id_list(experiment_ids),
                filter=filter_string or None,
                run_view_type=view,
                max_results=max_results,
                order_by=order_by,
                page_token=page_token,
            )
        return PagedList([run_from_rest(run) for run in page.runs], page.next_page_token or None)
