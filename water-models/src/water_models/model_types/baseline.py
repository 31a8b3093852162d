"""``baseline``: ridge regression in numpy, saved as JSON. The bar every other type must beat.

numpy, and pydantic for the file schema, are imported by the methods that use them: registering
the type (which ``water-models --help`` does, to list the types) must not load them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Self

from water_models.model_types.base import ParamValue, StationModel
from water_models.model_types.registry import register_model_type

if TYPE_CHECKING:
    from water_models.features import FeatureTable
    from water_models.metrics import FloatArray

_FORMAT = "water_models.baseline"


@register_model_type
class BaselineModel(StationModel):
    """Standardized features, missing values replaced by the training mean, ridge penalty."""

    type_name = "baseline"
    format_version = 1
    file_name = "model.json"

    def __init__(
        self,
        feature_names: list[str],
        means: FloatArray,
        scales: FloatArray,
        coefficients: FloatArray,
        intercept: float,
        alpha: float,
    ) -> None:
        super().__init__(feature_names)
        self.means = means
        self.scales = scales
        self.coefficients = coefficients
        self.intercept = intercept
        self.alpha = alpha

    @classmethod
    def fit(
        cls,
        train: FeatureTable,
        validation: FeatureTable,
        params: Mapping[str, ParamValue] | None = None,
    ) -> Self:
        import numpy as np

        alpha = float((params or {}).get("alpha", 1.0))
        if alpha < 0:
            raise ValueError(f"baseline: alpha must be >= 0, got {alpha}")
        x = train.features.to_numpy(dtype=np.float64)
        y = train.target.to_numpy(dtype=np.float64)
        means: FloatArray = np.nanmean(x, axis=0)
        means = np.where(np.isnan(means), 0.0, means)
        scales = np.nanstd(x, axis=0)
        scales = np.where(np.isnan(scales) | (scales == 0), 1.0, scales)
        z = cls._standardize(x, means, scales)
        intercept = float(y.mean())
        gram = z.T @ z + alpha * np.eye(z.shape[1])
        coefficients = np.linalg.solve(gram, z.T @ (y - intercept)).astype(np.float64)
        return cls(list(train.features.columns), means, scales, coefficients, intercept, alpha)

    @staticmethod
    def _standardize(x: FloatArray, means: FloatArray, scales: FloatArray) -> FloatArray:
        import numpy as np

        filled = np.where(np.isnan(x), means, x)
        result: FloatArray = (filled - means) / scales
        return result

    def predict_array(self, features: FloatArray) -> FloatArray:
        z = self._standardize(features, self.means, self.scales)
        result: FloatArray = z @ self.coefficients + self.intercept
        return result

    def params(self) -> dict[str, ParamValue]:
        return {"alpha": self.alpha}

    def to_bytes(self) -> bytes:
        from water_models.model_types._baseline_file import BaselineFile

        document = BaselineFile(
            format=_FORMAT,
            format_version=self.format_version,
            feature_names=self.feature_names,
            means=self.means.tolist(),
            scales=self.scales.tolist(),
            coefficients=self.coefficients.tolist(),
            intercept=self.intercept,
            alpha=self.alpha,
        )
        return json.dumps(document.model_dump(), indent=1).encode()

    @classmethod
    def from_bytes(cls, content: bytes) -> Self:
        import numpy as np
        from pydantic import ValidationError

        from water_models.model_types._baseline_file import BaselineFile

        try:
            document = BaselineFile.model_validate_json(content)
        except ValidationError as error:
            raise ValueError(f"not a baseline model file: {error}") from None
        if document.format != _FORMAT or document.format_version != cls.format_version:
            raise ValueError(
                f"not a baseline model file of format version {cls.format_version}: "
                f"{document.format!r} version {document.format_version}"
            )
        n = len(document.feature_names)
        if not len(document.means) == len(document.scales) == len(document.coefficients) == n:
            raise ValueError("baseline model file: the arrays do not match the feature names")
        return cls(
            document.feature_names,
            np.asarray(document.means, dtype=np.float64),
            np.asarray(document.scales, dtype=np.float64),
            np.asarray(document.coefficients, dtype=np.float64),
            document.intercept,
            document.alpha,
        )
