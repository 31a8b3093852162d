"""MLflow's own client shapes over this SDK: move code over from ``mlflow`` by changing imports.

>>> import mlflow_rest_sdk.compat as mlflow              # was: import mlflow
>>> with mlflow.start_run():
...     mlflow.log_metric("rmse", 0.4)

>>> from mlflow_rest_sdk.compat import MlflowClient      # was: from mlflow import MlflowClient
>>> client = MlflowClient("http://127.0.0.1:5000")
>>> run = client.create_run(client.create_experiment("demo"))
>>> client.log_metric(run.info.run_id, "rmse", 0.4)

``MlflowClient`` has the names, arguments, defaults, returns and errors of MLflow 3.17.2's
tracking methods (docs/migrating.md lists each method and what differs);
:mod:`.entities` mirrors ``mlflow.entities`` and :mod:`.exceptions` ``mlflow.exceptions``.

Importing this package loads neither ``mlflow`` nor the SDK's client: the names below are
imported on first access (PEP 562), so ``import mlflow_rest_sdk.compat`` stays light.
"""

from __future__ import annotations

from mlflow_rest_sdk.lazy import lazy_attributes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

    from mlflow_rest_sdk.compat._async.client import AsyncMlflowClient
    from mlflow_rest_sdk.compat._sync.client import MlflowClient
    from mlflow_rest_sdk.compat.exceptions import MlflowException, RestException
    from mlflow_rest_sdk.compat.fluent.active_run import (
        ActiveRun,
        active_run,
        end_run,
        last_active_run,
        start_run,
    )
    from mlflow_rest_sdk.compat.fluent.artifacts import (
        get_artifact_uri,
        log_artifact,
        log_artifacts,
        log_dict,
        log_figure,
        log_image,
        log_text,
    )
    from mlflow_rest_sdk.compat.fluent.management import (
        delete_experiment,
        delete_experiment_tag,
        delete_logged_model_tag,
        delete_run,
        flush_artifact_async_logging,
        flush_async_logging,
        get_logged_model,
        get_parent_run,
        log_outputs,
        log_stream,
        restore_experiment,
        restore_run,
        search_model_versions,
        search_registered_models,
        set_experiment_tag,
        set_experiment_tags,
        set_logged_model_tags,
        set_model_version_tag,
    )
    from mlflow_rest_sdk.compat.fluent.run_logging import (
        delete_tag,
        log_input,
        log_inputs,
        log_metric,
        log_metrics,
        log_param,
        log_params,
        set_tag,
        set_tags,
    )
    from mlflow_rest_sdk.compat.fluent.tracking import (
        create_experiment,
        get_experiment,
        get_experiment_by_name,
        get_registry_uri,
        get_run,
        get_tracking_uri,
        register_model,
        search_experiments,
        search_runs,
        set_experiment,
        set_registry_uri,
        set_tracking_uri,
    )
    from mlflow_rest_sdk.compat.run_operations import RunOperations

__all__ = [
    "ActiveRun",
    "AsyncMlflowClient",
    "MlflowClient",
    "MlflowException",
    "RestException",
    "RunOperations",
    "active_run",
    "create_experiment",
    "delete_experiment",
    "delete_experiment_tag",
    "delete_logged_model_tag",
    "delete_run",
    "delete_tag",
    "end_run",
    "flush_artifact_async_logging",
    "flush_async_logging",
    "get_artifact_uri",
    "get_experiment",
    "get_experiment_by_name",
    "get_logged_model",
    "get_parent_run",
    "get_registry_uri",
    "get_run",
    "get_tracking_uri",
    "last_active_run",
    "log_artifact",
    "log_artifacts",
    "log_dict",
    "log_figure",
    "log_image",
    "log_input",
    "log_inputs",
    "log_metric",
    "log_metrics",
    "log_outputs",
    "log_param",
    "log_params",
    "log_stream",
    "log_text",
    "register_model",
    "restore_experiment",
    "restore_run",
    "search_experiments",
    "search_model_versions",
    "search_registered_models",
    "search_runs",
    "set_experiment",
    "set_experiment_tag",
    "set_experiment_tags",
    "set_logged_model_tags",
    "set_model_version_tag",
    "set_registry_uri",
    "set_tag",
    "set_tags",
    "set_tracking_uri",
    "start_run",
]

