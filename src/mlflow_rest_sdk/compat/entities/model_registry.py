"""Model registry entities, as ``mlflow.entities.model_registry``: ``RegisteredModel``,
``ModelVersion``, their tags and ``RegisteredModelAlias``.

As in MLflow, ``RegisteredModel.tags`` is ``{key: value}``, ``RegisteredModel.aliases`` is
``{alias: version}`` and ``ModelVersion.aliases`` a list of alias names, while the constructors
take tags and aliases as objects, the way the server sends them.
"""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities._base import Entity, HashableEntity
from mlflow_rest_sdk.compat.entities.experiment import DEFAULT_WORKSPACE_NAME
from mlflow_rest_sdk.compat.entities.key_value import KeyValue

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from mlflow_rest_sdk.compat.entities.logged_model import LoggedModelParameter
    from mlflow_rest_sdk.compat.entities.metric import Metric

__all__ = [
    "ModelVersion",
    "ModelVersionStatus",
    "ModelVersionTag",
    "RegisteredModel",
    "RegisteredModelAlias",
    "RegisteredModelTag",
]


class RegisteredModelTag(KeyValue):
    """A tag on a registered model."""


class ModelVersionTag(KeyValue):
    """A tag on a model version."""


class RegisteredModelAlias(HashableEntity):
    """An alias (``"champion"``) pointing at one version of a registered model."""

    def __init__(self, alias: str, version: str) -> None:
        self._alias = alias
        self._version = version

    @property
    def alias(self) -> str:
        return self._alias

    @property
    def version(self) -> str:
        return self._version


class ModelVersionStatus:
    """The states of a model version's creation, by name (as MLflow's entities carry them)."""

    PENDING_REGISTRATION = "PENDING_REGISTRATION"
    FAILED_REGISTRATION = "FAILED_REGISTRATION"
    READY = "READY"


class ModelVersion(Entity):
    """One version of a registered model:
    ``ModelVersion(name, version, creation_timestamp, last_updated_timestamp, description, ...)``.

    ``tags`` reads as ``{key: value}``; ``aliases`` as the list of alias names on this version.
    """

    def __init__(
        self,
        name: str,
        version: str,
        creation_timestamp: int,
        last_updated_timestamp: int | None = None,
        description: str | None = None,
        user_id: str | None = None,
        current_stage: str | None = None,
        source: str | None = None,
        run_id: str | None = None,
        status: str = ModelVersionStatus.READY,
        status_message: str | None = None,
        tags: Iterable[ModelVersionTag] | None = None,
        run_link: str | None = None,
        aliases: Iterable[str] | None = None,
        model_id: str | None = None,
        params: list[LoggedModelParameter] | None = None,
        metrics: list[Metric] | None = None,
        deployment_job_state: object | None = None,
        workspace: str | None = None,
    ) -> None:
        self._name = name
        self._version = version
        self._creation_timestamp = creation_timestamp
        self._last_updated_timestamp = last_updated_timestamp
        self._description = description
        self._user_id = user_id
        self._current_stage = current_stage
        self._source = source
        self._run_id = run_id
        self._status = status
        self._status_message = status_message
        self._tags = {tag.key: tag.value for tag in tags or ()}
        self._run_link = run_link
        self._aliases = list(aliases or ())
        self._model_id = model_id
        self._params = params
        self._metrics = metrics
        self._deployment_job_state = deployment_job_state
        self._workspace = workspace or DEFAULT_WORKSPACE_NAME

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> str:
        return self._version

    @property
    def creation_timestamp(self) -> int:
        return self._creation_timestamp

    @property
    def last_updated_timestamp(self) -> int | None:
        return self._last_updated_timestamp

    @property
    def description(self) -> str | None:
        return self._description

    @property
    def user_id(self) -> str | None:
        return self._user_id

    @property
    def current_stage(self) -> str | None:
        """The deprecated stage (``"None"``, ``"Staging"``...); aliases replace stages."""
        return self._current_stage

    @property
    def source(self) -> str | None:
        return self._source

    @property
    def run_id(self) -> str | None:
        return self._run_id

    @property
    def status(self) -> str:
        return self._status

    @property
    def status_message(self) -> str | None:
        return self._status_message

    @property
    def tags(self) -> dict[str, str]:
        return self._tags

    @property
    def run_link(self) -> str | None:
        return self._run_link

    @property
    def aliases(self) -> list[str]:
        return self._aliases

    @property
    def model_id(self) -> str | None:
        return self._model_id

    @property
    def params(self) -> list[LoggedModelParameter] | None:
        return self._params

    @property
    def metrics(self) -> list[Metric] | None:
        return self._metrics

    @property
    def deployment_job_state(self) -> object | None:
        return self._deployment_job_state

    @property
    def workspace(self) -> str:
        return self._workspace


class RegisteredModel(Entity):
    """A registered model:
    ``RegisteredModel(name, creation_timestamp, last_updated_timestamp, description, ...)``."""

    def __init__(
        self,
        name: str,
        creation_timestamp: int | None = None,
        last_updated_timestamp: int | None = None,
        description: str | None = None,
        latest_versions: list[ModelVersion] | None = None,
        tags: Iterable[RegisteredModelTag] | None = None,
        aliases: Iterable[RegisteredModelAlias] | None = None,
        deployment_job_id: str | None = None,
        deployment_job_state: str | None = None,
        workspace: str | None = None,
    ) -> None:
        self._name = name
        self._creation_timestamp = creation_timestamp
        self._last_updated_timestamp = last_updated_timestamp
        self._description = description
        self._latest_versions = latest_versions
        self._tags = {tag.key: tag.value for tag in tags or ()}
        self._aliases = {alias.alias: alias.version for alias in aliases or ()}
        self._deployment_job_id = deployment_job_id
        self._deployment_job_state = deployment_job_state
        self._workspace = workspace or DEFAULT_WORKSPACE_NAME

    @property
    def name(self) -> str:
        return self._name

    @property
    def creation_timestamp(self) -> int | None:
        return self._creation_timestamp

    @property
    def last_updated_timestamp(self) -> int | None:
        return self._last_updated_timestamp

    @property
    def description(self) -> str | None:
        return self._description

    @property
    def latest_versions(self) -> list[ModelVersion] | None:
        """The latest version per stage (stages are deprecated; MLflow still fills this)."""
        return self._latest_versions

    @property
    def tags(self) -> dict[str, str]:
        return self._tags

    @property
    def aliases(self) -> dict[str, str]:
        return self._aliases

    @property
    def deployment_job_id(self) -> str | None:
        return self._deployment_job_id

    @property
    def deployment_job_state(self) -> str | None:
        return self._deployment_job_state

    @property
    def workspace(self) -> str:
        return self._workspace
