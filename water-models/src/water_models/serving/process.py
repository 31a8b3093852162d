"""``water-models serve`` as a child process, for the demo: started in its own session (so
stopping it stops uvicorn and every worker), ready once ``/health`` answers.

The webhook secret travels in the child's environment only, as ``water-models serve`` reads it:
never on the command line, where ``ps`` would show it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from water_models.settings import WEBHOOK_SECRET_ENV

_POLL_S = 0.05
_STOP_GRACE_S = 20.0


class ServiceStartError(RuntimeError):
    """The service exited or did not answer in time; the message carries its log tail."""


class ServiceProcess:
    """One ``water-models serve --port PORT [args]`` process; its output goes to ``log_path``."""

    def __init__(
        self,
        port: int,
        args: Sequence[str],
        *,
        env: Mapping[str, str],
        log_path: Path,
        webhook_secret: str | None = None,
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.command = [sys.executable, "-m", "water_models", "serve", "--port", str(port), *args]
        self._env = {**os.environ, **env}
        if webhook_secret is not None:
            self._env[WEBHOOK_SECRET_ENV] = webhook_secret
        self._process: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(base_url=self.url, timeout=30.0, trust_env=False)

    def start(self, timeout: float = 120.0) -> ServiceProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self.command,
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self.wait_until(self._answers, timeout, "the service did not answer /health")
        except BaseException:
            self.stop()
            raise
        return self

    def _answers(self) -> bool:
        assert self._process is not None
        if self._process.poll() is not None:
            raise ServiceStartError(f"the service exited:\n{self.log_tail()}")
        try:
            return self.http.get("/health").status_code == 200
        except httpx.TransportError:
            return False

    def health(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.http.get("/health").json()
        return answer

    def predict(self, body: Mapping[str, Any]) -> dict[str, Any]:
        answer = self.http.post("/predict", json=body)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    def wait_until(self, check: Callable[[], bool], timeout: float, what: str) -> float:
        """Seconds until ``check()`` held; :class:`ServiceStartError` naming ``what`` if never."""
        started = time.monotonic()
        while not check():
            if time.monotonic() - started > timeout:
                raise ServiceStartError(f"{what} within {timeout:g} s:\n{self.log_tail()}")
            time.sleep(_POLL_S)
        return time.monotonic() - started

    def stop(self) -> None:
        """SIGTERM to the process group, SIGKILL after a grace period; safe to call twice."""
        process, self._process = self._process, None
        self.http.close()
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(_STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    def log_tail(self, chars: int = 4000) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-chars:]
