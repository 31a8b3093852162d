"""Which creates are made safe to retry, and how (see ``_runtime/recovery.py`` for the why).

- ``create_run`` and ``create_model_version`` carry a client-generated idempotency tag; after an
  ambiguous failure the client looks for an entity with that tag before sending again. When it
  did send again and that create succeeded, it lists the tag's entities once more, because the
  first attempt may have committed after the lookup: duplicates are removed and every client
  keeps the same survivor (runs: earliest ``start_time``, then ``run_id``; model versions: the
  lowest version number). A duplicate run is deleted with ``delete_run``, which only marks it
  deleted (``restore_run`` brings it back, ``mlflow gc`` purges it); a duplicate model version is
  deleted with ``delete_model_version`` (the survivor is an identical copy made by the same call,
  so nothing is lost, but its version number stays unused).
- ``create_experiment`` and ``create_registered_model`` have unique names: a retry after an
  ambiguous failure that meets RESOURCE_ALREADY_EXISTS resolves to the existing entity. They need
  no reconciling: the server refuses a second entity with the same name.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from mlflow_rest_sdk._generated import models as m
from mlflow_rest_sdk._runtime.message import Message
from mlflow_rest_sdk._runtime.recovery import (
    IDEMPOTENCY_TAG,
    Lookup,
    Reconcile,
    Recovery,
    Removal,
    Settlement,
    choose_survivor,
)

#: How many entities with one key a lookup reads: one in practice, a few after a late attempt.
_LOOKUP_LIMIT = 100
_DELETED = "deleted"


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


def _run_id(run: m.Run) -> str:
    return (run.info.run_id if run.info else None) or ""


def _run_order(run: m.Run) -> tuple[int, str]:
    """Earliest start first, then the smaller id: the same order for every client."""
    start = run.info.start_time if run.info else None
    return (int(start) if start is not None else 2**63, _run_id(run))


def _is_live_run(run: m.Run) -> bool:
    return run.info is None or run.info.lifecycle_stage != _DELETED


def run_survivor(runs: list[m.Run]) -> tuple[m.Run, list[m.Run]] | None:
    """Among runs carrying one key: the live run to keep and the live duplicates to remove.

    Deleted runs are never kept nor removed (deleted already); None when no run is live.
    """
    return choose_survivor(filter(_is_live_run, runs), _run_id, _run_order)


def _run_filter(key: str) -> str:
    return f"tags.`{IDEMPOTENCY_TAG}` = {_quote(key)}"


def _find_run(message: Message) -> Lookup:
    assert isinstance(message, m.CreateRun)
    key = _tag_value(message.tags) or ""

    def extract(response: m.SearchRunsResponse) -> m.CreateRunResponse | None:
        if not response.runs:
            return None
        chosen = run_survivor(response.runs)
        run = chosen[0] if chosen is not None else min(response.runs, key=_run_order)
        return m.CreateRunResponse(run=run)

    return Lookup(
        "search_runs",
        {
            "experiment_ids": [message.experiment_id or "0"],
            "filter": _run_filter(key),
            "run_view_type": m.ViewType.ALL,
            "max_results": _LOOKUP_LIMIT,
        },
        extract,
    )


def _settle_runs(created: m.CreateRunResponse, found: m.SearchRunsResponse) -> Settlement:
    runs = ([created.run] if created.run is not None else []) + list(found.runs)
    chosen = run_survivor(runs)
    if chosen is None or not chosen[1]:
        return Settlement(keep=created)
    survivor, duplicates = chosen
    removals = tuple(
        Removal("delete_run", {"run_id": _run_id(run)}, f"run {_run_id(run)} (marked deleted)")
        for run in duplicates
    )
    same = created.run is not None and _run_id(survivor) == _run_id(created.run)
    keep = created if same else m.CreateRunResponse(run=survivor)
    return Settlement(keep, removals, kept=f"run {_run_id(survivor)}")


def _reconcile_run(message: Message) -> Reconcile:
    assert isinstance(message, m.CreateRun)
    return Reconcile(
        "search_runs",
        {
            "experiment_ids": [message.experiment_id or "0"],
            "filter": _run_filter(_tag_value(message.tags) or ""),
            "run_view_type": m.ViewType.ACTIVE_ONLY,
            "max_results": _LOOKUP_LIMIT,
        },
        _settle_runs,
    )


def _version_number(version: m.ModelVersion) -> int:
    try:
        return int(version.version or "")
    except ValueError:
        return 2**63


def version_survivor(
    versions: list[m.ModelVersion],
) -> tuple[m.ModelVersion, list[m.ModelVersion]] | None:
    """Among versions of one model carrying one key: the lowest version number is kept (version
    numbers only grow, so it is the earliest; the same choice for every client)."""
    return choose_survivor(
        versions, lambda v: v.version, lambda v: (_version_number(v), v.version or "")
    )


def _version_filter(message: m.CreateModelVersion) -> str:
    key = _tag_value(message.tags) or ""
    return f"name = {_quote(message.name or '')} and tags.`{IDEMPOTENCY_TAG}` = {_quote(key)}"


def _find_model_version(message: Message) -> Lookup:
    assert isinstance(message, m.CreateModelVersion)

    def extract(
        response: m.SearchModelVersionsResponse,
    ) -> m.CreateModelVersionResponse | None:
        chosen = version_survivor(response.model_versions)
        return m.CreateModelVersionResponse(model_version=chosen[0]) if chosen else None

    return Lookup(
        "search_model_versions",
        {"filter": _version_filter(message), "max_results": _LOOKUP_LIMIT},
        extract,
    )


def _settle_versions(
    created: m.CreateModelVersionResponse, found: m.SearchModelVersionsResponse
) -> Settlement:
    own = [created.model_version] if created.model_version is not None else []
    chosen = version_survivor(own + list(found.model_versions))
    if chosen is None or not chosen[1]:
        return Settlement(keep=created)
    survivor, duplicates = chosen

    def label(version: m.ModelVersion) -> str:
        return f"model version {version.name} v{version.version}"

    removals = tuple(
        Removal(
            "delete_model_version",
            {"name": version.name, "version": version.version},
            label(version),
        )
        for version in duplicates
    )
    same = created.model_version is not None and created.model_version.version == survivor.version
    keep = created if same else m.CreateModelVersionResponse(model_version=survivor)
    return Settlement(keep, removals, kept=label(survivor))


def _reconcile_model_version(message: Message) -> Reconcile:
    assert isinstance(message, m.CreateModelVersion)
    return Reconcile(
        "search_model_versions",
        {"filter": _version_filter(message), "max_results": _LOOKUP_LIMIT},
        _settle_versions,
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
        reconcile=_reconcile_run,
    ),
    "create_model_version": Recovery(
        prepare=lambda message: _with_idempotency_tag(message, m.ModelVersionTag),
        find_lost=_find_model_version,
        reconcile=_reconcile_model_version,
    ),
    "create_experiment": Recovery(find_existing=_find_experiment),
    "create_registered_model": Recovery(find_existing=_find_registered_model),
}
