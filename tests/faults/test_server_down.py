"""A server that is down: calls fail within the configured deadline, naming the URL.

Two kinds of "down": nothing listens on the port (connections refused: retried, since the server
cannot have acted, until the deadline), and a server that accepts connections but never answers
(every attempt times out). Either way the caller hears back within the deadline, not after the
default timeouts and retries would add up to minutes, on every transport.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient, RetryPolicy
from mlflow_rest_sdk.errors import APIConnectionError, APITimeoutError

DEADLINE_S = 2.0
#: Slack for a loaded two-core machine: the last attempt's timeouts are cut to the time left,
#: so a call ends close to its deadline.
GRACE_S = 0.75
TIMEOUT_S = 0.5
#: Retry for as long as the deadline allows: it, not max_attempts, must end the call.
POLICY = RetryPolicy(backoff_factor=0.1, backoff_max=0.3, max_attempts=1000, deadline=DEADLINE_S)
TRANSPORTS = ("httpx-sync", "httpx-async", "aiohttp-async")


@pytest.fixture
def refusing_url() -> str:
    """A loopback URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def hung_url() -> Iterator[str]:
    """A loopback URL that accepts connections (in the kernel's backlog) and never answers."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


async def _fail_timed(
    kind: str, url: str, operation: str, arguments: dict[str, Any]
) -> tuple[APIConnectionError, float]:
    """The error the call raised, and how long the call took (not counting client set-up)."""
    if kind == "httpx-sync":
        with MlflowClient(
            url, transport="httpx", timeout=TIMEOUT_S, retry=POLICY, env_file=False
        ) as client:
            started = time.monotonic()
            with pytest.raises(APIConnectionError) as raised:
                getattr(client, operation)(**arguments)
            return raised.value, time.monotonic() - started
    async with AsyncMlflowClient(
        url, transport=kind.removesuffix("-async"), timeout=TIMEOUT_S, retry=POLICY, env_file=False
    ) as aclient:
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as raised:
            await getattr(aclient, operation)(**arguments)
        return raised.value, time.monotonic() - started


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_read_from_a_refusing_server_fails_within_the_deadline_naming_the_url(
    kind: str, refusing_url: str
) -> None:
    error, elapsed = await _fail_timed(kind, refusing_url, "get_experiment", {"experiment_id": "0"})

    assert elapsed <= DEADLINE_S + GRACE_S
    assert f"{refusing_url}/api/2.0/mlflow/experiments/get" in str(error)
    assert error.url.startswith(refusing_url)


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_create_on_a_refusing_server_fails_within_the_deadline_naming_the_url(
    kind: str, refusing_url: str
) -> None:
    error, elapsed = await _fail_timed(kind, refusing_url, "create_run", {"experiment_id": "0"})

    assert elapsed <= DEADLINE_S + GRACE_S
    assert f"{refusing_url}/api/2.0/mlflow/runs/create" in str(error)


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_read_from_a_server_that_never_answers_times_out_within_the_deadline(
    kind: str, hung_url: str
) -> None:
    error, elapsed = await _fail_timed(kind, hung_url, "get_experiment", {"experiment_id": "0"})

    assert isinstance(error, APITimeoutError)
    assert elapsed <= DEADLINE_S + GRACE_S
    assert f"{hung_url}/api/2.0/mlflow/experiments/get" in str(error)
