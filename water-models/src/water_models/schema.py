"""The station data schema: column names, units and the physically possible range of each reading.

One table of timestamped readings per station. The ranges are what a working sensor can report
at all, not what is typical: a value outside them is a unit mix-up or a broken file, never data.
"""

from __future__ import annotations

from dataclasses import dataclass

TIMESTAMP = "timestamp"


@dataclass(frozen=True, slots=True)
class Reading:
    """One measured quantity: its column name, unit and the range a sensor can physically report."""

    column: str
    unit: str
    minimum: float
    maximum: float
    description: str


PH = Reading("ph", "pH units", 0.0, 14.0, "acidity")
DISSOLVED_OXYGEN = Reading("dissolved_oxygen_mg_l", "mg/L", 0.0, 25.0, "dissolved oxygen")
TEMPERATURE = Reading("temperature_c", "°C", -5.0, 45.0, "water temperature")
TURBIDITY = Reading("turbidity_ntu", "NTU", 0.0, 4000.0, "turbidity")
CONDUCTIVITY = Reading("conductivity_us_cm", "µS/cm", 0.0, 100_000.0, "specific conductivity")

READINGS: tuple[Reading, ...] = (PH, DISSOLVED_OXYGEN, TEMPERATURE, TURBIDITY, CONDUCTIVITY)
READING_COLUMNS: tuple[str, ...] = tuple(r.column for r in READINGS)
REQUIRED_COLUMNS: tuple[str, ...] = (TIMESTAMP, *READING_COLUMNS)
READINGS_BY_COLUMN: dict[str, Reading] = {r.column: r for r in READINGS}


class StationDataError(ValueError):
    """Station data that cannot be used; the message names the station, column and rows."""

    def __init__(
        self,
        station_id: str,
        problem: str,
        *,
        column: str | None = None,
        rows: tuple[int, ...] = (),
        source: str | None = None,
    ) -> None:
        self.station_id = station_id
        self.column = column
        self.rows = rows
        self.source = source
        where = f" ({source})" if source else ""
        col = f": column {column!r}" if column else ""
        shown = ""
        if rows:
            listed = ", ".join(str(r) for r in rows[:10])
            more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
            shown = f" at rows {listed}{more}"
        super().__init__(f"station {station_id}{where}{col}: {problem}{shown}")
