"""The SDK never imports the ``mlflow`` package: not on import, not while talking to a server.

Each check runs in a fresh interpreter, since this test process has MLflow loaded (the server
fixture lives in it).
"""

from __future__ import annotations

import subprocess
import sys

SUBPROCESS_TIMEOUT = 120.0

IMPORT_ONLY = "import mlflow_rest_sdk, sys; assert 'mlflow' not in sys.modules"

USE_THE_CLIENT = """
import asyncio, sys
from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient

tracking_uri, kind = sys.argv[1], sys.argv[2]
if kind == "httpx-sync":
    with MlflowClient(tracking_uri, transport="httpx") as client:
        assert client.health() == "OK"
        client.search_experiments(max_results=1)
else:
    async def main() -> None:
        transport = kind.removesuffix("-async")
        async with AsyncMlflowClient(tracking_uri, transport=transport) as client:
            assert await client.health() == "OK"
            await client.search_experiments(max_results=1)
    asyncio.run(main())
leaked = sorted(name for name in sys.modules if name == "mlflow" or name.startswith("mlflow."))
assert not leaked, leaked
"""


def _run_python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


def test_importing_the_sdk_does_not_import_mlflow() -> None:
    result = _run_python("-c", IMPORT_ONLY)

    assert result.returncode == 0, result.stderr


def test_calling_the_server_does_not_import_mlflow(transport_kind: str, tracking_uri: str) -> None:
    result = _run_python("-c", USE_THE_CLIENT, tracking_uri, transport_kind)

    assert result.returncode == 0, result.stderr
