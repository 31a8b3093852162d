"""The two flow drivers (no server): results are sent into the flow, client errors thrown into
it, and what the flow cannot use comes out of the driver, chained to the client's error."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from water_models.calls import Call, Flow, run_async, run_sync


class Missing(Exception):
    pass


class SyncClient:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get(self, name: str) -> str:
        self.calls.append(("get", {"name": name}))
        if name == "missing":
            raise Missing(name)
        return f"got {name}"


class AsyncClient:
    def __init__(self) -> None:
        self.sync = SyncClient()

    async def get(self, name: str) -> str:
        return self.sync.get(name)


def recovering_flow() -> Flow[list[str]]:
    """Reads one name, falls back to another when the first is missing."""
    seen = [(yield Call("get", {"name": "first"}))]
    try:
        seen.append((yield Call("get", {"name": "missing"})))
    except Missing as missing:
        seen.append(f"recovered from {missing}")
        seen.append((yield Call("get", {"name": "fallback"})))
    return seen


def failing_flow() -> Flow[None]:
    """Handles the client's error by raising one of its own (chained to the client's)."""
    with contextlib.suppress(Missing):
        yield Call("get", {"name": "missing"})
    raise LookupError("no such model")


EXPECTED = ["got first", "recovered from missing", "got fallback"]
ASKED = [("get", {"name": name}) for name in ("first", "missing", "fallback")]


def test_the_sync_driver_throws_client_errors_into_the_flow() -> None:
    client = SyncClient()
    assert run_sync(client, recovering_flow()) == EXPECTED  # type: ignore[arg-type]
    assert client.calls == ASKED
    with pytest.raises(LookupError) as raised:
        run_sync(client, failing_flow())  # type: ignore[arg-type]
    assert isinstance(raised.value.__context__, Missing)


async def test_the_async_driver_throws_client_errors_into_the_flow() -> None:
    client = AsyncClient()
    assert await run_async(client, recovering_flow()) == EXPECTED  # type: ignore[arg-type]
    assert client.sync.calls == ASKED
    with pytest.raises(LookupError) as raised:
        await run_async(client, failing_flow())  # type: ignore[arg-type]
    assert isinstance(raised.value.__context__, Missing)


def test_a_flow_that_makes_no_call_returns_at_once() -> None:
    def no_calls() -> Flow[int]:
        return 7
        yield  # a generator that never yields

    assert run_sync(SyncClient(), no_calls()) == 7  # type: ignore[arg-type]
