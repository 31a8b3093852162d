"""Which of ``mlflow``'s top-level functions make its fluent API: the public functions of its
fluent tracking and registry modules, and the URI functions, as MLflow 3.17.2 exports them."""

from __future__ import annotations

import inspect

import mlflow
import mlflow.tracking._model_registry.fluent
import mlflow.tracking.fluent

#: The URI functions live in MLflow's utility modules but are exported as fluent functions.
URI_FUNCTIONS = ("get_registry_uri", "get_tracking_uri", "set_registry_uri", "set_tracking_uri")


def mlflow_fluent_names() -> set[str]:
    modules = (mlflow.tracking.fluent, mlflow.tracking._model_registry.fluent)
    names = {
        name
        for module in modules
        for name, member in vars(module).items()
        if not name.startswith("_")
        and inspect.isfunction(member)
        and member.__module__ == module.__name__
        and hasattr(mlflow, name)
    }
    return names | set(URI_FUNCTIONS)
