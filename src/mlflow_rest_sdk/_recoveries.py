"""Which creates are made safe to retry, and how (see ``_runtime/recovery.py`` for the why).

- ``create_run`` and ``create_model_version`` carry a client-generated idempotency tag; after an
  ambiguous failure the client looks for an entity with that tag before sending again.
- ``create_experiment`` and ``create_registered_model`` have unique names: a retry after an
  ambiguous failure that meets RESOURCE_ALREADY_EXISTS resolves to the existing entity.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from mlflow_rest_sdk._generated import models as m
from mlflow_rest_sdk._runtime.message import Message
from mlflow_rest_sdk._runtime.recovery import IDEMPOTENCY_TAG, Lookup, Recovery


def _tag_value(tags: list[Any]) -> str | None:
    for tag in tags:
        if getattr(tag, "key", None) == IDEMPOTENCY_TAG:
            value: str | None = tag.value
            return value
    return None


def _with_idempotency_tag(message: Message, tag_type: type[Message]) -> Message:
    tags = list(getattr(message, "tags", []))
    if _tag_value(tags) is not None:
        return message
    tags.append(tag_type(key=IDEMPOTENCY_TAG, value=uuid.uuid4().hex))
    return message.model_copy(update={"tags": tags})


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _find_run(message: Message) -> Lookup:
    assert isinstance(message, m.CreateRun)
    key = _tag_value(message.tags) or ""

    def extract(response: m.SearchRunsResponse) -> m.CreateRunResponse | None:
        return m.CreateRunResponse(run=response.runs[0]) if response.runs else None

    return Lookup(
        "search_runs",
        {
            "experiment_ids": [message.experiment_id or "0"],
            "filter": f"tags.`{IDEMPOTENCY_TAG}` = {_quote(key)}",
            "run_view_type": m.ViewType.ALL,
            "max_results": 1,
        },
        extract,
    )


def _find_model_version(message: Message) -> Lookup:
    assert isinstance(message, m.CreateModelVersion)
    key = _tag_value(message.tags) or ""

    def extract(
        response: m.SearchModelVersionsResponse,
    ) -> m.CreateModelVersionResponse | None:
        versions = response.model_versions
        return m.CreateModelVersionResponse(model_version=versions[0]) if versions else None

    return Lookup(
        "search_model_versions",
        {
            "filter": f"name = {_quote(message.name or '')} "
            f"and tags.`{IDEMPOTENCY_TAG}` = {_quote(key)}",
            "max_results": 1,
        },
        extract,
    )


def _find_experiment(message: Message) -> Lookup:
    assert isinstance(message, m.CreateExperiment)

    def extract(response: m.GetExperimentByNameResponse) -> m.CreateExperimentResponse | None:
        experiment = response.experiment
        if experiment is None or experiment.experiment_id is None:
            return None
        return m.CreateExperimentResponse(experiment_id=experiment.experiment_id)

    return Lookup("get_experiment_by_name", {"experiment_name": message.name}, extract)


def _find_registered_model(message: Message) -> Lookup:
    assert isinstance(message, m.CreateRegisteredModel)

    def extract(
        response: m.GetRegisteredModelResponse,
    ) -> m.CreateRegisteredModelResponse | None:
        if response.registered_model is None:
            return None
        return m.CreateRegisteredModelResponse(registered_model=response.registered_model)

    return Lookup("get_registered_model", {"name": message.name}, extract)


RECOVERIES: Mapping[str, Recovery] = {
    "create_run": Recovery(
        prepare=lambda message: _with_idempotency_tag(message, m.RunTag),
        find_lost=_find_run,
    ),
    "create_model_version": Recovery(
        prepare=lambda message: _with_idempotency_tag(message, m.ModelVersionTag),
        find_lost=_find_model_version,
    ),
    "create_experiment": Recovery(find_existing=_find_experiment),
    "create_registered_model": Recovery(find_existing=_find_registered_model),
}
