"""The SDK's context-manager mixins, for packages and helpers that hold resources.

Public so that code outside the SDK's private ``_runtime`` (``water_models``, the SDK's own
helpers) gets ``with``/``async with`` behaviour from one method: subclass :class:`Closing` and
implement ``close()``, or :class:`AsyncClosing` and implement ``aclose()``; entering returns the
object itself and leaving the block closes it.
"""

from mlflow_rest_sdk._runtime._async.closing import AsyncClosing
from mlflow_rest_sdk._runtime._sync.closing import Closing

__all__ = ["AsyncClosing", "Closing"]
