"""One real ``mlflow server --app-name basic-auth`` per test process, shared by tests/auth and
tests/doctor.

Both folders' conftests declare a session fixture that enters :func:`shared_basic_auth_server`;
pytest keeps one instance per declaration, so the server itself is counted here: started by the
first user, stopped when the last one leaves. Everything it writes (tracking DB, auth DB,
artifacts, log) lives in a temporary folder, and the admin password is random per session.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlflow_rest_sdk.local_server import LocalMlflowServer

#: A cold start has taken 50-80 s on a loaded two-core machine.
STARTUP_TIMEOUT = 300.0
WORKERS = 2
ADMIN_USERNAME = "admin"
#: MLflow's basic-auth default: every user may read what others made, not change it.
DEFAULT_PERMISSION = "READ"
AUTH_CACHE_SECONDS = 600


@dataclass(frozen=True)
class BasicAuthServer:
    url: str
    admin_username: str
    admin_password: str
    data_dir: Path
    auth_db: Path


def write_auth_config(data_dir: Path) -> tuple[Path, Path]:
    """An auth config whose user database lives in ``data_dir`` (MLflow's default is the cwd)."""
    auth_db = data_dir / "basic_auth.db"
    config = data_dir / "basic_auth.ini"
    config.write_text(
        "[mlflow]\n"
        f"default_permission = {DEFAULT_PERMISSION}\n"
        f"database_uri = sqlite:///{auth_db}\n"
        "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
        # Without the cache every request re-hashes the password (PBKDF2): 1-2 s each on a
        # busy machine. Only successful logins are cached, so wrong passwords still fail.
        f"auth_cache_ttl_seconds = {AUTH_CACHE_SECONDS}\n"
    )
    return config, auth_db


class _SharedServer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._server: LocalMlflowServer | None = None
        self._info: BasicAuthServer | None = None

    def acquire(self, tmp_path_factory: pytest.TempPathFactory) -> BasicAuthServer:
        with self._lock:
            if self._info is None:
                self._info = self._start(tmp_path_factory.mktemp("basic-auth-server"))
            self._users += 1
            return self._info

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0 and self._server is not None:
                self._server.stop()
                self._server = self._info = None

    def _start(self, data_dir: Path) -> BasicAuthServer:
        config, auth_db = write_auth_config(data_dir)
        password = f"admin-{secrets.token_urlsafe(18)}"
        server = LocalMlflowServer(
            data_dir=data_dir,
            app_name="basic-auth",
            workers=WORKERS,
            startup_timeout=STARTUP_TIMEOUT,
            extra_env={
                "MLFLOW_AUTH_CONFIG_PATH": str(config),
                "MLFLOW_AUTH_ADMIN_USERNAME": ADMIN_USERNAME,
                "MLFLOW_AUTH_ADMIN_PASSWORD": password,
                "MLFLOW_FLASK_SERVER_SECRET_KEY": secrets.token_hex(32),
            },
        )
        server.start()
        self._server = server
        return BasicAuthServer(server.url, ADMIN_USERNAME, password, data_dir, auth_db)


_SHARED = _SharedServer()


@contextmanager
def shared_basic_auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BasicAuthServer]:
    """The process's basic-auth server, started on first use and stopped after the last."""
    server = _SHARED.acquire(tmp_path_factory)
    try:
        yield server
    finally:
        _SHARED.release()
