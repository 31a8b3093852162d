"""The ``water-models`` command end to end against the live server (``--json`` parsed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from station_models_support import SMALL

from water_models.cli import main, parse_stations
from water_models.synthetic import generate_station_data

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(tracking_uri: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    """``water-models ARGS`` in this process; returns (exit code, stdout, stderr)."""

    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(
            [
                *args,
                "--tracking-uri",
                tracking_uri,
                "--models-dir",
                str(tmp_path / "models"),
                "--cache-dir",
                str(tmp_path / "cache"),
            ]
        )
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def json_of(output: str) -> Any:
    return json.loads(output)


def test_station_ranges_expand() -> None:
    assert parse_stations("1-3,7,north-2") == ["1", "2", "3", "7", "north-2"]


def test_train_registers_every_station_and_type(run: Run, station: str) -> None:
    code, out, _ = run("train", "--stations", station, "--n-jobs", "1", "--json")
    assert code == 0
    rows = json_of(out)
    assert sorted(r["model_type"] for r in rows) == ["baseline", "xgboost"]
    for row in rows:
        assert row["ok"] is True
        assert row["version"] == f"{row['model_type']}_v1.0.0_station_{station}"
        assert row["alias"] == "champion"


def test_info_list_predict_and_delete(run: Run, station: str, tmp_path: Path) -> None:
    assert run("train", "--stations", station, "--model-type", "baseline", "--json")[0] == 0
    one = ("--station", station, "--model-type", "baseline")

    code, out, _ = run("info", *one, "--json")
    info = json_of(out)
    assert code == 0
    assert (info["version"], info["alias"], info["source"]) == (
        f"baseline_v1.0.0_station_{station}",
        "champion",
        "mlflow",
    )
    assert len(info["sha256"]) == 64

    code, out, _ = run("list", "--json")
    listed = {row["registered_model"]: row for row in json_of(out)}
    assert listed[f"water-quality-station-{station}-baseline"]["aliases"] == {"champion": "1"}

    readings = tmp_path / "readings.csv"
    generate_station_data(station, config=SMALL).tail(48).to_csv(readings, index=False)
    code, out, _ = run("predict", *one, "--input", str(readings), "--json")
    forecast = json_of(out)
    assert code == 0
    assert forecast["model"]["version"] == info["version"]
    assert len(forecast["forecasts"]) == 48
    written = tmp_path / "forecast.csv"
    assert run("predict", *one, "--input", str(readings), "--output", str(written))[0] == 0
    assert len(pd.read_csv(written)) == 48

    code, out, _ = run("delete", *one, "--json")
    assert (code, json_of(out)) == (0, {"registered_model": True, "cache": True, "local": True})
    code, out, err = run("info", *one, "--json")
    assert (code, json_of(out)) == (3, None)
    assert "no baseline model" in err


def test_predict_with_a_bad_file_names_the_problem(run: Run, station: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("time,ph\n2025-01-01,7\n")
    code, out, err = run(
        "predict", "--station", station, "--model-type", "xgboost", "--input", str(bad)
    )
    assert (code, out) == (1, "")
    assert f"station {station}" in err and "missing column(s) 'timestamp'" in err


def test_info_of_an_unknown_model_exits_3(run: Run, station: str) -> None:
    code, _, err = run("info", "--station", station, "--model-type", "xgboost")
    assert code == 3
    assert f"no xgboost model for station {station}" in err
