"""Entities shaped like ``mlflow.entities`` (tracking, model registry, logged models, webhooks):
``from mlflow_rest_sdk.compat.entities import Metric, Param, RunTag`` where MLflow code imports
them from ``mlflow.entities`` (or ``mlflow.entities.model_registry``).

Plain Python classes: importing them loads neither pydantic nor an HTTP library.
"""

from mlflow_rest_sdk.compat.entities.experiment import Experiment
from mlflow_rest_sdk.compat.entities.file_info import FileInfo
from mlflow_rest_sdk.compat.entities.key_value import ExperimentTag, InputTag, Param, RunTag
from mlflow_rest_sdk.compat.entities.lifecycle_stage import LifecycleStage
from mlflow_rest_sdk.compat.entities.logged_model import (
    LoggedModel,
    LoggedModelParameter,
    LoggedModelStatus,
    LoggedModelTag,
)
from mlflow_rest_sdk.compat.entities.metric import Metric
from mlflow_rest_sdk.compat.entities.model_registry import (
    ModelVersion,
    ModelVersionStatus,
    ModelVersionTag,
    RegisteredModel,
    RegisteredModelAlias,
    RegisteredModelTag,
)
from mlflow_rest_sdk.compat.entities.paged_list import PagedList
from mlflow_rest_sdk.compat.entities.run import Run
from mlflow_rest_sdk.compat.entities.run_data import RunData
from mlflow_rest_sdk.compat.entities.run_info import RunInfo
from mlflow_rest_sdk.compat.entities.run_inputs import (
    Dataset,
    DatasetInput,
    LoggedModelInput,
    RunInputs,
)
from mlflow_rest_sdk.compat.entities.run_outputs import LoggedModelOutput, RunOutputs
from mlflow_rest_sdk.compat.entities.run_status import RunStatus
from mlflow_rest_sdk.compat.entities.view_type import ViewType
from mlflow_rest_sdk.compat.entities.webhook import (
    Webhook,
    WebhookEvent,
    WebhookStatus,
    WebhookTestResult,
)

__all__ = [
    "Dataset",
    "DatasetInput",
    "Experiment",
    "ExperimentTag",
    "FileInfo",
    "InputTag",
    "LifecycleStage",
    "LoggedModel",
    "LoggedModelInput",
    "LoggedModelOutput",
    "LoggedModelParameter",
    "LoggedModelStatus",
    "LoggedModelTag",
    "Metric",
    "ModelVersion",
    "ModelVersionStatus",
    "ModelVersionTag",
    "PagedList",
    "Param",
    "RegisteredModel",
    "RegisteredModelAlias",
    "RegisteredModelTag",
    "Run",
    "RunData",
    "RunInfo",
    "RunInputs",
    "RunOutputs",
    "RunStatus",
    "RunTag",
    "ViewType",
    "Webhook",
    "WebhookEvent",
    "WebhookStatus",
    "WebhookTestResult",
]
