"""Split any number of metrics, params and tags into log-batch requests the server accepts.

Pure: no I/O, no clock. Each request is serialized exactly once, here, and that body is the one
sent, so the size checked against ``max_body_bytes`` is the size on the wire. Metrics, params
and tags are flat messages (scalars only, no aliases, every default None), so their wire form
is their non-None fields, written by pydantic-core from plain dicts: about three times cheaper
than the models' own serializer, which calls back into Python for every item. Requests are first
filled by count (MLflow's per-kind and total caps); only when such a request turns out too
large in bytes are its items measured one by one (each item's exact JSON plus the framing
around it) and packed by size. Typical metrics are a few dozen bytes, so the second path is
taken only for unusually long keys or values.

Packing is greedy and keeps the order within each kind. Each request takes tags first, then
params, then metrics, so all tags sit in the first requests: the only kind whose order across
requests matters to MLflow (a later value of a tag overwrites an earlier one). Metrics are
stored by (key, step, timestamp, value), whatever the order they arrive in, and params never
change, so requests without tags may be sent in any order, or concurrently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pydantic_core
from pydantic import PrivateAttr

from mlflow_rest_sdk._generated.models import LogBatch, Metric, Param, RunTag
from mlflow_rest_sdk._runtime.error_base import RequestValidationError
from mlflow_rest_sdk.batching.items import (
    Item,
    MetricInput,
    ParamInput,
    TagInput,
    prepare_items,
    shown,
)
from mlflow_rest_sdk.batching.limits import SERVER_LIMITS, BatchLimits

__all__ = [
    "PlannedLogBatch",
    "pack_batches",
    "plan_log_batches",
    "request_body_size",
    "split_by_order",
    "wire_fields",
]


class PlannedLogBatch(LogBatch):
    """A log-batch request whose JSON body was written once, when it was planned.

    Serializing a thousand metrics costs several milliseconds of CPU, the same cores a local
    MLflow server needs; the planner must serialize to know the size, so sending reuses it.
    Treat it as read-only: the body does not follow later changes to the fields.
    """

    _body: bytes = PrivateAttr(default=b"")

    @classmethod
    def planned(cls, run_id: str, items: dict[str, list[Item]]) -> PlannedLogBatch:
        batch = cls.model_validate({"run_id": run_id, **items})
        body: dict[str, Any] = {"run_id": run_id}
        for name in LogBatch.model_fields:  # the models' field order, as their serializer
            if name in items:
                body[name] = [wire_fields(item) for item in items[name]]
        batch._body = _to_json(body)
        return batch

    def to_wire_json(self) -> bytes:
        return self._body


def wire_fields(item: Item) -> dict[str, Any]:
    """What a metric, param or tag sends: its fields that hold a value.

    Items carry no extra fields (:func:`prepare_items` refuses them) and the three models have
    no aliases (a test holds the generated models to that).
    """
    return {name: value for name, value in item.__dict__.items() if value is not None}


def _to_json(value: Any) -> bytes:
    """JSON as the models' serializer writes it: compact, NaN and infinities as strings."""
    return pydantic_core.to_json(value, inf_nan_mode="strings")


def plan_log_batches(
    run_id: str,
    *,
    metrics: Sequence[MetricInput] = (),
    params: Sequence[ParamInput] = (),
    tags: Sequence[TagInput] = (),
    limits: BatchLimits = SERVER_LIMITS,
    default_timestamp: int | None = None,
) -> list[PlannedLogBatch]:
    """Validate the items (dicts or models) and pack them into as few requests as fit.

    Raises :class:`RequestValidationError` naming the item and the limit when one can never be
    stored (key too long, param value over the server's limit, ...). Metrics without a
    timestamp get ``default_timestamp``; without a step, step 0.
    """
    checked = prepare_items(run_id, metrics, params, tags, default_timestamp=default_timestamp)
    return pack_batches(run_id, *checked, limits=limits)


@dataclass
class _Kind:
    """One kind of item being packed: its wire name, what is left, and its per-request cap."""

    name: str
    items: Sequence[Item]
    cap: int
    position: int = 0

    @property
    def opening(self) -> int:
        """Bytes of ``,"metrics":[`` plus the closing ``]``."""
        return len(self.name) + 6

    @property
    def left(self) -> int:
        return len(self.items) - self.position


