"""Load and check station data from CSV or Parquet, so bad files fail early and say where.

Rows in error messages are data rows counted from 1 (in a CSV file, row N is on line N + 1,
after the header). Empty readings are allowed: they are sensor gaps, and the models handle them.
"""

from __future__ import annotations

import difflib
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from water_models.schema import (
    READINGS,
    REQUIRED_COLUMNS,
    TIMESTAMP,
    StationDataError,
)

SUPPORTED_SUFFIXES = (".csv", ".parquet", ".pq")

logger = logging.getLogger("water_models")


def read_station_frame(data_dir: Path | None, station_id: str) -> pd.DataFrame:
    """The station's checked readings: its file in ``data_dir`` if there is one, else synthetic.

    The one place that decides where a station's training data comes from, for the manager in
    this process and for fleet workers alike.
    """
    from water_models.synthetic import generate_station_data  # only when there is no file

    if data_dir is not None:
        found = find_station_file(data_dir, station_id)
        if found is not None:
            return load_station_data(found, station_id)
    logger.info("station %s: no data file, using the synthetic generator", station_id)
    return validate_station_frame(generate_station_data(station_id), station_id)


def load_station_data(path: Path | str, station_id: str) -> pd.DataFrame:
    """Read one station's readings from a CSV or Parquet file and check them (see the schema)."""
    file = Path(path)
    source = str(file)
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise StationDataError(
            station_id,
            f"unsupported file type {suffix or '(none)'!r}; "
            f"use one of {', '.join(SUPPORTED_SUFFIXES)}",
            source=source,
        )
    if not file.is_file():
        raise StationDataError(station_id, "file not found", source=source)
    try:
        if suffix == ".csv":
            # Everything as text first: the checks below report bad cells by row, which a
            # typed reader would turn into one opaque parser error.
            raw = pd.read_csv(file, dtype=str, keep_default_na=False)
        else:
            raw = pd.read_parquet(file)
    except (ValueError, OSError, pd.errors.ParserError) as error:
        raise StationDataError(
            station_id, f"cannot read the file: {error}", source=source
        ) from None
    return validate_station_frame(raw, station_id, source=source)


def find_station_file(data_dir: Path, station_id: str) -> Path | None:
    """``station_{id}.csv`` or ``.parquet`` in ``data_dir``, if there is one."""
    for suffix in SUPPORTED_SUFFIXES:
        candidate = data_dir / f"station_{station_id}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def validate_station_frame(
    raw: pd.DataFrame, station_id: str, *, source: str | None = None
) -> pd.DataFrame:
    """A clean copy of ``raw``: UTC timestamps sorted ascending, float readings, NaN for gaps."""
    _check_columns(raw, station_id, source)
    if len(raw) == 0:
        raise StationDataError(station_id, "the table has no rows", source=source)
    clean = pd.DataFrame({TIMESTAMP: _parse_timestamps(raw[TIMESTAMP], station_id, source)})
    for reading in READINGS:
        values = _parse_numbers(raw[reading.column], station_id, reading.column, source)
        bad = _rows(values.notna() & ((values < reading.minimum) | (values > reading.maximum)))
        if bad:
            raise StationDataError(
                station_id,
                f"values outside the possible range {reading.minimum:g} to {reading.maximum:g} "
                f"{reading.unit}",
                column=reading.column,
                rows=bad,
                source=source,
            )
        clean[reading.column] = values.to_numpy(dtype=np.float64)
    duplicated = _rows(clean[TIMESTAMP].duplicated(keep="first"))
    if duplicated:
        raise StationDataError(
            station_id, "repeated timestamps", column=TIMESTAMP, rows=duplicated, source=source
        )
    return clean.sort_values(TIMESTAMP, kind="stable").reset_index(drop=True)


def _check_columns(raw: pd.DataFrame, station_id: str, source: str | None) -> None:
    present = [str(c) for c in raw.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in present]
    if not missing:
        return
    hints = []
    for column in missing:
        close = difflib.get_close_matches(column, present, n=1, cutoff=0.6)
        folded = [p for p in present if p.strip().lower() == column]
        match = folded or close
        hints.append(f"{column!r} (found {match[0]!r}?)" if match else repr(column))
    raise StationDataError(
        station_id,
        f"missing column(s) {', '.join(hints)}; expected {', '.join(REQUIRED_COLUMNS)}",
        column=missing[0],
        source=source,
    )


def _parse_timestamps(column: pd.Series, station_id: str, source: str | None) -> pd.Series:
    text = column.astype("string").str.strip()
    empty = _rows(text.isna() | (text == ""))
    if empty:
        raise StationDataError(
            station_id, "empty timestamps", column=TIMESTAMP, rows=empty, source=source
        )
    parsed = pd.to_datetime(column, utc=True, errors="coerce", format="mixed")
    bad = _rows(parsed.isna())
    if bad:
        raise StationDataError(
            station_id,
            "timestamps that cannot be parsed",
            column=TIMESTAMP,
            rows=bad,
            source=source,
        )
    return parsed


def _parse_numbers(column: pd.Series, station_id: str, name: str, source: str | None) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.astype(np.float64)
    text = column.astype("string").str.strip()
    blank = text.isna() | (text == "")
    numbers = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = _rows(numbers.isna() & ~blank)
    if bad:
        raise StationDataError(
            station_id, "values that are not numbers", column=name, rows=bad, source=source
        )
    return numbers.astype(np.float64)


def _rows(mask: pd.Series) -> tuple[int, ...]:
    """1-based data row numbers where ``mask`` is true."""
    return tuple(int(i) + 1 for i in np.flatnonzero(mask.to_numpy(dtype=bool)))
