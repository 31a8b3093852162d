"""The two servers the scenarios talk to, each in its own process group.

- :class:`InstantServer`: :mod:`benchmarks.instant_server`, for client overhead.
- :func:`stock_server`: ``mlflow server`` with its defaults (uvicorn, sqlite) and 4 workers,
  started through the SDK's :class:`LocalMlflowServer`, for everything end to end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from mlflow_rest_sdk.local_server import LocalMlflowServer

__all__ = ["STOCK_WORKERS", "InstantServer", "stock_server"]

STOCK_WORKERS = 4


class InstantServer:
    """Starts the canned-answer server in a subprocess; ``url`` once started."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> InstantServer:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.instant_server", "0"],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.strip():
            self.__exit__(None, None, None)
            raise RuntimeError("the instant server did not start")
        self.port = int(line)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def stock_server(data_dir: Path) -> LocalMlflowServer:
    """An unstarted stock ``mlflow server`` (4 workers, sqlite under ``data_dir``)."""
    return LocalMlflowServer(data_dir=data_dir, workers=STOCK_WORKERS, startup_timeout=180.0)
