"""Fixtures for the basic-auth live tests: the server, the admin, and users on each transport."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from mlflow_rest_sdk import MlflowClient

from ._clients import TRANSPORT_KINDS, open_client
from ._server import BasicAuthServer, shared_basic_auth_server


@dataclass(frozen=True)
class User:
    username: str
    password: str


@pytest.fixture(scope="session")
def basic_auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BasicAuthServer]:
    with shared_basic_auth_server(tmp_path_factory) as server:
        yield server


@pytest.fixture(scope="module", params=TRANSPORT_KINDS)
def transport_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def connect(
    basic_auth_server: BasicAuthServer, transport_kind: str
) -> Iterator[Callable[..., MlflowClient]]:
    """``connect(username=..., password=...)``: a client of the auth server (or of
    ``tracking_uri``) on this module's transport, closed after the test."""
    opened: list[MlflowClient] = []

    def make(tracking_uri: str | None = None, **client_kwargs: Any) -> MlflowClient:
        url = tracking_uri or basic_auth_server.url
        client_kwargs.setdefault("env_file", False)  # a developer's .env must not log us in
        client = open_client(url, transport_kind, **client_kwargs)
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()


@pytest.fixture
def admin(connect: Callable[..., MlflowClient], basic_auth_server: BasicAuthServer) -> MlflowClient:
    return connect(
        username=basic_auth_server.admin_username, password=basic_auth_server.admin_password
    )


@pytest.fixture
def new_user(admin: MlflowClient, unique_name: Callable[[str], str]) -> Callable[[], User]:
    """Creates a fresh non-admin user through the admin's client."""

    def make() -> User:
        user = User(unique_name("user"), f"pw-{secrets.token_urlsafe(16)}")
        admin.create_user(username=user.username, password=user.password)
        return user

    return make


@pytest.fixture
def login(connect: Callable[..., MlflowClient]) -> Callable[[User], MlflowClient]:
    def make(user: User) -> MlflowClient:
        return connect(username=user.username, password=user.password)

    return make
