"""Real servers of older MLflow releases, each from its own cached virtual environment.

``old_server`` runs each test once per release of :data:`RELEASES`. A release's tests share one
server, on one xdist worker (``xdist_group`` ``mlflow-<release>``, added below), started by
:class:`LocalMlflowServer` with that environment's ``mlflow`` on sqlite in a temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.conftest import SERVER_STARTUP_TIMEOUT
from tests.releases._venvs import mlflow_environment

from mlflow_rest_sdk.local_server import LocalMlflowServer

OLD_2X = "2.22.5"  # the last 2.x: what old servers run
EARLY_3X = "3.0.1"  # logged models, but no webhooks (3.3.0) yet
RELEASES = (OLD_2X, EARLY_3X)
BEFORE_ALIASES = "2.0.1"  # no registered-model aliases (2.3.0)
_HERE = Path(__file__).parent


_FIXTURE_OF = {OLD_2X: "server_2x", EARLY_3X: "server_3x", BEFORE_ALIASES: "server_2_0"}


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of one release on one worker, so that its server starts once; and ``live``."""
    for item in items:
        if item.path.parent != _HERE:
            continue
        item.add_marker(pytest.mark.live)
        callspec = getattr(item, "callspec", None)
        release = callspec.params.get("release") if callspec is not None else None
        if release is None:
            fixtures = getattr(item, "fixturenames", ())
            release = next((r for r, f in _FIXTURE_OF.items() if f in fixtures), None)
        if release is not None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(f"mlflow-{release}"))


@dataclass(frozen=True)
class OldServer:
    release: str
    url: str
    log_path: Path
    data_dir: Path  # its sqlite store is data_dir / "mlflow.db"


def serve_release(release: str, data_dir: Path) -> Iterator[OldServer]:
    """A server of ``release`` on sqlite in ``data_dir``, for as long as the generator runs."""
    environment = mlflow_environment(release)
    bin_dir = environment / "bin"
    server = LocalMlflowServer(
        data_dir=data_dir,
        workers=1,
        startup_timeout=SERVER_STARTUP_TIMEOUT,
        mlflow_cli=bin_dir / "mlflow",
        # The environment's own tools (gunicorn, uvicorn) first, whatever this process runs.
        extra_env={"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    with server:
        yield OldServer(release, server.url, server.log_path, server.data_dir)


@pytest.fixture(scope="session")
def server_2x(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OldServer]:
    """A real MLflow 2.22.5 server."""
    yield from serve_release(OLD_2X, tmp_path_factory.mktemp(f"mlflow-{OLD_2X}"))


@pytest.fixture(scope="session")
def server_2_0(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OldServer]:
    """A real MLflow 2.0.1 server: tracking and registry, no aliases."""
    yield from serve_release(BEFORE_ALIASES, tmp_path_factory.mktemp(f"mlflow-{BEFORE_ALIASES}"))


@pytest.fixture(scope="session")
def server_3x(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OldServer]:
    """A real MLflow 3.0.1 server."""
    yield from serve_release(EARLY_3X, tmp_path_factory.mktemp(f"mlflow-{EARLY_3X}"))


@pytest.fixture(scope="session", params=RELEASES)
def release(request: pytest.FixtureRequest) -> str:
    """Which old release this test runs against: one of :data:`RELEASES`."""
    name: str = request.param
    return name


@pytest.fixture(scope="session")
def old_server(release: str, request: pytest.FixtureRequest) -> OldServer:
    """The server of this test's release (looked up by name: a worker starts only its own)."""
    server: OldServer = request.getfixturevalue(_FIXTURE_OF[release])
    return server