def pack_batches(
    run_id: str,
    metrics: Sequence[Metric],
    params: Sequence[Param],
    tags: Sequence[RunTag],
    *,
    limits: BatchLimits = SERVER_LIMITS,
) -> list[PlannedLogBatch]:
    """Pack already-valid items into requests within ``limits``, keeping order within kinds."""
    kinds = [
        _Kind("tags", tags, limits.max_tags),
        _Kind("params", params, limits.max_params),
        _Kind("metrics", metrics, limits.max_metrics),
    ]
    empty_size = request_body_size(LogBatch(run_id=run_id))
    batches: list[PlannedLogBatch] = []
    while any(kind.left for kind in kinds):
        started_at = [kind.position for kind in kinds]
        batch = PlannedLogBatch.planned(run_id, _take_by_count(kinds, limits))
        if len(batch.to_wire_json()) > limits.max_body_bytes:
            for kind, position in zip(kinds, started_at, strict=True):
                kind.position = position
            chosen, counted = _take_by_size(kinds, limits, empty_size)
            batch = PlannedLogBatch.planned(run_id, chosen)
            _confirm_size(batch, counted, limits)
        batches.append(batch)
    return batches


def _take_by_count(kinds: Sequence[_Kind], limits: BatchLimits) -> dict[str, list[Any]]:
    """The next request's items, as many as the count caps allow, ignoring bytes."""
    chosen: dict[str, list[Any]] = {}
    room = limits.max_entities
    for kind in kinds:
        count = min(kind.left, kind.cap, room)
        if count:
            chosen[kind.name] = list(kind.items[kind.position : kind.position + count])
            kind.position += count
            room -= count
    return chosen


def _take_by_size(
    kinds: Sequence[_Kind], limits: BatchLimits, empty_size: int
) -> tuple[dict[str, list[Any]], int]:
    """The next request's items, measured one by one; also the body size they add up to."""
    size, taken = empty_size, 0
    chosen: dict[str, list[Any]] = {}
    for kind in kinds:
        picked: list[Item] = []
        while kind.left and len(picked) < kind.cap and taken < limits.max_entities:
            item = kind.items[kind.position]
            extra = len(_to_json(wire_fields(item))) + (1 if picked else kind.opening)
            if size + extra > limits.max_body_bytes:
                if taken == 0:
                    raise _too_large(kind, item, empty_size + extra, limits)
                break
            picked.append(item)
            size += extra
            taken += 1
            kind.position += 1
        if picked:
            chosen[kind.name] = picked
    return chosen, size


def request_body_size(batch: LogBatch) -> int:
    """The number of bytes this request's JSON body has on the wire."""
    return len(batch.to_wire_json())


def _too_large(kind: _Kind, item: Item, size: int, limits: BatchLimits) -> RequestValidationError:
    return RequestValidationError(
        "log_batch",
        f"{kind.name}[{kind.position}]",
        f"key {shown(str(item.key))} makes a request of {size:,} bytes on its own; "
        f"one log-batch request may carry at most {limits.max_body_bytes:,} bytes",
    )


def _confirm_size(batch: PlannedLogBatch, counted: int, limits: BatchLimits) -> None:
    """Items measured one by one must add up to the body really sent: a mismatch is a bug."""
    actual = len(batch.to_wire_json())
    if actual != counted or actual > limits.max_body_bytes:
        raise AssertionError(
            f"log-batch planner counted {counted} bytes but the request has {actual} "
            f"(limit {limits.max_body_bytes})"
        )


def split_by_order(
    batches: Sequence[PlannedLogBatch],
) -> tuple[list[PlannedLogBatch], list[PlannedLogBatch]]:
    """(requests that must go one after another, requests that may go in any order).

    Requests carrying tags must keep their order; :func:`pack_batches` puts all tags first, so
    they form a prefix.
    """
    ordered = 0
    while ordered < len(batches) and batches[ordered].tags:
        ordered += 1
    return list(batches[:ordered]), list(batches[ordered:])
