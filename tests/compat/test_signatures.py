"""Signatures: every method the compat client offers takes the arguments of MLflow 3.17.2's
``MlflowClient`` method of the same name (names, order, kinds and defaults), read with
``inspect`` from the installed ``mlflow``; the asyncio client has the same signatures."""

from __future__ import annotations

import inspect
from typing import Any

import mlflow
import pytest

import mlflow_rest_sdk.compat

#: Public names of the compat client that MLflow's lacks, and why (docs/migrating.md).
ADDED = {
    "close": "releases the pooled connections at once (the async client: aclose)",
    "aclose": "the async client's close",
    "from_rest": "wraps an SDK client built with options MLflow's constructor lacks",
    "rest": "the SDK client underneath, for its own methods",
}


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def _shape(function: Any) -> list[tuple[str, Any, Any]]:
    """What a caller relies on: each parameter's name, kind and default (annotations aside)."""
    return [
        (parameter.name, parameter.kind, parameter.default)
        for parameter in inspect.signature(function).parameters.values()
    ]


OFFERED = sorted(_public(mlflow_rest_sdk.compat.MlflowClient) - set(ADDED))


def test_every_offered_name_is_one_of_mlflows() -> None:
    assert set(OFFERED) <= _public(mlflow.MlflowClient)


@pytest.mark.parametrize("name", ["__init__", *OFFERED])
def test_parameters_equal_mlflows(name: str) -> None:
    ours = getattr(mlflow_rest_sdk.compat.MlflowClient, name)
    theirs = getattr(mlflow.MlflowClient, name)
    if isinstance(theirs, property):
        assert isinstance(ours, property)
        return
    assert _shape(ours) == _shape(theirs)


@pytest.mark.parametrize("name", OFFERED)
def test_the_async_client_has_the_same_parameters(name: str) -> None:
    blocking = getattr(mlflow_rest_sdk.compat.MlflowClient, name)
    if isinstance(blocking, property):
        return
    asynchronous = getattr(mlflow_rest_sdk.compat.AsyncMlflowClient, name)
    assert _shape(asynchronous) == _shape(blocking)
