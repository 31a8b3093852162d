"""The state of a run logger that involves no I/O, shared by the thread and asyncio loggers:
values waiting for the next request, when they are due, and the params already logged."""

from __future__ import annotations

from dataclasses import dataclass

from mlflow_rest_sdk._generated.models import Metric, Param, RunTag
from mlflow_rest_sdk._runtime.error_base import RequestValidationError
from mlflow_rest_sdk.batching.items import Item, shown
from mlflow_rest_sdk.batching.limits import SERVER_LIMITS, BatchLimits, require_positive_int
from mlflow_rest_sdk.batching.planner import PlannedLogBatch, pack_batches


@dataclass(frozen=True, slots=True)
class RunLoggerSettings:
    """How a run logger batches.

    ``batch_size``: entities per request (at most 1000, MLflow's limit); a full batch is sent at
    once. ``flush_interval``: seconds a logged value may wait for its batch to fill.
    ``max_queue_size``: values accepted but not yet sent before ``log_*`` blocks (back-pressure).
    ``max_concurrency``: requests in flight at once (worker threads for the blocking logger,
    tasks for the asyncio logger); requests carrying tags still go one after another.
    """

    batch_size: int = 1000
    flush_interval: float = 2.0
    max_queue_size: int = 10_000
    max_concurrency: int = 4

    def __post_init__(self) -> None:
        SERVER_LIMITS.with_batch_size(self.batch_size)  # raises on a bad batch size
        if not self.flush_interval > 0:
            raise ValueError(f"flush_interval must be > 0 seconds, got {self.flush_interval!r}")
        require_positive_int("max_queue_size", self.max_queue_size)
        require_positive_int("max_concurrency", self.max_concurrency)

    @property
    def limits(self) -> BatchLimits:
        return SERVER_LIMITS.with_batch_size(self.batch_size)


class PendingValues:
    """Values accepted but not yet packed into a request, and the deadline for sending them."""

    def __init__(self, run_id: str, settings: RunLoggerSettings) -> None:
        self._run_id = run_id
        self._limits = settings.limits
        self._interval = settings.flush_interval
        self._metrics: list[Metric] = []
        self._params: list[Param] = []
        self._tags: list[RunTag] = []
        self._due_at: float | None = None

    def __len__(self) -> int:
        return len(self._metrics) + len(self._params) + len(self._tags)

    def add(self, item: Item, now: float) -> None:
        if isinstance(item, Metric):
            self._metrics.append(item)
        elif isinstance(item, Param):
            self._params.append(item)
        else:
            self._tags.append(item)
        if self._due_at is None:
            self._due_at = now + self._interval

    @property
    def full(self) -> bool:
        """True when the pending values make at least one full request."""
        return (
            len(self) >= self._limits.max_entities
            or len(self._metrics) >= self._limits.max_metrics
            or len(self._params) >= self._limits.max_params
            or len(self._tags) >= self._limits.max_tags
        )

    def seconds_until_due(self, now: float) -> float | None:
        """How long until the oldest pending value must be sent; None when nothing waits."""
        return None if self._due_at is None else max(0.0, self._due_at - now)

    def take(self) -> list[PlannedLogBatch]:
        """Everything pending, packed into requests (tags first, order kept within kinds)."""
        batches = pack_batches(
            self._run_id, self._metrics, self._params, self._tags, limits=self._limits
        )
        self._metrics, self._params, self._tags = [], [], []
        self._due_at = None
        return batches


class ParamBook:
    """The params a logger has accepted: a repeat is dropped, a changed value refused at once.

    MLflow refuses to change a logged param and refuses a request that names one key twice, so
    this is checked when ``log_param`` is called, not discovered later in the background.
    """

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def admit(self, param: Param) -> bool:
        """True if ``param`` is new; False for an exact repeat; raises for a changed value."""
        key, value = str(param.key), str(param.value)
        known = self._values.get(key)
        if known is None:
            self._values[key] = value
            return True
        if known == value:
            return False
        raise RequestValidationError(
            "log_param",
            None,
            f"param {shown(key)} was already logged with another value; "
            "MLflow never changes a logged param",
        )
