"""The public clients: the generated operations plus the hand-written runtime behaviour."""

from __future__ import annotations

from collections.abc import Mapping

from mlflow_rest_sdk._generated.async_client import GeneratedAsyncMlflowClient
from mlflow_rest_sdk._generated.endpoints import OLDEST_RELEASE, VERSION
from mlflow_rest_sdk._generated.errors import ERROR_TYPES
from mlflow_rest_sdk._generated.sync_client import GeneratedMlflowClient
from mlflow_rest_sdk._recoveries import RECOVERIES
from mlflow_rest_sdk._runtime.endpoint import Endpoint
from mlflow_rest_sdk._runtime.error_base import MlflowApiError
from mlflow_rest_sdk._runtime.recovery import Recovery
from mlflow_rest_sdk.artifacts import ArtifactsMixin, AsyncArtifactsMixin
from mlflow_rest_sdk.batching import AsyncBatchingMixin, BatchingMixin

__all__ = ["AsyncMlflowClient", "MlflowClient"]


class MlflowClient(ArtifactsMixin, BatchingMixin, GeneratedMlflowClient):
    """Blocking client for an MLflow tracking server.

    ``MlflowClient("http://127.0.0.1:5000")`` (or ``MLFLOW_TRACKING_URI``); use it as a context
    manager, or call ``close()``, to release its pooled connections.
    """

    _ERROR_TYPES: Mapping[str, type[MlflowApiError]] = ERROR_TYPES
    _RECOVERIES: Mapping[str, Recovery] = RECOVERIES
    _OLDEST_RELEASE: str | None = OLDEST_RELEASE
    _VERSION_ENDPOINT: Endpoint | None = VERSION


class AsyncMlflowClient(AsyncArtifactsMixin, AsyncBatchingMixin, GeneratedAsyncMlflowClient):
    """Asyncio client with the same methods as :class:`MlflowClient`, awaitable.

    ``transport="httpx"`` (default) or ``"aiohttp"`` (needs the ``aiohttp`` extra), or any
    object implementing :class:`mlflow_rest_sdk.transport.AsyncTransport`.
    """

    _ERROR_TYPES: Mapping[str, type[MlflowApiError]] = ERROR_TYPES
    _RECOVERIES: Mapping[str, Recovery] = RECOVERIES
    _OLDEST_RELEASE: str | None = OLDEST_RELEASE
    _VERSION_ENDPOINT: Endpoint | None = VERSION
