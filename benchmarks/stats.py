"""Summary statistics for repeated timings: medians, because one slow sample on a shared
machine must not move the figure."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Summary", "quantile", "summarize"]


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation between the sorted values."""
    if not values:
        raise ValueError("quantile of no values")
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must be within 0..1, got {q}")
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Summary:
    """Median and spread of one series of samples."""

    median: float
    p25: float
    p75: float
    minimum: float
    maximum: float
    n: int


def summarize(values: Sequence[float]) -> Summary:
    """Median, quartiles and range of ``values`` (at least one)."""
    if not values:
        raise ValueError("summarize needs at least one sample")
    return Summary(
        median=statistics.median(values),
        p25=quantile(values, 0.25),
        p75=quantile(values, 0.75),
        minimum=min(values),
        maximum=max(values),
        n=len(values),
    )
