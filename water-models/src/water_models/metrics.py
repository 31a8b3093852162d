"""Validation metrics in plain numpy: what promotion and the model card compare."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def regression_metrics(actual: FloatArray, predicted: FloatArray) -> dict[str, float]:
    """RMSE, MAE and R² of ``predicted`` against ``actual`` (same length, no NaN)."""
    if actual.shape != predicted.shape or actual.size == 0:
        raise ValueError(
            f"need two equally long, non-empty arrays, got {actual.shape} and {predicted.shape}"
        )
    error = predicted - actual
    rmse = float(np.sqrt(np.mean(error**2)))
    mae = float(np.mean(np.abs(error)))
    spread = float(np.sum((actual - actual.mean()) ** 2))
    r2 = 1.0 - float(np.sum(error**2)) / spread if spread > 0 else 0.0
    return {"rmse": rmse, "mae": mae, "r2": r2}
