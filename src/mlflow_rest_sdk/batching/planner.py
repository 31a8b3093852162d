"""Split any number of metrics, params and tags into log-batch requests the server accepts.

Pure: no I/O, no clock. Sizes are measured, not guessed: each item's exact JSON (what
``LogBatch.to_wire_json()`` writes for it) is counted, plus the exact framing around it. A
request that ends up within 10% of ``max_body_bytes`` is serialized whole once more to confirm
it fits (the others have a wide margin, and serializing them twice would double the cost).

Packing is greedy and keeps the order within each kind. Each request takes tags first, then
params, then metrics, so all tags sit in the first requests: the only kind whose order across
requests matters to MLflow (a later value of a tag overwrites an earlier one). Metrics are
stored by (key, step, timestamp, value), whatever the order they arrive in, and params never
change, so requests without tags may be sent in any order, or concurrently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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

__all__ = ["pack_batches", "plan_log_batches", "request_body_size", "split_by_order"]

#: Share of ``max_body_bytes`` above which a packed request is serialized again to confirm it.
_CONFIRM_ABOVE = 0.9


def plan_log_batches(
    run_id: str,
    *,
    metrics: Sequence[MetricInput] = (),
    params: Sequence[ParamInput] = (),
    tags: Sequence[TagInput] = (),
    limits: BatchLimits = SERVER_LIMITS,
    default_timestamp: int | None = None,
) -> list[LogBatch]:
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


def pack_batches(
    run_id: str,
    metrics: Sequence[Metric],
    params: Sequence[Param],
    tags: Sequence[RunTag],
    *,
    limits: BatchLimits = SERVER_LIMITS,
) -> list[LogBatch]:
    """Pack already-valid items into requests within ``limits``, keeping order within kinds."""
    kinds = [
        _Kind("tags", tags, limits.max_tags),
        _Kind("params", params, limits.max_params),
        _Kind("metrics", metrics, limits.max_metrics),
    ]
    empty_size = request_body_size(LogBatch(run_id=run_id))
    batches: list[LogBatch] = []
    while any(kind.position < len(kind.items) for kind in kinds):
        size, taken = empty_size, 0
        chosen: dict[str, list[Item]] = {}
        for kind in kinds:
            picked: list[Item] = []
            while (
                kind.position < len(kind.items)
                and len(picked) < kind.cap
                and taken < limits.max_entities
            ):
                item = kind.items[kind.position]
                extra = len(item.to_wire_json()) + (1 if picked else kind.opening)
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
        batch = LogBatch.model_validate({"run_id": run_id, **chosen})
        _confirm_size(batch, size, limits)
        batches.append(batch)
    return batches


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


def _confirm_size(batch: LogBatch, counted: int, limits: BatchLimits) -> None:
    """Near the limit, the body really sent must be the size counted: a mismatch is a bug."""
    if counted < limits.max_body_bytes * _CONFIRM_ABOVE:
        return
    actual = request_body_size(batch)
    if actual != counted or actual > limits.max_body_bytes:
        raise AssertionError(
            f"log-batch planner counted {counted} bytes but the request has {actual} "
            f"(limit {limits.max_body_bytes})"
        )


def split_by_order(batches: Sequence[LogBatch]) -> tuple[list[LogBatch], list[LogBatch]]:
    """(requests that must go one after another, requests that may go in any order).

    Requests carrying tags must keep their order; :func:`pack_batches` puts all tags first, so
    they form a prefix.
    """
    ordered = 0
    while ordered < len(batches) and batches[ordered].tags:
        ordered += 1
    return list(batches[:ordered]), list(batches[ordered:])
