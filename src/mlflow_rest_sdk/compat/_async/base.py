"""What every compat client method stands on: the SDK's own client, and closing it.

The compat client wraps the SDK's generated client instead of talking HTTP itself, so it has
the SDK's transports, connection pool, retries (which never duplicate a create) and load limit;
what it adds is only MLflow's argument and return shapes and ``MlflowException``.
"""

from __future__ import annotations

from typing import Self

from mlflow_rest_sdk.client import AsyncMlflowClient as AsyncRestClient
from mlflow_rest_sdk.closing import AsyncClosing
from mlflow_rest_sdk.compat._errors import mlflow_errors
from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = ["AsyncCompatBase"]


class AsyncCompatBase(AsyncClosing):
    """Holds the SDK client (:attr:`rest`) the MLflow-shaped methods call."""

    def __init__(
        self,
        tracking_uri: str | None = None,
        registry_uri: str | None = None,
        workspace_store_uri: str | None = None,
    ) -> None:
        """``tracking_uri`` is the server's http(s) URL, else ``MLFLOW_TRACKING_URI``;
        ``registry_uri`` likewise, else ``MLFLOW_REGISTRY_URI``, else the tracking server.

        ``workspace_store_uri`` exists for MLflow's signature; a separate workspace store is
        not supported, so anything but None is refused rather than silently ignored.
        """
        if workspace_store_uri is not None:
            raise MlflowException(
                "workspace_store_uri is not supported by mlflow_rest_sdk.compat: workspaces "
                "are served by the tracking server itself",
                error_code="NOT_IMPLEMENTED",
            )
        with mlflow_errors():
            self._rest = AsyncRestClient(tracking_uri, registry_uri=registry_uri)

    @classmethod
    def from_rest(cls, rest: AsyncRestClient) -> Self:
        """A compat client over an SDK client built with options MLflow's constructor lacks
        (credentials, timeouts, a transport); closing either closes both."""
        client = cls.__new__(cls)
        client._rest = rest
        return client

    @property
    def rest(self) -> AsyncRestClient:
        """The SDK client underneath, for the SDK's own methods next to MLflow's."""
        return self._rest

    @property
    def tracking_uri(self) -> str:
        return self._rest.tracking_uri

    async def aclose(self) -> None:
        """Release the pooled connections (MLflow's client has no such call; this one holds
        a pool, so ``with`` or ``close()`` frees it at once instead of at garbage collection)."""
        await self._rest.aclose()
