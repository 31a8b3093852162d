"""One MLflow conversation, two drivers: flows are written once and run by a sync or async client.

A flow is a generator that yields :class:`Call` s (a client method name and its keyword
arguments) and receives each result, or has the client's exception thrown into it. The sync
driver calls :class:`MlflowClient`, the async one awaits :class:`AsyncMlflowClient`; the steps,
the error handling and the decisions live in the flow, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    operation: str
    kwargs: dict[str, Any] = field(default_factory=dict)


Flow = Generator[Call, Any, T]


def run_sync(client: MlflowClient, flow: Flow[T]) -> T:
    """Drive ``flow`` with blocking calls."""
    try:
        call = next(flow)
        while True:
            try:
                result = getattr(client, call.operation)(**call.kwargs)
            except Exception as error:  # handed to the flow, which re-raises what it cannot use
                call = flow.throw(error)
            else:
                call = flow.send(result)
    except StopIteration as stop:
        value: T = stop.value
        return value


async def run_async(client: AsyncMlflowClient, flow: Flow[T]) -> T:
    """Drive ``flow`` with awaited calls."""
    try:
        call = next(flow)
        while True:
            try:
                result = await getattr(client, call.operation)(**call.kwargs)
            except Exception as error:
                call = flow.throw(error)
            else:
                call = flow.send(result)
    except StopIteration as stop:
        value: T = stop.value
        return value
