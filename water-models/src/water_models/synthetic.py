"""A seeded generator of plausible station readings, for the demo and the tests.

The physics is simple but real enough that a model has something to learn: water temperature
follows a seasonal and a daily cycle; oxygen solubility falls with temperature (Benson-Krause
fit), while photosynthesis pushes oxygen above saturation in the afternoon and respiration
below it at night; pH follows photosynthesis; rain events raise turbidity and dilute
conductivity, then decay. Sensors drop out for a few hours at times, and report rare spikes.
The same station id and seed always give the same series.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from water_models.schema import (
    CONDUCTIVITY,
    DISSOLVED_OXYGEN,
    PH,
    READING_COLUMNS,
    TEMPERATURE,
    TIMESTAMP,
    TURBIDITY,
)

DEFAULT_START = pd.Timestamp("2025-04-01T00:00:00Z")


@dataclass(frozen=True, slots=True)
class SyntheticConfig:
    """How much data to make and how messy it is."""

    days: int = 90
    freq_minutes: int = 60
    start: pd.Timestamp = DEFAULT_START
    rain_events_per_30_days: float = 3.0
    gap_probability: float = 0.004  # chance per reading that a sensor gap starts there
    spike_probability: float = 0.002


def station_seed(station_id: str, seed: int = 0) -> int:
    """A stable per-station seed (Python's ``hash`` changes between runs; sha256 does not)."""
    digest = hashlib.sha256(f"{seed}:{station_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def oxygen_saturation_mg_l(temperature_c: np.ndarray) -> np.ndarray:
    """Dissolved oxygen at saturation in fresh water at sea level (Benson and Krause fit)."""
    t = temperature_c
    result: np.ndarray = 14.652 - 0.41022 * t + 0.007991 * t**2 - 0.000077774 * t**3
    return result


def generate_station_data(
    station_id: str, *, seed: int = 0, config: SyntheticConfig | None = None
) -> pd.DataFrame:
    """Readings for one station in the schema of :mod:`water_models.schema`."""
    cfg = config or SyntheticConfig()
    rng = np.random.default_rng(station_seed(station_id, seed))
    n = int(cfg.days * 24 * 60 / cfg.freq_minutes)
    times = pd.date_range(cfg.start, periods=n, freq=pd.Timedelta(minutes=cfg.freq_minutes))
    hours = np.arange(n) * cfg.freq_minutes / 60.0
    day_phase = 2 * np.pi * (hours % 24) / 24
    year_phase = 2 * np.pi * (times.day_of_year.to_numpy() - 200) / 365.25

    # Each station has its own climate and chemistry.
    base_temp = rng.uniform(9.0, 17.0)
    daily_temp_amp = rng.uniform(1.0, 3.0)
    base_conductivity = rng.uniform(250.0, 900.0)
    productivity = rng.uniform(0.05, 0.2)

    # Temperature: season + day (warmest mid-afternoon) + slow weather drift.
    drift = np.cumsum(rng.normal(0, 0.05, n))
    drift -= np.linspace(drift[0], drift[-1], n)  # no long-run trend
    temperature = (
        base_temp
        + 6.0 * np.cos(year_phase)
        + daily_temp_amp * np.sin(day_phase - np.pi / 2 - 0.5)
        + drift
    )
    temperature = np.clip(temperature, 0.0, 35.0)

    # Rain: events decay over about a day; they cloud the water and dilute it.
    rain = np.zeros(n)
    expected_events = cfg.rain_events_per_30_days * cfg.days / 30.0
    for start in rng.choice(n, size=rng.poisson(expected_events), replace=False):
        strength = rng.uniform(0.5, 1.5)
        tail = hours[start:] - hours[start]
        rain[start:] += strength * np.exp(-tail / rng.uniform(12.0, 36.0))

    # Photosynthesis follows daylight (zero at night), damped when rain clouds the water.
    light = np.clip(np.sin(day_phase - np.pi / 2), 0.0, None)
    photosynthesis = productivity * light / (1.0 + rain)
    saturation = oxygen_saturation_mg_l(temperature)
    oxygen = saturation * (0.92 + 1.2 * photosynthesis - 0.04 * rain) + rng.normal(0, 0.12, n)
    oxygen = np.clip(oxygen, 0.5, 20.0)

    ph = 7.4 + 3.0 * photosynthesis - 0.15 * rain + rng.normal(0, 0.03, n)
    turbidity = 3.0 + 120.0 * rain**1.3 + rng.gamma(2.0, 0.6, n)
    conductivity = base_conductivity * (1.0 - 0.35 * np.tanh(rain)) + rng.normal(0, 5.0, n)

    frame = pd.DataFrame(
        {
            TIMESTAMP: times,
            PH.column: np.clip(ph, 5.5, 9.5),
            DISSOLVED_OXYGEN.column: oxygen,
            TEMPERATURE.column: temperature + rng.normal(0, 0.05, n),
            TURBIDITY.column: np.clip(turbidity, 0.0, 3000.0),
            CONDUCTIVITY.column: np.clip(conductivity, 20.0, 5000.0),
        }
    )
    _add_spikes(frame, rng, cfg.spike_probability)
    _add_gaps(frame, rng, cfg.gap_probability)
    return frame


def _add_spikes(frame: pd.DataFrame, rng: np.random.Generator, probability: float) -> None:
    """Rare single-reading glitches, kept inside the physically possible range."""
    for column, factor in ((TURBIDITY.column, 4.0), (CONDUCTIVITY.column, 1.6)):
        hit = rng.random(len(frame)) < probability
        frame.loc[hit, column] = frame.loc[hit, column] * factor


def _add_gaps(frame: pd.DataFrame, rng: np.random.Generator, probability: float) -> None:
    """Sensor outages: a few hours of missing values for one reading at a time."""
    n = len(frame)
    for start in np.flatnonzero(rng.random(n) < probability):
        column = READING_COLUMNS[int(rng.integers(len(READING_COLUMNS)))]
        length = int(rng.integers(2, 12))
        frame.loc[start : start + length - 1, column] = np.nan
