"""What a run produced: ``LoggedModelOutput`` and ``RunOutputs``."""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities._base import Entity, HashableEntity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

__all__ = ["LoggedModelOutput", "RunOutputs"]


class LoggedModelOutput(HashableEntity):
    """A logged model a run produced, and the step it was produced at."""

    def __init__(self, model_id: str, step: int) -> None:
        self._model_id = model_id
        self._step = step

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def step(self) -> int:
        return self._step

    def to_dictionary(self) -> dict[str, str | int]:
        return {"model_id": self.model_id, "step": self.step}


class RunOutputs(Entity):
    """Every logged model a run produced."""

    def __init__(self, model_outputs: Iterable[LoggedModelOutput]) -> None:
        self._model_outputs = list(model_outputs)

    @property
    def model_outputs(self) -> list[LoggedModelOutput]:
        return self._model_outputs

    def to_dictionary(self) -> dict[str, Any]:
        return {"model_outputs": [output.to_dictionary() for output in self.model_outputs]}
