"""Station data: the schema is enforced with errors that name the station, column and rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from water_models.data import load_station_data, validate_station_frame
from water_models.schema import READING_COLUMNS, StationDataError
from water_models.synthetic import SyntheticConfig, generate_station_data, oxygen_saturation_mg_l

GOOD_CSV = """timestamp,ph,dissolved_oxygen_mg_l,temperature_c,turbidity_ntu,conductivity_us_cm
2025-05-01T00:00:00Z,7.4,9.1,14.2,3.1,510
2025-05-01T01:00:00Z,7.5,9.0,14.0,3.0,512
2025-05-01T02:00:00Z,7.5,,13.9,3.2,511
2025-05-01T03:00:00Z,7.6,8.8,13.7,2.9,509
"""


def write(tmp_path: Path, text: str, name: str = "station_7.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_good_csv_loads_with_gaps_kept_as_nan(tmp_path: Path) -> None:
    frame = load_station_data(write(tmp_path, GOOD_CSV), "7")
    assert list(frame.columns) == ["timestamp", *READING_COLUMNS]
    assert len(frame) == 4
    assert np.isnan(frame.loc[2, "dissolved_oxygen_mg_l"])
    assert str(frame["timestamp"].dt.tz) == "UTC"


def test_parquet_gives_the_same_table_as_csv(tmp_path: Path) -> None:
    from_csv = load_station_data(write(tmp_path, GOOD_CSV), "7")
    parquet = tmp_path / "station_7.parquet"
    from_csv.to_parquet(parquet, index=False)
    pd.testing.assert_frame_equal(load_station_data(parquet, "7"), from_csv, check_dtype=False)


def test_a_misnamed_column_is_named_with_the_likely_culprit(tmp_path: Path) -> None:
    text = GOOD_CSV.replace("dissolved_oxygen_mg_l", "dissolved_oxygen")
    with pytest.raises(StationDataError) as caught:
        load_station_data(write(tmp_path, text), "7")
    message = str(caught.value)
    assert "station 7" in message
    assert "'dissolved_oxygen_mg_l' (found 'dissolved_oxygen'?)" in message
    assert caught.value.column == "dissolved_oxygen_mg_l"


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    lines = [",".join(line.split(",")[:-1]) for line in GOOD_CSV.splitlines()]
    with pytest.raises(StationDataError, match=r"missing column.*'conductivity_us_cm'"):
        load_station_data(write(tmp_path, "\n".join(lines)), "7")


def test_unparsable_timestamps_are_reported_by_row(tmp_path: Path) -> None:
    text = GOOD_CSV.replace("2025-05-01T01:00:00Z", "yesterday-ish")
    with pytest.raises(StationDataError) as caught:
        load_station_data(write(tmp_path, text), "7")
    assert caught.value.column == "timestamp"
    assert caught.value.rows == (2,)
    assert "timestamps that cannot be parsed at rows 2" in str(caught.value)


def test_impossible_values_are_reported_with_column_range_and_rows(tmp_path: Path) -> None:
    text = GOOD_CSV.replace(",7.5,9.0,", ",17.5,9.0,").replace(",7.6,", ",-1,")
    with pytest.raises(StationDataError) as caught:
        load_station_data(write(tmp_path, text), "7")
    assert caught.value.column == "ph"
    assert caught.value.rows == (2, 4)
    assert "outside the possible range 0 to 14" in str(caught.value)


def test_text_in_a_reading_column_is_reported(tmp_path: Path) -> None:
    text = GOOD_CSV.replace(",3.0,", ",cloudy,")
    with pytest.raises(StationDataError, match="'turbidity_ntu': values that are not numbers"):
        load_station_data(write(tmp_path, text), "7")


def test_repeated_timestamps_are_refused(tmp_path: Path) -> None:
    text = GOOD_CSV.replace("2025-05-01T03:00:00Z", "2025-05-01T01:00:00Z")
    with pytest.raises(StationDataError, match="repeated timestamps at rows 4"):
        load_station_data(write(tmp_path, text), "7")


def test_an_unsupported_file_type_names_the_supported_ones(tmp_path: Path) -> None:
    with pytest.raises(StationDataError, match=r"unsupported file type '\.xlsx'.*\.csv"):
        load_station_data(write(tmp_path, GOOD_CSV, "station_7.xlsx"), "7")


def test_the_generator_is_reproducible_per_station_and_differs_between_stations() -> None:
    config = SyntheticConfig(days=5)
    first = generate_station_data("3", config=config)
    pd.testing.assert_frame_equal(first, generate_station_data("3", config=config))
    assert not first.equals(generate_station_data("4", config=config))


def test_generated_data_fits_the_schema_and_has_gaps() -> None:
    raw = generate_station_data("5")
    clean = validate_station_frame(raw, "5")
    assert len(clean) == 90 * 24
    assert clean[list(READING_COLUMNS)].isna().any().any()


def test_generated_oxygen_tracks_solubility_which_falls_with_temperature() -> None:
    data = generate_station_data("6").dropna()
    saturation = oxygen_saturation_mg_l(data["temperature_c"].to_numpy())
    assert oxygen_saturation_mg_l(np.array([5.0]))[0] > oxygen_saturation_mg_l(np.array([25.0]))[0]
    correlation = np.corrcoef(saturation, data["dissolved_oxygen_mg_l"])[0, 1]
    assert correlation > 0.5
