"""MLflow's limits on batched logging, in one place.

The values are those of ``mlflow.utils.validation`` (MLflow 3.17.2); a unit test compares them
with the installed MLflow so that a new release that changes them cannot go unnoticed. The SDK
itself never imports ``mlflow``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

#: Longest metric, param or tag key the server accepts (``MAX_ENTITY_KEY_LENGTH``).
MAX_KEY_LENGTH = 250
#: Longest param value (``MAX_PARAM_VAL_LENGTH``). The server would silently truncate a longer
#: one (``MLFLOW_TRUNCATE_LONG_VALUES`` defaults to true): we refuse it instead of losing data.
MAX_PARAM_VALUE_LENGTH = 6000
#: Longest run tag value (``MAX_TAG_VAL_LENGTH``), truncated by the server like params.
MAX_TAG_VALUE_LENGTH = 8000


@dataclass(frozen=True, slots=True)
class BatchLimits:
    """What one log-batch request may carry. The defaults are the server's own limits.

    ``max_body_bytes`` is compared with the exact JSON body that is sent (MLflow's
    ``MAX_BATCH_LOG_REQUEST_SIZE`` is 10**6 bytes, not a mebibyte).
    """

    max_metrics: int = 1000
    max_params: int = 100
    max_tags: int = 100
    max_entities: int = 1000
    max_body_bytes: int = 1_000_000

    def __post_init__(self) -> None:
        for limit in fields(self):
            value = getattr(self, limit.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"BatchLimits.{limit.name} must be a positive integer, got {value!r}"
                )
            if value > limit.default:  # type: ignore[operator]
                raise ValueError(
                    f"BatchLimits.{limit.name}={value} exceeds the server's limit "
                    f"of {limit.default}"
                )

    def with_batch_size(self, batch_size: int) -> BatchLimits:
        """These limits with at most ``batch_size`` entities (metrics+params+tags) per request."""
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if batch_size > self.max_entities:
            raise ValueError(
                f"batch_size={batch_size} exceeds the {self.max_entities} entities "
                "one log-batch request may carry"
            )
        return BatchLimits(
            max_metrics=min(self.max_metrics, batch_size),
            max_params=min(self.max_params, batch_size),
            max_tags=min(self.max_tags, batch_size),
            max_entities=batch_size,
            max_body_bytes=self.max_body_bytes,
        )


#: The limits of a stock MLflow server.
SERVER_LIMITS = BatchLimits()


def require_positive_int(name: str, value: object) -> None:
    """Refuse anything but a positive int for a count setting (a bool is not a count)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
