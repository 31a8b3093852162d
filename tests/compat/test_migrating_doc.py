"""docs/migrating.md lists every public name of MLflow's ``MlflowClient`` once, and says
"offered" for exactly the names the compat client has (and a reason for every other)."""

from __future__ import annotations

import re
from pathlib import Path

import mlflow

import mlflow_rest_sdk.compat

DOC = Path(__file__).resolve().parents[2] / "docs" / "migrating.md"
_ROW = re.compile(r"^\| `(?P<name>\w+)` \| (?P<state>[^|]+) \|", re.MULTILINE)


def _rows() -> list[tuple[str, str]]:
    return [(match["name"], match["state"].strip()) for match in _ROW.finditer(DOC.read_text())]


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def test_every_mlflow_method_has_exactly_one_row() -> None:
    names = [name for name, _ in _rows()]

    assert sorted(names) == sorted(_public(mlflow.MlflowClient))


def test_the_offered_rows_are_what_the_compat_client_has() -> None:
    offered = {name for name, state in _rows() if state == "offered"}

    assert offered == _public(mlflow.MlflowClient) & _public(mlflow_rest_sdk.compat.MlflowClient)


def test_every_method_left_out_says_why() -> None:
    left_out = [state for _, state in _rows() if state != "offered"]

    assert all(state.startswith("left out: ") and len(state) > 20 for state in left_out)
