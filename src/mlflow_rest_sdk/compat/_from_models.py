"""REST response models of the registry, logged models and webhooks turned into compat
entities: pure functions, no I/O.

As :mod:`._from_rest` does for tracking, fields the server left out read as MLflow's entities
read them from a protobuf message: ``""`` or ``0`` where MLflow reads the proto default, None
where it checks whether the field was set.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from mlflow_rest_sdk.compat._from_rest import metric_from_rest, required
from mlflow_rest_sdk.compat.entities.logged_model import (
    LoggedModel,
    LoggedModelParameter,
    LoggedModelStatus,
    LoggedModelTag,
)
from mlflow_rest_sdk.compat.entities.model_registry import (
    ModelVersion,
    ModelVersionTag,
    RegisteredModel,
    RegisteredModelAlias,
    RegisteredModelTag,
)
from mlflow_rest_sdk.compat.entities.webhook import (
    Webhook,
    WebhookEvent,
    WebhookStatus,
    WebhookTestResult,
)

if TYPE_CHECKING:
    from mlflow_rest_sdk import models as rest

__all__ = [
    "LOGGED_MODEL_STATUS_TO_REST",
    "logged_model_from_rest",
    "model_version_from_rest",
    "registered_model_from_rest",
    "webhook_from_rest",
    "webhook_test_result_from_rest",
]

#: The REST API's names for a logged model's status, by MLflow's entity names.
LOGGED_MODEL_STATUS_TO_REST: dict[str, str] = {
    "UNSPECIFIED": "LOGGED_MODEL_STATUS_UNSPECIFIED",
    "PENDING": "LOGGED_MODEL_PENDING",
    "READY": "LOGGED_MODEL_READY",
    "FAILED": "LOGGED_MODEL_UPLOAD_FAILED",
}
_LOGGED_MODEL_STATUS_FROM_REST = {rest: name for name, rest in LOGGED_MODEL_STATUS_TO_REST.items()}
#: What MLflow reads for a registered model whose deployment job state was never set.
_UNSET_DEPLOYMENT_JOB_STATE = "DEPLOYMENT_JOB_CONNECTION_STATE_UNSPECIFIED"


def enum_name(value: object, default: str) -> str:
    """An enum field of a REST model by name (the SDK keeps unknown names as strings)."""
    if value is None:
        return default
    return str(value.value) if isinstance(value, Enum) else str(value)


def model_version_from_rest(version: rest.ModelVersion) -> ModelVersion:
    return ModelVersion(
        version.name or "",
        version.version or "",
        version.creation_timestamp or 0,
        version.last_updated_timestamp or 0,
        version.description,
        version.user_id or "",
        version.current_stage or "",
        version.source or "",
        version.run_id,
        enum_name(version.status, "PENDING_REGISTRATION"),  # the proto's first value
        version.status_message,
        tags=[ModelVersionTag(tag.key or "", tag.value or "") for tag in version.tags],
        run_link=version.run_link or "",
        aliases=list(version.aliases),
        model_id=version.model_id or None,
    )


def registered_model_from_rest(model: rest.RegisteredModel) -> RegisteredModel:
    return RegisteredModel(
        model.name or "",
        model.creation_timestamp or 0,
        model.last_updated_timestamp or 0,
        model.description or "",
        [model_version_from_rest(version) for version in model.latest_versions],
        tags=[RegisteredModelTag(tag.key or "", tag.value or "") for tag in model.tags],
        aliases=[
            RegisteredModelAlias(alias.alias or "", alias.version or "") for alias in model.aliases
        ],
        deployment_job_id=model.deployment_job_id or "",
        deployment_job_state=enum_name(model.deployment_job_state, _UNSET_DEPLOYMENT_JOB_STATE),
    )


def logged_model_from_rest(model: rest.LoggedModel) -> LoggedModel:
    info = required(model.info, "logged model info")
    status = enum_name(info.status, "LOGGED_MODEL_STATUS_UNSPECIFIED")
    return LoggedModel(
        experiment_id=info.experiment_id or "",
        model_id=info.model_id or "",
        name=info.name or "",
        artifact_location=info.artifact_uri or "",
        creation_timestamp=info.creation_timestamp_ms or 0,
        last_updated_timestamp=info.last_updated_timestamp_ms or 0,
        model_type=info.model_type or "",
        source_run_id=info.source_run_id or "",
        status=LoggedModelStatus(_LOGGED_MODEL_STATUS_FROM_REST.get(status, "UNSPECIFIED")),
        status_message=info.status_message or "",
        tags=[LoggedModelTag(tag.key or "", tag.value or "") for tag in info.tags],
        params=[
            LoggedModelParameter(param.key or "", param.value or "")
            for param in (model.data.params if model.data else [])
        ],
        metrics=[metric_from_rest(metric) for metric in (model.data.metrics if model.data else [])],
    )


def webhook_from_rest(webhook: rest.Webhook) -> Webhook:
    return Webhook(
        webhook_id=webhook.webhook_id or "",
        name=webhook.name or "",
        url=webhook.url or "",
        events=[
            WebhookEvent(enum_name(event.entity, ""), enum_name(event.action, ""))
            for event in webhook.events
        ],
        description=webhook.description or None,
        status=WebhookStatus(enum_name(webhook.status, "ACTIVE")),
        creation_timestamp=webhook.creation_timestamp or 0,
        last_updated_timestamp=webhook.last_updated_timestamp or 0,
    )


def webhook_test_result_from_rest(result: rest.WebhookTestResult) -> WebhookTestResult:
    return WebhookTestResult(
        success=bool(result.success),
        response_status=result.response_status or None,
        response_body=result.response_body or None,
        error_message=result.error_message or None,
    )
