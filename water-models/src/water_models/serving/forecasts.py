"""A station's forecasts from the champion in service, with the version that made them."""

from __future__ import annotations

import math

from water_models.fleet_state import ServedModel
from water_models.schema import TIMESTAMP
from water_models.serving.inputs import StationInput
from water_models.serving.schemas import Forecast, StationForecasts


def forecast(entry: ServedModel, station: StationInput) -> StationForecasts:
    """One forecast per hour of the readings; ``value`` is None where the model gave NaN.

    The model object is read once from ``entry``: a refresh that swaps the champion meanwhile
    does not mix two versions into one answer, and the answer names the one used.
    """
    loaded = entry.loaded
    table = loaded.forecast(station.frame)
    target = loaded.metadata.target
    column = f"predicted_{target}"
    forecasts = [
        Forecast(
            timestamp=made.isoformat(),
            forecast_for=made_for.isoformat(),
            target=target,
            value=None if math.isnan(value) else float(value),
        )
        for made, made_for, value in zip(
            table[TIMESTAMP], table["forecast_for"], table[column], strict=True
        )
    ]
    return StationForecasts(
        station_id=station.station_id,
        model_type=station.model_type,
        registered_model=loaded.registered_model,
        model_version=loaded.registry_version,
        version_label=loaded.version_label,
        alias=loaded.alias,
        source=entry.source,
        forecasts=forecasts,
    )
