"""What could not be stored, and why: kept small, told plainly.

A logger on a run that was deleted may fail every request for hours, so lost values are kept as
a summary (per metric key: how many values, which steps; param and tag keys), grouped by the
reason they were lost, never as the values themselves: memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlflow_rest_sdk._runtime.error_base import MlflowRestError

if TYPE_CHECKING:
    from mlflow_rest_sdk._generated.models import LogBatch

#: Why a request was not sent by ``log_batch_all``.
NOT_SENT = "not sent, because an earlier request of the same call failed"
#: Distinct failure reasons kept; later reasons are counted under the last one kept.
MAX_REASONS = 8
#: Keys named in an error message before "and N more".
_KEYS_SHOWN = 10


@dataclass
class LostMetric:
    """How many values of one metric key were lost, and the range of their steps."""

    key: str
    count: int
    min_step: int
    max_step: int

    def describe(self) -> str:
        steps = (
            f"step {self.min_step}"
            if self.min_step == self.max_step
            else f"steps {self.min_step}..{self.max_step}"
        )
        values = "1 value" if self.count == 1 else f"{self.count:,} values"
        return f"{self.key!r} ({values}, {steps})"


@dataclass
class LostValues:
    """Everything lost for one reason: metrics by key, param and tag keys, request count."""

    reason: str
    requests: int = 0
    metrics: dict[str, LostMetric] = field(default_factory=dict)
    params: dict[str, None] = field(default_factory=dict)
    tags: dict[str, None] = field(default_factory=dict)

    @property
    def metric_count(self) -> int:
        return sum(lost.count for lost in self.metrics.values())

    def add(self, batch: LogBatch) -> None:
        self.requests += 1
        for metric in batch.metrics:
            key, step = str(metric.key), metric.step or 0
            lost = self.metrics.get(key)
            if lost is None:
                self.metrics[key] = LostMetric(key, 1, step, step)
            else:
                lost.count += 1
                lost.min_step = min(lost.min_step, step)
                lost.max_step = max(lost.max_step, step)
        self.params.update(dict.fromkeys(str(param.key) for param in batch.params))
        self.tags.update(dict.fromkeys(str(tag.key) for tag in batch.tags))

    def describe(self) -> str:
        parts = []
        if self.metrics:
            parts.append(f"metrics {_listed(lost.describe() for lost in self.metrics.values())}")
        if self.params:
            parts.append(f"params {_listed(repr(key) for key in self.params)}")
        if self.tags:
            parts.append(f"tags {_listed(repr(key) for key in self.tags)}")
        return f"{'; '.join(parts)} -- because {self.reason}"


class LossLedger:
    """Collects failed requests until someone asks (``flush``, ``close``): no I/O, no locking."""

    def __init__(self) -> None:
        self._by_reason: dict[str, LostValues] = {}
        self.first_error: BaseException | None = None

    def __bool__(self) -> bool:
        return bool(self._by_reason)

    def record(self, batch: LogBatch, error: BaseException | str) -> None:
        """Note that ``batch`` was not stored, because of ``error`` (an exception or a reason)."""
        if isinstance(error, BaseException):
            if self.first_error is None:
                self.first_error = error
            reason = f"{type(error).__name__}: {error}"
        else:
            reason = error
        lost = self._by_reason.get(reason)
        if lost is None:
            if len(self._by_reason) >= MAX_REASONS:
                lost = list(self._by_reason.values())[-1]
            else:
                lost = self._by_reason[reason] = LostValues(reason)
        lost.add(batch)

    def take(self, run_id: str) -> BatchLoggingError | None:
        """The error describing everything recorded so far (and forget it), or None."""
        if not self._by_reason:
            return None
        error = BatchLoggingError(run_id, tuple(self._by_reason.values()))
        error.__cause__ = self.first_error
        self._by_reason, self.first_error = {}, None
        return error


class BatchLoggingError(MlflowRestError):
    """Some metrics, params or tags were not stored; ``lost`` says which, grouped by why."""

    def __init__(self, run_id: str, lost: tuple[LostValues, ...]) -> None:
        self.run_id = run_id
        self.lost = lost
        requests = sum(group.requests for group in lost)
        what = "1 log-batch request" if requests == 1 else f"{requests:,} log-batch requests"
        details = "\n".join(f"  - {group.describe()}" for group in lost)
        super().__init__(f"{what} for run {run_id!r} could not be stored:\n{details}")

    @property
    def metric_keys(self) -> list[str]:
        """Every metric key with at least one lost value."""
        return list(dict.fromkeys(key for group in self.lost for key in group.metrics))

    @property
    def param_keys(self) -> list[str]:
        return list(dict.fromkeys(key for group in self.lost for key in group.params))

    @property
    def tag_keys(self) -> list[str]:
        return list(dict.fromkeys(key for group in self.lost for key in group.tags))


def _listed(names: Iterable[str]) -> str:
    items = list(names)
    more = len(items) - _KEYS_SHOWN
    shown = ", ".join(items[:_KEYS_SHOWN])
    return f"{shown} and {more} more" if more > 0 else shown
