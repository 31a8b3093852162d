"""Start and stop a throwaway local MLflow tracking server, for demos and tests.

The server runs the ``mlflow`` command line tool in a subprocess, so the SDK itself never imports
the ``mlflow`` package (installing it is still needed on the machine that launches the server).

Example::

    from pathlib import Path
    from mlflow_rest_sdk.local_server import LocalMlflowServer

    with LocalMlflowServer(data_dir=Path("/tmp/mlflow-demo")) as server:
        print(server.url)  # http://127.0.0.1:<free port>

The server keeps its sqlite database, its artifacts and its log under ``data_dir``; it serves the
artifacts through its proxy (``/api/2.0/mlflow-artifacts/...``). Job execution is turned off and
the process tree (the CLI, uvicorn and its workers) lives in its own session, so :meth:`stop`
ends every process of that group rather than leaving orphaned workers behind.

MLflow checks the ``Host`` header of API requests and by default accepts only loopback and
private addresses. :attr:`LocalMlflowServer.url` therefore always names ``127.0.0.1`` (never
``localhost``, which may resolve to ``::1``); to reach the server under another name, set
``MLFLOW_SERVER_ALLOWED_HOSTS`` through ``extra_env``.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

__all__ = [
    "LocalMlflowServer",
    "MlflowCliNotFoundError",
    "MlflowServerStartError",
    "find_free_port",
    "find_mlflow_cli",
]

#: Defaults for the server's environment; ``extra_env`` may override them.
DEFAULT_SERVER_ENV: Mapping[str, str] = {
    # Job runners are extra processes the REST API does not need.
    "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
    # A throwaway server must not phone home (and the network may be loopback only).
    "MLFLOW_DISABLE_TELEMETRY": "true",
    # Unbuffered output keeps the log file current, so a failed start shows its real cause.
    "PYTHONUNBUFFERED": "1",
}

#: Bind addresses that clients reach through IPv4 loopback.
_IPV4_LOOPBACK_ALIASES = frozenset({"", "0.0.0.0", "localhost"})
_ADDRESS_IN_USE = "address already in use"
# What the server logs once it holds its port: uvicorn (MLflow 3.x) or gunicorn (older ones).
_LISTENING_MARKS = ("Uvicorn running on", "Listening at: http")
_PORT_ATTEMPTS = 3
_LOG_TAIL_LINES = 40
_POLL_INTERVAL = 0.2
_STOP_GRACE = 10.0


class MlflowServerStartError(RuntimeError):
    """The local MLflow server did not become ready; the message carries its log tail."""


class MlflowCliNotFoundError(MlflowServerStartError):
    """The ``mlflow`` command line tool is not installed where we can find it."""


def find_mlflow_cli() -> Path:
    """Locate the ``mlflow`` executable: next to this interpreter first, then on ``PATH``.

    The interpreter's own ``bin`` directory comes first so a virtualenv's MLflow wins over an
    unrelated one on ``PATH``, even when the venv is not activated.
    """
    bin_dir = Path(sys.executable).parent
    beside = shutil.which("mlflow", path=str(bin_dir))
    found = beside or shutil.which("mlflow")
    if found is None:
        raise MlflowCliNotFoundError(
            "the `mlflow` command was not found next to "
            f"{sys.executable} nor on PATH; install it with `pip install 'mlflow[auth]'` "
            "(in this repository: `make venv`)"
        )
    return Path(found)


def find_free_port(host: str = "127.0.0.1") -> int:
    """Ask the OS for a port that is free on ``host`` right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def _connect_host(bind_host: str) -> str:
    """The address clients use for a server bound to ``bind_host``, as it goes in a URL."""
    if bind_host in _IPV4_LOOPBACK_ALIASES:
        return "127.0.0.1"
    if bind_host == "::":
        return "[::1]"
    if ":" in bind_host and not bind_host.startswith("["):
        return f"[{bind_host}]"
    return bind_host


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _tail(text: str, lines: int = _LOG_TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


#: Ignores ``http_proxy`` and friends: a proxy cannot reach our loopback server.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _is_healthy(url: str, timeout: float) -> bool:
    try:
        with _DIRECT.open(f"{url}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class LocalMlflowServer:
    """A throwaway ``mlflow server`` on this machine, started and stopped by us.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`. ``port=None`` picks a
    free loopback port at start (and picks again if another process grabs it first).
    ``backend_store_uri`` defaults to a sqlite database under ``data_dir``; ``app_name`` selects
    an MLflow server app such as ``"basic-auth"`` (which needs ``MLFLOW_AUTH_ADMIN_USERNAME``
    and ``MLFLOW_AUTH_ADMIN_PASSWORD`` in ``extra_env`` on first start). The server's output goes
    to ``log_path`` (default ``data_dir/mlflow-server.log``), never to our stdout.
    ``artifacts_destination`` is where the proxy stores artifacts: a folder (default
    ``data_dir/artifacts``) or an object-store URI such as ``s3://bucket/prefix`` (the store's
    settings, e.g. ``MLFLOW_S3_ENDPOINT_URL``, go in ``extra_env``). ``mlflow_cli`` runs another
    installation's ``mlflow`` (an older release in its own virtual environment); by default the
    one beside this interpreter, else on ``PATH``.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        workers: int | None = None,
        app_name: str | None = None,
        backend_store_uri: str | None = None,
        extra_env: Mapping[str, str] | None = None,
        startup_timeout: float = 90.0,
        log_path: Path | None = None,
        artifacts_destination: Path | str | None = None,
        mlflow_cli: Path | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.mlflow_cli = mlflow_cli
        self.host = host
        self.workers = workers
        self.app_name = app_name
        self.startup_timeout = startup_timeout
        self.extra_env: dict[str, str] = dict(extra_env or {})
        self.log_path = (
            Path(log_path) if log_path is not None else self.data_dir / "mlflow-server.log"
        )
        self.artifacts_destination: Path | str = _artifacts_destination(
            artifacts_destination, self.data_dir
        )
        self.backend_store_uri = backend_store_uri or f"sqlite:///{self.data_dir / 'mlflow.db'}"
        self._requested_port = port
        self._port = port
        self._process: subprocess.Popen[bytes] | None = None

    # -- addresses --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on; chosen at :meth:`start` when none was given."""
        if self._port is None:
            raise RuntimeError("the server has no port yet: call start() first")
        return self._port

    @property
    def url(self) -> str:
        """The base URL to use as tracking URI, e.g. ``http://127.0.0.1:5000``."""
        return f"http://{_connect_host(self.host)}:{self.port}"

    @property
    def pid(self) -> int | None:
        """Process id of the ``mlflow server`` process (also its process group id) while running."""
        return None if self._process is None else self._process.pid

    @property
    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- lifecycle ----------------------------------------------------------------------------

    def command(self) -> list[str]:
        """The command line that :meth:`start` runs (useful in logs and error messages)."""
        cmd = [
            str(self.mlflow_cli or find_mlflow_cli()),
            "server",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--backend-store-uri",
            self.backend_store_uri,
            "--serve-artifacts",
            "--artifacts-destination",
            str(self.artifacts_destination),
        ]
        if self.workers is not None:
            cmd += ["--workers", str(self.workers)]
        if self.app_name is not None:
            cmd += ["--app-name", self.app_name]
        return cmd

    def environment(self) -> dict[str, str]:
        """The server's environment: ours, then :data:`DEFAULT_SERVER_ENV`, then ``extra_env``."""
        return {**os.environ, **DEFAULT_SERVER_ENV, **self.extra_env}

    def start(self) -> LocalMlflowServer:
        """Launch the server and wait until ``GET /health`` answers 200.

        Raises :class:`MlflowServerStartError` (with the tail of the server log) when the process
        exits early or does not become ready within ``startup_timeout`` seconds.
        """
        if self.is_running:
            raise RuntimeError(f"the server is already running at {self.url}")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if isinstance(self.artifacts_destination, Path):
            self.artifacts_destination.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        attempts = 1 if self._requested_port is not None else _PORT_ATTEMPTS
        for attempt in range(1, attempts + 1):
            if self._requested_port is None:
                self._port = find_free_port(self.host)
            try:
                self._launch_and_wait()
                return self
            except _PortTaken:
                if attempt == attempts:
                    raise MlflowServerStartError(
                        f"port {self._port} was in use on every attempt; see {self.log_path}"
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def stop(self) -> None:
        """Stop the whole process group: SIGTERM, wait, then SIGKILL what is left.

        Safe to call twice, and on a server whose process already exited.
        """
        process, self._process = self._process, None
        if process is None:
            return
        _terminate_group(process)
        if self._requested_port is None:
            self._port = None

    def __enter__(self) -> LocalMlflowServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "no port yet"
        state = "running" if self.is_running else "stopped"
        return f"LocalMlflowServer({where}, {state}, data_dir={str(self.data_dir)!r})"

    # -- internals ----------------------------------------------------------------------------

    def _launch_and_wait(self) -> None:
        cmd = self.command()
        log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            log.write(f"\n$ {' '.join(cmd)}\n".encode())
            log.flush()
            self._process = subprocess.Popen(
                cmd,
                cwd=self.data_dir,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_until_ready(log_offset)
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self, log_offset: int) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout
        while True:
            returncode = self._process.poll()
            if returncode is not None:
                output = _read_from(self.log_path, log_offset)
                if _ADDRESS_IN_USE in output.lower() and self._requested_port is None:
                    raise _PortTaken
                raise MlflowServerStartError(
                    f"mlflow server exited with code {returncode} during startup; "
                    f"last lines of {self.log_path}:\n{_tail(output)}"
                )
            # The server logs "running on" only once it holds the port: until then a /health answer
            # could come from some other process that took our freshly picked port.
            output = _read_from(self.log_path, log_offset)
            listening = any(mark in output for mark in _LISTENING_MARKS)
            if listening and _is_healthy(self.url, timeout=min(2.0, self.startup_timeout)):
                return
            if time.monotonic() >= deadline:
                output = _read_from(self.log_path, log_offset)
                raise MlflowServerStartError(
                    f"mlflow server did not answer {self.url}/health within "
                    f"{self.startup_timeout:g} s; last lines of {self.log_path}:\n{_tail(output)}"
                )
            time.sleep(_POLL_INTERVAL)


def _artifacts_destination(given: Path | str | None, data_dir: Path) -> Path | str:
    """A local folder (default ``data_dir/artifacts``) as a Path; a store URI such as
    ``s3://bucket/prefix`` as the string the server is given."""
    if given is None:
        return data_dir / "artifacts"
    if isinstance(given, str) and "://" in given:
        return given
    return Path(given).resolve()


class _PortTaken(Exception):
    """Another process bound our freshly picked port between choosing and binding it."""


def _terminate_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group led by ``process``, then SIGKILL it after a grace period."""
    pgid = process.pid  # start_new_session=True makes the child its group's leader
    if not _signal_group(pgid, signal.SIGTERM):
        process.wait()
        return
    deadline = time.monotonic() + _STOP_GRACE
    while time.monotonic() < deadline:
        process.poll()  # reap the leader so it does not keep the group alive as a zombie
        if not _group_alive(pgid):
            return
        time.sleep(0.1)
    _signal_group(pgid, signal.SIGKILL)
    process.wait()
    while _group_alive(pgid) and time.monotonic() < deadline + _STOP_GRACE:
        time.sleep(0.05)


def _signal_group(pgid: int, sig: signal.Signals) -> bool:
    """Send ``sig`` to a process group; False when the group no longer exists."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        return False
    return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - the pgid was reused by another user's group
        return False
    return True
