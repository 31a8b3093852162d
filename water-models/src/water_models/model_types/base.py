"""What every model type provides: fit, predict, and a byte format that loads without pickle."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, Self

if TYPE_CHECKING:
    import pandas as pd

    from water_models.features import FeatureTable
    from water_models.metrics import FloatArray

ParamValue = str | int | float | bool


class StationModel(ABC):
    """One trained forecasting model. Subclasses set the class attributes and the five methods.

    ``format_version`` goes up when saved files of the type change incompatibly: the registry
    then bumps the major version. ``uses_pickle`` marks types whose files are pickles (joblib):
    those are never loaded from a download unless the caller allows it explicitly.
    """

    type_name: ClassVar[str]
    format_version: ClassVar[int]
    file_name: ClassVar[str]
    uses_pickle: ClassVar[bool] = False

    def __init__(self, feature_names: list[str]) -> None:
        self.feature_names = list(feature_names)

    @classmethod
    @abstractmethod
    def fit(
        cls,
        train: FeatureTable,
        validation: FeatureTable,
        params: Mapping[str, ParamValue] | None = None,
    ) -> Self:
        """Train on ``train``; ``validation`` may be used for early stopping, never for fitting."""

    @abstractmethod
    def predict_array(self, features: FloatArray) -> FloatArray:
        """Predictions for a matrix whose columns are :attr:`feature_names`, in that order."""

    @abstractmethod
    def to_bytes(self) -> bytes:
        """The model file's content."""

    @classmethod
    @abstractmethod
    def from_bytes(cls, content: bytes) -> Self:
        """Rebuild a model from :meth:`to_bytes` output; raise ``ValueError`` if it is not one."""

    @abstractmethod
    def params(self) -> dict[str, ParamValue]:
        """Hyper-parameters, as logged to MLflow."""

    def predict(self, features: pd.DataFrame) -> FloatArray:
        """Predictions for a feature table; its columns must include :attr:`feature_names`."""
        import numpy as np

        missing = [name for name in self.feature_names if name not in features.columns]
        if missing:
            raise ValueError(
                f"{self.type_name} model: the input lacks feature(s) {', '.join(missing[:5])}"
                + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            )
        matrix = features[self.feature_names].to_numpy(dtype=np.float64)
        return self.predict_array(matrix)
