"""Signatures of the fluent API: every function ``mlflow_rest_sdk.compat`` offers in place of
``mlflow``'s takes the parameters of MLflow 3.17.2's function of the same name (names, order,
kinds and defaults), read with ``inspect`` from the installed ``mlflow``."""

from __future__ import annotations

import inspect
from typing import Any

import mlflow
import pytest

import mlflow_rest_sdk.compat

#: Names of the compat package that are no fluent function of MLflow's, and why.
NOT_FLUENT = {
    "AsyncMlflowClient": "the asyncio client (MLflow has none)",
    "MlflowClient": "the client (tests/compat/test_signatures.py)",
    "MlflowException": "the exception class",
    "RestException": "the exception class of REST errors",
    "RunOperations": "what asynchronous logging calls return",
    "ActiveRun": "the class start_run returns (its constructor takes MLflow's run)",
}

FLUENT = sorted(set(mlflow_rest_sdk.compat.__all__) - set(NOT_FLUENT))


def _shape(function: Any) -> list[tuple[str, Any, Any]]:
    return [
        (parameter.name, parameter.kind, parameter.default)
        for parameter in inspect.signature(function).parameters.values()
    ]


def test_every_fluent_name_is_one_of_mlflows() -> None:
    assert all(callable(getattr(mlflow, name, None)) for name in FLUENT)


@pytest.mark.parametrize("name", FLUENT)
def test_parameters_equal_mlflows(name: str) -> None:
    assert _shape(getattr(mlflow_rest_sdk.compat, name)) == _shape(getattr(mlflow, name))


def test_active_run_takes_mlflows_constructor_arguments() -> None:
    assert _shape(mlflow_rest_sdk.compat.ActiveRun) == _shape(mlflow.ActiveRun)
