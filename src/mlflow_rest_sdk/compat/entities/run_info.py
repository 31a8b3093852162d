"""``RunInfo``: a run's metadata, as ``mlflow.entities.RunInfo``."""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities._base import Entity

__all__ = ["RunInfo"]


class RunInfo(Entity):
    """What a run is, apart from what it logged.

    ``RunInfo(run_id, experiment_id, user_id, status, start_time, end_time, lifecycle_stage)``;
    ``status`` is a :class:`RunStatus` name (``"FINISHED"``), times are milliseconds since the
    epoch, and ``end_time`` is None while the run has not ended.
    """

    def __init__(
        self,
        run_id: str,
        experiment_id: str,
        user_id: str,
        status: str,
        start_time: int,
        end_time: int | None,
        lifecycle_stage: str,
        artifact_uri: str | None = None,
        run_name: str | None = None,
    ) -> None:
        self._run_id = run_id
        self._experiment_id = experiment_id
        self._user_id = user_id
        self._status = status
        self._start_time = start_time
        self._end_time = end_time
        self._lifecycle_stage = lifecycle_stage
        self._artifact_uri = artifact_uri
        self._run_name = run_name

    @property
    def run_id(self) -> str:
        return self._run_id

    @property
    def experiment_id(self) -> str:
        return self._experiment_id

    @property
    def user_id(self) -> str:
        return self._user_id

    @property
    def status(self) -> str:
        return self._status

    @property
    def start_time(self) -> int:
        return self._start_time

    @property
    def end_time(self) -> int | None:
        return self._end_time

    @property
    def lifecycle_stage(self) -> str:
        return self._lifecycle_stage

    @property
    def artifact_uri(self) -> str | None:
        return self._artifact_uri

    @property
    def run_name(self) -> str | None:
        return self._run_name
