"""One MLflow conversation, two drivers: flows are written once and run by a sync or async client.

A flow is a generator that yields :class:`Call` s (a client method name and its keyword
arguments) and receives each result, or has the client's exception thrown into it. The sync
driver calls :class:`MlflowClient`, the async one awaits :class:`AsyncMlflowClient`; the steps,
the error handling and the decisions live in the flow, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    operation: str
    kwargs: dict[str, Any] = field(default_factory=dict)


Flow = Generator[Call, Any, T]


@dataclass(frozen=True)
class _Done(Generic[T]):
    """The flow returned: ``value`` is what it returned."""

    value: T


def _step(flow: Flow[T], result: Any = None, error: Exception | None = None) -> Call | _Done[T]:
    """Hand the flow the last call's ``result`` (``None`` to start it), or throw ``error`` into
    it; return its next call, or :class:`_Done` once it returns. What the flow raises propagates.

    Both drivers call this for the throw inside their ``except`` clause, so an exception the flow
    raises while handling ``error`` chains to it exactly as if it were raised there.
    """
    try:
        return flow.send(result) if error is None else flow.throw(error)
    except StopIteration as stop:
        return _Done(stop.value)


def run_sync(client: MlflowClient, flow: Flow[T]) -> T:
    """Drive ``flow`` with blocking calls."""
    step = _step(flow)
    while isinstance(step, Call):
        try:
            result = getattr(client, step.operation)(**step.kwargs)
        except Exception as error:  # handed to the flow, which re-raises what it cannot use
            step = _step(flow, error=error)
        else:
            step = _step(flow, result)
    return step.value


async def run_async(client: AsyncMlflowClient, flow: Flow[T]) -> T:
    """Drive ``flow`` with awaited calls (the same loop as :func:`run_sync`)."""
    step = _step(flow)
    while isinstance(step, Call):
        try:
            result = await getattr(client, step.operation)(**step.kwargs)
        except Exception as error:
            step = _step(flow, error=error)
        else:
            step = _step(flow, result)
    return step.value
