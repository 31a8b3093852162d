"""``Experiment``, as ``mlflow.entities.Experiment``: tags read as a dict."""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities._base import Entity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from mlflow_rest_sdk.compat.entities.key_value import ExperimentTag

__all__ = ["DEFAULT_WORKSPACE_NAME", "Experiment"]

#: The workspace MLflow names when a server does not say (servers without workspaces).
DEFAULT_WORKSPACE_NAME = "default"


class Experiment(Entity):
    """An experiment: ``Experiment(experiment_id, name, artifact_location, lifecycle_stage)``.

    The constructor takes tags as ``ExperimentTag`` objects, the way the server sends them, and
    :attr:`tags` gives them as ``{key: value}``, the way MLflow code reads them
    (``experiment.tags["team"]``). Times are milliseconds since the epoch, None when unknown.
    """

    DEFAULT_EXPERIMENT_NAME = "Default"

    def __init__(
        self,
        experiment_id: str,
        name: str,
        artifact_location: str,
        lifecycle_stage: str,
        tags: Iterable[ExperimentTag] | None = None,
        creation_time: int | None = None,
        last_update_time: int | None = None,
        workspace: str | None = None,
        trace_location: object | None = None,
        effective_trace_archival_retention: str | None = None,
    ) -> None:
        self._experiment_id = experiment_id
        self._name = name
        self._artifact_location = artifact_location
        self._lifecycle_stage = lifecycle_stage
        self._tags = {tag.key: tag.value for tag in tags or ()}
        self._creation_time = creation_time
        self._last_update_time = last_update_time
        self._workspace = workspace or DEFAULT_WORKSPACE_NAME
        self._trace_location = trace_location
        self._effective_trace_archival_retention = effective_trace_archival_retention

    @property
    def experiment_id(self) -> str:
        return self._experiment_id

    @property
    def name(self) -> str:
        return self._name

    @property
    def artifact_location(self) -> str:
        return self._artifact_location

    @property
    def lifecycle_stage(self) -> str:
        """``"active"`` or ``"deleted"`` (:class:`LifecycleStage`)."""
        return self._lifecycle_stage

    @property
    def tags(self) -> dict[str, str]:
        return self._tags

    @property
    def creation_time(self) -> int | None:
        return self._creation_time

    @property
    def last_update_time(self) -> int | None:
        return self._last_update_time

    @property
    def workspace(self) -> str:
        return self._workspace

    @property
    def trace_location(self) -> object | None:
        """Where the experiment's traces are stored, when the server says (GenAI tracing; not
        read by this package, kept for MLflow's constructor order)."""
        return self._trace_location

    @property
    def effective_trace_archival_retention(self) -> str | None:
        return self._effective_trace_archival_retention