_MODULE_OF: Final[dict[str, str]] = {
    "delete_experiment": "mlflow_rest_sdk.compat.fluent.management",
    "delete_experiment_tag": "mlflow_rest_sdk.compat.fluent.management",
    "delete_logged_model_tag": "mlflow_rest_sdk.compat.fluent.management",
    "delete_run": "mlflow_rest_sdk.compat.fluent.management",
    "flush_artifact_async_logging": "mlflow_rest_sdk.compat.fluent.management",
    "flush_async_logging": "mlflow_rest_sdk.compat.fluent.management",
    "get_logged_model": "mlflow_rest_sdk.compat.fluent.management",
    "get_parent_run": "mlflow_rest_sdk.compat.fluent.management",
    "log_outputs": "mlflow_rest_sdk.compat.fluent.management",
    "log_stream": "mlflow_rest_sdk.compat.fluent.management",
    "restore_experiment": "mlflow_rest_sdk.compat.fluent.management",
    "restore_run": "mlflow_rest_sdk.compat.fluent.management",
    "search_model_versions": "mlflow_rest_sdk.compat.fluent.management",
    "search_registered_models": "mlflow_rest_sdk.compat.fluent.management",
    "set_experiment_tag": "mlflow_rest_sdk.compat.fluent.management",
    "set_experiment_tags": "mlflow_rest_sdk.compat.fluent.management",
    "set_logged_model_tags": "mlflow_rest_sdk.compat.fluent.management",
    "set_model_version_tag": "mlflow_rest_sdk.compat.fluent.management",
    "ActiveRun": "mlflow_rest_sdk.compat.fluent.active_run",
    "AsyncMlflowClient": "mlflow_rest_sdk.compat._async.client",
    "MlflowClient": "mlflow_rest_sdk.compat._sync.client",
    "MlflowException": "mlflow_rest_sdk.compat.exceptions",
    "RestException": "mlflow_rest_sdk.compat.exceptions",
    "RunOperations": "mlflow_rest_sdk.compat.run_operations",
    "active_run": "mlflow_rest_sdk.compat.fluent.active_run",
    "create_experiment": "mlflow_rest_sdk.compat.fluent.tracking",
    "delete_tag": "mlflow_rest_sdk.compat.fluent.run_logging",
    "end_run": "mlflow_rest_sdk.compat.fluent.active_run",
    "get_artifact_uri": "mlflow_rest_sdk.compat.fluent.artifacts",
    "get_experiment": "mlflow_rest_sdk.compat.fluent.tracking",
    "get_experiment_by_name": "mlflow_rest_sdk.compat.fluent.tracking",
    "get_registry_uri": "mlflow_rest_sdk.compat.fluent.tracking",
    "get_run": "mlflow_rest_sdk.compat.fluent.tracking",
    "get_tracking_uri": "mlflow_rest_sdk.compat.fluent.tracking",
    "last_active_run": "mlflow_rest_sdk.compat.fluent.active_run",
    "log_artifact": "mlflow_rest_sdk.compat.fluent.artifacts",
    "log_artifacts": "mlflow_rest_sdk.compat.fluent.artifacts",
    "log_dict": "mlflow_rest_sdk.compat.fluent.artifacts",
    "log_figure": "mlflow_rest_sdk.compat.fluent.artifacts",
    "log_image": "mlflow_rest_sdk.compat.fluent.artifacts",
    "log_input": "mlflow_rest_sdk.compat.fluent.run_logging",
    "log_inputs": "mlflow_rest_sdk.compat.fluent.run_logging",
    "log_metric": "mlflow_rest_sdk.compat.fluent.run_logging",
    "log_metrics": "mlflow_rest_sdk.compat.fluent.run_logging",
    "log_param": "mlflow_rest_sdk.compat.fluent.run_logging",
    "log_params": "mlflow_rest_sdk.compat.fluent.run_logging",
    "log_text": "mlflow_rest_sdk.compat.fluent.artifacts",
    "register_model": "mlflow_rest_sdk.compat.fluent.tracking",
    "search_experiments": "mlflow_rest_sdk.compat.fluent.tracking",
    "search_runs": "mlflow_rest_sdk.compat.fluent.tracking",
    "set_experiment": "mlflow_rest_sdk.compat.fluent.tracking",
    "set_registry_uri": "mlflow_rest_sdk.compat.fluent.tracking",
    "set_tag": "mlflow_rest_sdk.compat.fluent.run_logging",
    "set_tags": "mlflow_rest_sdk.compat.fluent.run_logging",
    "set_tracking_uri": "mlflow_rest_sdk.compat.fluent.tracking",
    "start_run": "mlflow_rest_sdk.compat.fluent.active_run",
}

if not TYPE_CHECKING:  # type checkers see the imports above instead
    __getattr__, __dir__ = lazy_attributes(__name__, _MODULE_OF, __all__)
