"""The retry loop of one call, written once for asyncio (``_sync/retrying.py`` is the derived
blocking twin): tenacity's ``AsyncRetrying`` with the options of :mod:`..retry`, where every
decision lives. tenacity is imported by the first call, not with the SDK."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from mlflow_rest_sdk._runtime.retry import Deadline, RetryPolicy, retrying_options

if TYPE_CHECKING:
    import tenacity

__all__ = ["async_retrying"]


def async_retrying(
    policy: RetryPolicy,
    idempotent: bool,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    rand: Callable[[], float] = random.random,
    deadline: Deadline | None = None,
) -> tenacity.AsyncRetrying:
    """tenacity's loop for one call under ``policy`` (``sleep`` defaults to tenacity's own)."""
    import tenacity

    return tenacity.AsyncRetrying(**retrying_options(policy, idempotent, sleep, rand, deadline))
