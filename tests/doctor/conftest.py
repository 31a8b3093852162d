"""Fixtures for the doctor's end-to-end tests: a clean working folder, the basic-auth server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from auth._server import BasicAuthServer, shared_basic_auth_server


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty folder to run the doctor in, so no stray ``.env`` file is read."""
    return tmp_path_factory.mktemp("doctor-cwd")


@pytest.fixture(scope="session")
def basic_auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BasicAuthServer]:
    with shared_basic_auth_server(tmp_path_factory) as server:
        yield server
