"""``LifecycleStage``: ``"active"`` or ``"deleted"``, the stage of an experiment or run."""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities.view_type import ViewType
from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = ["LifecycleStage"]


class LifecycleStage:
    """The stage names as plain strings (what ``Experiment.lifecycle_stage`` holds), and how
    they match a :class:`ViewType`."""

    ACTIVE = "active"
    DELETED = "deleted"

    @classmethod
    def view_type_to_stages(cls, view_type: int = ViewType.ALL) -> list[str]:
        """The stages a search with ``view_type`` returns."""
        stages = []
        if view_type in (ViewType.ACTIVE_ONLY, ViewType.ALL):
            stages.append(cls.ACTIVE)
        if view_type in (ViewType.DELETED_ONLY, ViewType.ALL):
            stages.append(cls.DELETED)
        return stages

    @classmethod
    def is_valid(cls, lifecycle_stage: str) -> bool:
        return lifecycle_stage in (cls.ACTIVE, cls.DELETED)

    @classmethod
    def matches_view_type(cls, view_type: int, lifecycle_stage: str) -> bool:
        """Whether an entity in ``lifecycle_stage`` belongs in a search with ``view_type``."""
        if not cls.is_valid(lifecycle_stage):
            raise MlflowException(f"Invalid lifecycle stage '{lifecycle_stage}'")
        if view_type not in tuple(ViewType):
            raise MlflowException(f"Invalid view type '{view_type}'")
        return lifecycle_stage in cls.view_type_to_stages(view_type)
