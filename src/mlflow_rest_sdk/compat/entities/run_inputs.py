"""What a run consumed: ``Dataset``, ``DatasetInput``, ``LoggedModelInput`` and ``RunInputs``."""

from __future__ import annotations

from mlflow_rest_sdk.compat.entities._base import Entity, HashableEntity

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from mlflow_rest_sdk.compat.entities.key_value import InputTag

__all__ = ["Dataset", "DatasetInput", "LoggedModelInput", "RunInputs"]


class Dataset(HashableEntity):
    """A dataset as MLflow records it: ``Dataset(name, digest, source_type, source)``.

    ``source`` and ``schema`` are the JSON strings MLflow's dataset classes write; this
    client stores and returns them as given.
    """

    def __init__(
        self,
        name: str,
        digest: str,
        source_type: str,
        source: str,
        schema: str | None = None,
        profile: str | None = None,
    ) -> None:
        self._name = name
        self._digest = digest
        self._source_type = source_type
        self._source = source
        self._schema = schema
        self._profile = profile

    @property
    def name(self) -> str:
        return self._name

    @property
    def digest(self) -> str:
        return self._digest

    @property
    def source_type(self) -> str:
        return self._source_type

    @property
    def source(self) -> str:
        return self._source

    @property
    def schema(self) -> str | None:
        return self._schema

    @property
    def profile(self) -> str | None:
        return self._profile

    def to_dictionary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "digest": self.digest,
            "source_type": self.source_type,
            "source": self.source,
            "schema": self.schema,
            "profile": self.profile,
        }


class DatasetInput(Entity):
    """A dataset a run used, with tags such as ``mlflow.data.context`` (``"training"``)."""

    def __init__(self, dataset: Dataset, tags: Iterable[InputTag] | None = None) -> None:
        self._dataset = dataset
        self._tags = list(tags or ())

    @property
    def dataset(self) -> Dataset:
        return self._dataset

    @property
    def tags(self) -> list[InputTag]:
        return self._tags

    def to_dictionary(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset.to_dictionary(),
            "tags": {tag.key: tag.value for tag in self.tags},
        }


class LoggedModelInput(HashableEntity):
    """A logged model a run used, by id."""

    def __init__(self, model_id: str) -> None:
        self._model_id = model_id

    @property
    def model_id(self) -> str:
        return self._model_id


class RunInputs(Entity):
    """Every dataset and logged model a run used."""

    def __init__(
        self,
        dataset_inputs: Iterable[DatasetInput],
        model_inputs: Iterable[LoggedModelInput] | None = None,
    ) -> None:
        self._dataset_inputs = list(dataset_inputs)
        self._model_inputs = list(model_inputs or ())

    @property
    def dataset_inputs(self) -> list[DatasetInput]:
        return self._dataset_inputs

    @property
    def model_inputs(self) -> list[LoggedModelInput]:
        return self._model_inputs

    def to_dictionary(self) -> dict[str, Any]:
        return {
            "model_inputs": self.model_inputs,
            "dataset_inputs": [dataset.to_dictionary() for dataset in self.dataset_inputs],
        }
