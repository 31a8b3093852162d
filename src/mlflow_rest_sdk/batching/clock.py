"""Wall-clock time as MLflow records it."""

from __future__ import annotations

import time


def now_ms() -> int:
    """Milliseconds since the epoch: the timestamp MLflow gives a value logged now."""
    return time.time_ns() // 1_000_000
