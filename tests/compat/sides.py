"""The two sides of a differential test: MLflow's client (the oracle) and the compat client."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from .normalize import Recorder

#: The two sides of every differential test, in the order they run.
SIDES = ("mlflow", "compat")


@dataclass
class Side:
    """One client of a differential test, with the entity classes of its own library."""

    label: str
    client: Any  # mlflow.MlflowClient or mlflow_rest_sdk.compat.MlflowClient: the same calls
    entities: ModuleType
    prefix: str
    recorder: Recorder = field(default_factory=Recorder)
    #: The experiment the scenario made, for reading back what the server holds.
    experiment_id: str = ""

    def name(self, what: str) -> str:
        """A name for this side only (experiment names are unique on the server)."""
        return f"{self.prefix}-{what}-{self.label}"

    def new_experiment(self, what: str = "exp") -> str:
        """A fresh experiment of this side (not a recorded call), with placeholders declared."""
        name = self.recorder.alias(self.name(what), f"{what}-name")
        self.experiment_id = self.recorder.alias(self.client.create_experiment(name), what)
        return self.experiment_id


def run_both(sides: dict[str, Side], scenario: Callable[[Side], None]) -> None:
    """Run ``scenario`` on each side, MLflow's first."""
    for label in SIDES:
        scenario(sides[label])


def assert_same_results(sides: dict[str, Side]) -> None:
    """Each call returned the same thing on both sides, once normalized; on a difference the
    assertion names the first call that differs."""
    expected = sides["mlflow"].recorder.normalized()
    actual = sides["compat"].recorder.normalized()
    assert [label for label, _ in actual] == [label for label, _ in expected]
    for (label, want), (_, got) in zip(expected, actual, strict=True):
        assert got == want, f"{label}: compat returned {got!r}, MLflow {want!r}"
