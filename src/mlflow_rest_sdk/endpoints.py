"""The SDK's endpoint table, as a public API: one :class:`Endpoint` per REST operation.

Code that routes a REST path to a typed client method (a shim for an older ``path + dict``
helper, a proxy, a doctor) reads this table instead of the generated modules, which may be
regrouped at any regeneration.
"""

from __future__ import annotations

from mlflow_rest_sdk._generated.endpoints import ALL_ENDPOINTS, OLDEST_RELEASE
from mlflow_rest_sdk._runtime.endpoint import Endpoint

__all__ = ["ALL_ENDPOINTS", "OLDEST_RELEASE", "Endpoint"]
