"""When the fleet cache asks MLflow next: a jittered interval, or a jittered backoff after failures.

Pure arithmetic on a given random generator, so the schedule is tested with tables and a seed.

Why jitter at all: replicas deployed together start together. With a fixed interval they would
list the registry in the same instant forever; spreading each delay over ``interval * (1 ± j)``
makes them drift apart within a few intervals. After a failure the delay doubles from
``backoff_initial`` up to ``backoff_max``, and is drawn from the upper half of that span
("equal jitter"): a restarted server then meets the replicas spread over several seconds instead
of all at once, and no replica retries at once (the lower half would allow near-zero delays).
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RefreshSchedule:
    """``interval`` seconds between refreshes, each spread by ``± jitter`` (a fraction)."""

    interval: float = 60.0
    jitter: float = 0.1
    backoff_initial: float = 1.0
    backoff_max: float = 120.0

    def __post_init__(self) -> None:
        if self.interval <= 0 or self.backoff_initial <= 0 or self.backoff_max <= 0:
            raise ValueError("refresh interval and backoff times must be > 0 seconds")
        if not 0 <= self.jitter < 1:
            raise ValueError(f"refresh jitter must be in [0, 1), got {self.jitter}")

    def next_delay(self, consecutive_failures: int, rng: random.Random) -> float:
        """Seconds to wait before the next refresh, given how many refreshes failed in a row."""
        if consecutive_failures <= 0:
            return self.interval * rng.uniform(1 - self.jitter, 1 + self.jitter)
        return rng.uniform(*self.backoff_span(consecutive_failures))

    def backoff_span(self, consecutive_failures: int) -> tuple[float, float]:
        """The range the delay after ``consecutive_failures`` failures is drawn from."""
        exponent = min(consecutive_failures - 1, 60)  # 2**60 s is past any cap: no overflow
        cap = min(self.backoff_max, self.backoff_initial * 2.0**exponent)
        return cap / 2, cap
