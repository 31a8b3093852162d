"""docs/migrating.md lists every public name of MLflow's ``MlflowClient``, and every fluent
function of ``mlflow``, once each, and says "offered" for exactly the names the compat layer
has (and a reason for every other)."""

from __future__ import annotations

import re
from pathlib import Path

import mlflow
import pytest

import mlflow_rest_sdk.compat

from .fluent_names import mlflow_fluent_names

DOC = Path(__file__).resolve().parents[2] / "docs" / "migrating.md"
_ROW = re.compile(r"^\| `(?P<name>\w+)` \| (?P<state>[^|]+) \|", re.MULTILINE)
CLIENT_TABLE = "## Every `MlflowClient` method"
FLUENT_TABLE = "## Every fluent function"


def _rows(heading: str) -> list[tuple[str, str]]:
    """The rows of the table under ``heading`` (up to the next heading)."""
    section = DOC.read_text().partition(heading + "\n")[2].partition("\n## ")[0]
    return [(match["name"], match["state"].strip()) for match in _ROW.finditer(section)]


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def test_every_mlflow_method_has_exactly_one_row() -> None:
    names = [name for name, _ in _rows(CLIENT_TABLE)]

    assert sorted(names) == sorted(_public(mlflow.MlflowClient))


def test_the_offered_rows_are_what_the_compat_client_has() -> None:
    offered = {name for name, state in _rows(CLIENT_TABLE) if state == "offered"}

    assert offered == _public(mlflow.MlflowClient) & _public(mlflow_rest_sdk.compat.MlflowClient)


def test_every_fluent_function_has_exactly_one_row() -> None:
    names = [name for name, _ in _rows(FLUENT_TABLE)]

    assert sorted(names) == sorted(mlflow_fluent_names())


def test_the_offered_fluent_rows_are_what_the_compat_package_has() -> None:
    offered = {name for name, state in _rows(FLUENT_TABLE) if state == "offered"}

    assert offered == mlflow_fluent_names() & set(mlflow_rest_sdk.compat.__all__)


@pytest.mark.parametrize("heading", [CLIENT_TABLE, FLUENT_TABLE])
def test_every_name_left_out_says_why(heading: str) -> None:
    left_out = [state for _, state in _rows(heading) if state != "offered"]

    assert all(state.startswith("left out: ") and len(state) > 20 for state in left_out)
