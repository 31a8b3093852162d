"""The key/value entities: ``Param``, ``RunTag``, ``ExperimentTag`` and ``InputTag``.

Four classes of one shape, as in ``mlflow.entities``: MLflow code builds them by position
(``Param("lr", "0.1")``) and checks their type, so each keeps its own name.
"""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities._base import HashableEntity

__all__ = ["ExperimentTag", "InputTag", "KeyValue", "Param", "RunTag"]


class KeyValue(HashableEntity):
    """A string key and its string value."""

    def __init__(self, key: str, value: str) -> None:
        self._key = key
        self._value = value

    @property
    def key(self) -> str:
        return self._key

    @property
    def value(self) -> str:
        return self._value


class Param(KeyValue):
    """A run parameter. Equal when key and value are (MLflow's ``Param`` compares keys only)."""


class RunTag(KeyValue):
    """A tag on a run."""


class ExperimentTag(KeyValue):
    """A tag on an experiment."""


class InputTag(KeyValue):
    """A tag on a dataset input of a run (``mlflow.data.context`` and the like)."""
