"""``POST /predict`` bodies -> checked station data, or an error naming the field and station.

One station::

    {"station_id": "12", "model_type": "xgboost",
     "readings": [{"timestamp": "2024-05-01T00:00:00Z", "ph": 7.2, "dissolved_oxygen_mg_l": 8.1,
                   "temperature_c": 14.0, "turbidity_ntu": 3.5, "conductivity_us_cm": 410}, ...]}

or a batch: ``{"stations": [<one station>, ...]}``. Each reading has the columns of the station
data schema (:mod:`water_models.schema`); ``null`` is a sensor gap. The checks are the ones a
data file gets (:func:`water_models.data.validate_station_frame`: ranges, parsable and unique
timestamps, numbers), so a reading the service accepts is one training would accept too; this
module adds only what a JSON body can get wrong on top (shapes, types, unknown keys).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from water_models import naming
from water_models.model_types import model_type_names
from water_models.schema import REQUIRED_COLUMNS, TIMESTAMP, StationDataError

if TYPE_CHECKING:
    import pandas as pd

#: Bounds on one request: a bigger one is a client bug or an attack, not recent readings.
MAX_STATIONS = 1000
MAX_READINGS = 10_000
DEFAULT_MODEL_TYPE = "xgboost"


class InputError(Exception):
    """A request the service cannot use: ``status`` (400/413/422), the field path and station."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        station_id: str | None = None,
        model_type: str | None = None,
        rows: list[int] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.station_id = station_id
        self.model_type = model_type
        self.rows = rows

    def body(self) -> dict[str, Any]:
        where = " ".join(
            part
            for part in (
                f"station {self.station_id}" if self.station_id else "",
                f"field {self.field}" if self.field else "",
            )
            if part
        )
        return {
            "error": "invalid_input" if self.status == 422 else "bad_request",
            "message": f"{where}: {self.message}" if where else self.message,
            "station_id": self.station_id,
            "model_type": self.model_type,
            "field": self.field,
            "rows": self.rows,
        }


@dataclass(frozen=True)
class StationInput:
    """One station's checked readings, and where in the request they were."""

    station_id: str
    model_type: str
    frame: pd.DataFrame
    path: str  # "" for a single-station body, "stations[3]." in a batch


def parse_body(payload: Any) -> tuple[list[StationInput], bool]:
    """The stations of a request body, checked; and whether it was a batch."""
    if not isinstance(payload, dict):
        raise InputError(422, "the body must be a JSON object", field="(body)")
    if "stations" in payload:
        stations = payload["stations"]
        if set(payload) != {"stations"}:
            extra = sorted(set(payload) - {"stations"})
            raise InputError(422, f"a batch holds only 'stations', not {extra}", field=extra[0])
        if not isinstance(stations, list) or not stations:
            raise InputError(422, "must be a non-empty list of stations", field="stations")
        if len(stations) > MAX_STATIONS:
            raise InputError(413, f"at most {MAX_STATIONS} stations per request", field="stations")
        return [parse_station(item, f"stations[{i}].") for i, item in enumerate(stations)], True
    return [parse_station(payload, "")], False


def parse_station(item: Any, path: str) -> StationInput:
    """One ``{"station_id", "model_type", "readings"}`` object, checked."""
    if not isinstance(item, dict):
        raise InputError(422, "must be an object", field=path.rstrip(".") or "(body)")
    raw_station = item.get("station_id")
    if isinstance(raw_station, bool) or not isinstance(raw_station, str | int):
        raise InputError(422, "required: a station id (text or integer)", field=f"{path}station_id")
    try:
        station = naming.normalize_station_id(raw_station)
    except ValueError as error:
        raise InputError(422, str(error), field=f"{path}station_id") from None
    model_type = item.get("model_type", DEFAULT_MODEL_TYPE)
    if model_type not in model_type_names():
        raise InputError(
            422,
            f"unknown model type {model_type!r}; use one of {', '.join(model_type_names())}",
            field=f"{path}model_type",
            station_id=station,
        )
    unknown = sorted(set(item) - {"station_id", "model_type", "readings"})
    if unknown:
        raise InputError(422, "unknown field", field=f"{path}{unknown[0]}", station_id=station)
    readings = item.get("readings")
    frame = _frame(readings, station, model_type, f"{path}readings")
    return StationInput(station, model_type, frame, path)


def _frame(readings: Any, station: str, model_type: str, path: str) -> pd.DataFrame:
    import pandas as pd  # with the first request, not with the module

    from water_models.data import validate_station_frame

    def fail(message: str, field: str, rows: list[int] | None = None) -> InputError:
        return InputError(
            422, message, field=field, station_id=station, model_type=model_type, rows=rows
        )

    if not isinstance(readings, list) or not readings:
        raise fail("required: a non-empty list of readings", path)
    if len(readings) > MAX_READINGS:
        raise InputError(413, f"at most {MAX_READINGS} readings per station", field=path)
    for i, reading in enumerate(readings):
        if not isinstance(reading, dict):
            raise fail("must be an object of readings", f"{path}[{i}]")
        for key, value in reading.items():
            if key not in REQUIRED_COLUMNS:
                close = difflib.get_close_matches(str(key), REQUIRED_COLUMNS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise fail(f"unknown reading{hint}", f"{path}[{i}].{key}")
            if key == TIMESTAMP:
                if not isinstance(value, str):
                    raise fail("must be an ISO 8601 text timestamp", f"{path}[{i}].{key}")
            elif value is not None and not _is_number(value):
                raise fail("must be a number or null (a gap)", f"{path}[{i}].{key}")
        if TIMESTAMP not in reading:
            raise fail("required", f"{path}[{i}].{TIMESTAMP}")
    try:
        table = pd.DataFrame.from_records(readings)
        return validate_station_frame(table, station, source="request")
    except StationDataError as error:
        rows = [row - 1 for row in error.rows]
        field = f"{path}[{rows[0]}].{error.column}" if rows else f"{path}[].{error.column}"
        raise fail(_problem(error), field if error.column else path, rows or None) from None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _problem(error: StationDataError) -> str:
    """The checker's message in the request's terms: readings by their 0-based list index.

    The station and the column go in their own fields of the answer; the data file's row
    numbers (from 1) would only confuse a JSON client.
    """
    text = str(error).removeprefix(f"station {error.station_id} (request)")
    if error.column:
        text = text.removeprefix(f": column {error.column!r}")
    text = text.removeprefix(": ").split(" at rows ", 1)[0]
    if error.rows:
        shown = ", ".join(str(row - 1) for row in error.rows[:10])
        more = f" and {len(error.rows) - 10} more" if len(error.rows) > 10 else ""
        text += f" (readings {shown}{more})"
    return text
