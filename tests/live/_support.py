"""Small helpers shared by the live test modules."""

from __future__ import annotations

import time


def now_ms() -> int:
    """The current time in milliseconds since the epoch, as MLflow timestamps are."""
    return int(time.time() * 1000)
