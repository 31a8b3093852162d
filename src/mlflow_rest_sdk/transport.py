"""The transport protocol, for teams that plug in their own HTTP stack.

Implement :class:`Transport` (blocking) or :class:`AsyncTransport` (asyncio): take one
:class:`HttpRequest`, return one :class:`HttpResponse`, raise :class:`TransportError` (or
:class:`ConnectionRefused` / :class:`TransportTimeout`) when no response came back. Pass the
object as ``MlflowClient(..., transport=my_transport)``. Streaming artifact transfers also need
:class:`StreamingTransport` / :class:`AsyncStreamingTransport` (the built-in transports have it).
"""

from mlflow_rest_sdk._runtime._async.httpx_transport import AsyncHttpxTransport
from mlflow_rest_sdk._runtime._sync.httpx_transport import HttpxTransport
from mlflow_rest_sdk._runtime.transport import (
    AsyncStreamedResponse,
    AsyncStreamingTransport,
    AsyncTransport,
    ConnectionRefused,
    HttpRequest,
    HttpResponse,
    PoolLimits,
    StreamedResponse,
    StreamingTransport,
    Timeouts,
    TlsConfig,
    Transport,
    TransportError,
    TransportSettings,
    TransportTimeout,
)

__all__ = [
    "AsyncHttpxTransport",
    "AsyncStreamedResponse",
    "AsyncStreamingTransport",
    "AsyncTransport",
    "ConnectionRefused",
    "HttpRequest",
    "HttpResponse",
    "HttpxTransport",
    "PoolLimits",
    "StreamedResponse",
    "StreamingTransport",
    "Timeouts",
    "TlsConfig",
    "Transport",
    "TransportError",
    "TransportSettings",
    "TransportTimeout",
]
