"""A throwaway PostgreSQL server: ``initdb`` in a temporary folder, ``postgres`` on loopback.

MLflow's production deployments keep their tracking data in a database server; this starts a
real one (fsync off: the data only has to outlive the test session, not a power cut). The
binaries come from ``PATH`` or from Debian's ``/usr/lib/postgresql/<version>/bin``; when they
are missing, :class:`PostgresNotInstalledError` says what to install: the tests fail, they never
skip or fall back to a fake.

``initdb`` and ``postgres`` refuse to run as root, and CI runs as root: then both run as an
unprivileged user (``postgres``, else ``nobody``) through ``runuser``, and the temporary folder
(data and Unix socket) is handed to that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self

import psycopg2  # type: ignore[import-untyped]

from mlflow_rest_sdk.local_server import find_free_port

from .service import Service

__all__ = ["PostgresNotInstalledError", "PostgresServer", "PostgresStartError", "find_pg_bin"]

#: Where Debian and Ubuntu install the server binaries, one folder per major version.
DEBIAN_PG_GLOB = "/usr/lib/postgresql/*/bin"
INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, postgres) were not found on PATH nor in "
    f"{DEBIAN_PG_GLOB}: install them, e.g. `apt-get install postgresql` "
    "(the production-topology tests need a real PostgreSQL and never skip)"
)
#: The unprivileged users tried, in order, when we run as root.
_RUN_AS_CANDIDATES = ("postgres", "nobody")
_PORT_ATTEMPTS = 3
_ADDRESS_IN_USE = re.compile(r"could not (bind|create listen socket)|address already in use", re.I)
_POLL_INTERVAL = 0.1
_STOP_TIMEOUT = 30.0
_LOG_TAIL_LINES = 30


class PostgresNotInstalledError(RuntimeError):
    """``initdb`` or ``postgres`` is not installed; the message says how to install them."""


class PostgresStartError(RuntimeError):
    """The server did not start; the message carries the tail of its log."""


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    digits = re.findall(r"\d+", bin_dir.parent.name)
    return tuple(int(d) for d in digits)


def find_pg_bin() -> Path:
    """The folder holding ``initdb`` and ``postgres``: ``PATH`` first, then the newest Debian
    version; raises :class:`PostgresNotInstalledError` when there is none."""
    on_path = shutil.which("initdb")
    if on_path is not None:
        folder = Path(on_path).resolve().parent
        if (folder / "postgres").is_file():
            return folder
    candidates = sorted(
        (Path(p) for p in glob.glob(DEBIAN_PG_GLOB)),
        key=_version_key,
        reverse=True,
    )
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    raise PostgresNotInstalledError(INSTALL_HINT)


def _unprivileged_user() -> pwd.struct_passwd:
    for name in _RUN_AS_CANDIDATES:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise PostgresStartError(
        f"running as root, and none of the users {_RUN_AS_CANDIDATES} exists to run PostgreSQL "
        "(initdb refuses root); installing the `postgresql` package creates `postgres`"
    )


class PostgresServer(Service):
    """A PostgreSQL server of our own, with one database, on ``127.0.0.1`` and a free port.

    Use it as a context manager. :attr:`uri` is a SQLAlchemy URL for MLflow's
    ``--backend-store-uri``: trust authentication on loopback, so it holds no password.
    """

    def __init__(
        self,
        *,
        database: str = "mlflow",
        user: str = "mlflow",
        startup_timeout: float = 120.0,
        max_connections: int = 100,
    ) -> None:
        self.database = database
        self.max_connections = max_connections
        self.user = user
        self.startup_timeout = startup_timeout
        self._bin = find_pg_bin()
        self._run_as: pwd.struct_passwd | None = _unprivileged_user() if os.geteuid() == 0 else None
        self._root: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._port: int | None = None

    # -- addresses ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("PostgreSQL is not running: call start() first")
        return self._port

    @property
    def uri(self) -> str:
        """``postgresql+psycopg2://USER@127.0.0.1:PORT/DATABASE``, for MLflow's server.

        The driver is named: SQLAlchemy 2.1 reads a bare ``postgresql://`` as psycopg 3, which
        is not what MLflow's environment installs (``psycopg2-binary``).
        """
        return f"postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{self.database}"

    @property
    def root(self) -> Path:
        """The temporary folder with the data directory, the socket folder and the log."""
        if self._root is None:
            raise RuntimeError("PostgreSQL has no folder yet: call start() first")
        return self._root

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Self:
        """``initdb``, start ``postgres``, wait until it answers, create :attr:`database`."""
        if self._process is not None:
            raise RuntimeError("PostgreSQL is already running")
        # Not under pytest's tmp_path: its folders are private to us, and as root the server
        # runs as another user, who must reach this one.
        self._root = Path(tempfile.mkdtemp(prefix="pg-"))
        try:
            (self._root / "socket").mkdir()
            if self._run_as is not None:
                for path in (self._root, self._root / "socket"):
                    os.chown(path, self._run_as.pw_uid, self._run_as.pw_gid)
            self._initdb()
            for attempt in range(1, _PORT_ATTEMPTS + 1):
                self._port = find_free_port()
                try:
                    self._launch_and_wait()
                    break
                except _PortTaken:
                    if attempt == _PORT_ATTEMPTS:
                        raise PostgresStartError(
                            f"every port tried was taken; see {self.log_path}"
                        ) from None
            self._create_database()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Fast shutdown (SIGINT to the postmaster), SIGKILL if it lingers; remove the folder.

        Safe to call twice and after a failed start.
        """
        process, self._process = self._process, None
        if process is not None:
            self._shutdown(process)
        self._port = None
        root, self._root = self._root, None
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)

    def __repr__(self) -> str:
        where = f"127.0.0.1:{self._port}" if self._port is not None else "stopped"
        return f"PostgresServer({where}, database={self.database!r})"

    # -- internals ------------------------------------------------------------------------------

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self._bin / program), *args]
        if self._run_as is None:
            return command
        return ["runuser", "-u", self._run_as.pw_name, "--", *command]

    def _initdb(self) -> None:
        data = self.root / "data"
        command = self._command(
            "initdb",
            "--pgdata",
            str(data),
            "--username",
            self.user,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )
        result = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, check=False, timeout=120
        )
        if result.returncode != 0:
            output = (result.stdout + result.stderr).strip()
            raise PostgresStartError(
                f"initdb exited with code {result.returncode}:\n{_tail(output)}"
            )

    def _launch_and_wait(self) -> None:
        command = self._command(
            "postgres",
            "-D",
            str(self.root / "data"),
            "-p",
            str(self.port),
            "-k",
            str(self.root / "socket"),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            f"max_connections={self.max_connections}",
        )
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                command,
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.startup_timeout
        while True:
            returncode = self._process.poll()
            if returncode is not None:
                output = _read_from(self.log_path, offset)
                self._process = None
                if _ADDRESS_IN_USE.search(output):
                    raise _PortTaken
                raise PostgresStartError(
                    f"postgres exited with code {returncode} during startup; "
                    f"last lines of {self.log_path}:\n{_tail(output)}"
                )
            if self._accepts_connections():
                return
            if time.monotonic() >= deadline:
                raise PostgresStartError(
                    f"postgres did not accept connections on 127.0.0.1:{self.port} within "
                    f"{self.startup_timeout:g} s; last lines of {self.log_path}:\n"
                    f"{_tail(_read_from(self.log_path, offset))}"
                )
            time.sleep(_POLL_INTERVAL)

    def _connect(self, database: str) -> psycopg2.extensions.connection:
        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname=database, connect_timeout=5
        )

    def _accepts_connections(self) -> bool:
        try:
            self._connect("postgres").close()
        except psycopg2.OperationalError:
            return False
        return True

    def _create_database(self) -> None:
        connection = self._connect("postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.database}"')
        finally:
            connection.close()

    def _postmaster_pid(self) -> int | None:
        try:
            first_line = (self.root / "data" / "postmaster.pid").read_text().split("\n", 1)[0]
        except (OSError, RuntimeError):
            return None
        return int(first_line) if first_line.strip().isdigit() else None

    def _shutdown(self, process: subprocess.Popen[bytes]) -> None:
        # The Popen child is `runuser` when we are root, so signal the postmaster itself.
        pid = self._postmaster_pid() or process.pid
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)  # "fast" shutdown: end sessions, checkpoint, exit
        try:
            process.wait(timeout=_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class _PortTaken(Exception):
    """Another process bound the free port we picked before postgres did."""


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _tail(text: str, lines: int = _LOG_TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])
