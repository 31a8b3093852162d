# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/_runtime/_async/retrying.py
"""The retry loop of one call, written once for asyncio (``_sync/retrying.py`` is the derived
blocking twin): tenacity's ``Retrying`` with the options of :mod:`..retry`, where every
decision lives. tenacity is imported by the first call, not with the SDK."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from mlflow_rest_sdk._runtime.retry import Deadline, RetryPolicy, retrying_options

if TYPE_CHECKING:
    import tenacity

__all__ = ["sync_retrying"]


def sync_retrying(
    policy: RetryPolicy,
    idempotent: bool,
    sleep: Callable[[float], None] | None = None,
    rand: Callable[[], float] = random.random,
    deadline: Deadline | None = None,
) -> tenacity.Retrying:
    """tenacity's loop for one call under ``policy`` (``sleep`` defaults to tenacity's own)."""
    import tenacity

    return tenacity.Retrying(**retrying_options(policy, idempotent, sleep, rand, deadline))
