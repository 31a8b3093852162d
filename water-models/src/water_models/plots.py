"""The validation plot logged with each run: predicted against actual over the validation window."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    from water_models.training import TrainingResult


def validation_plot_png(result: TrainingResult) -> bytes:
    """A PNG with the two series over time, and a scatter of predicted against actual."""
    # A bare Figure, not pyplot: no global backend or figure registry in a library.
    figure = Figure(figsize=(11, 3.8))
    series, scatter = figure.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    times = result.validation_times.tz_convert(None)
    series.plot(times, result.validation_actual, label="actual", linewidth=1.0)
    series.plot(times, result.validation_predicted, label="predicted", linewidth=1.0)
    series.set_title(
        f"station {result.station_id} · {result.model_type} · "
        f"{result.task.target} +{result.task.horizon_hours} h"
    )
    series.set_ylabel(result.task.target)
    series.legend(loc="best")
    series.tick_params(axis="x", labelrotation=30)
    low = float(min(result.validation_actual.min(), result.validation_predicted.min()))
    high = float(max(result.validation_actual.max(), result.validation_predicted.max()))
    scatter.scatter(result.validation_actual, result.validation_predicted, s=4, alpha=0.5)
    scatter.plot([low, high], [low, high], color="grey", linewidth=0.8)
    scatter.set_xlabel("actual")
    scatter.set_ylabel("predicted")
    scatter.set_title(f"RMSE {result.rmse:.3f}, R² {result.metrics['r2']:.2f}")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()
