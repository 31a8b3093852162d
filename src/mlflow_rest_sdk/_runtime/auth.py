"""Authentication: where the Authorization header of each request comes from.

Static basic or bearer credentials cover most deployments; an :class:`AuthProvider` covers
tokens that expire. On a 401 the client asks the provider to refresh once and resends.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Mapping
from typing import Protocol, runtime_checkable

from pydantic import SecretStr


@runtime_checkable
class AuthProvider(Protocol):
    """Supplies auth headers per request; ``refresh`` is called once after a 401."""

    def auth_headers(self) -> Mapping[str, str]: ...

    def refresh(self) -> bool:
        """Get new credentials; return False when there is nothing new to try."""
        ...


class NoAuth:
    def auth_headers(self) -> Mapping[str, str]:
        return {}

    def refresh(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NoAuth()"


class BasicAuth:
    """HTTP basic auth (MLflow's basic-auth app)."""

    def __init__(self, username: str, password: str | SecretStr) -> None:
        if not username:
            raise ValueError("BasicAuth: username must not be empty")
        self.username = username
        self._password = password if isinstance(password, SecretStr) else SecretStr(password)

    def auth_headers(self) -> Mapping[str, str]:
        pair = f"{self.username}:{self._password.get_secret_value()}".encode()
        return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}

    def refresh(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password='**********')"


class BearerToken:
    """A fixed bearer token (``MLFLOW_TRACKING_TOKEN``)."""

    def __init__(self, token: str | SecretStr) -> None:
        self._token = token if isinstance(token, SecretStr) else SecretStr(token)
        if not self._token.get_secret_value():
            raise ValueError("BearerToken: token must not be empty")

    def auth_headers(self) -> Mapping[str, str]:
        return {"Authorization": f"Bearer {self._token.get_secret_value()}"}

    def refresh(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "BearerToken(token='**********')"


class TokenProvider:
    """A bearer token from a callable (e.g. an OAuth client), fetched lazily, cached, and fetched
    again when the server answers 401. Thread-safe."""

    def __init__(self, fetch_token: Callable[[], str]) -> None:
        self._fetch = fetch_token
        self._token: SecretStr | None = None
        self._lock = threading.Lock()

    def auth_headers(self) -> Mapping[str, str]:
        with self._lock:
            if self._token is None:
                self._token = SecretStr(self._fetch())
            token = self._token.get_secret_value()
        return {"Authorization": f"Bearer {token}"}

    def refresh(self) -> bool:
        with self._lock:
            self._token = SecretStr(self._fetch())
        return True

    def __repr__(self) -> str:
        return f"TokenProvider(fetch_token={getattr(self._fetch, '__name__', 'callable')})"


def as_auth_provider(auth: AuthProvider | Callable[[], str]) -> AuthProvider:
    """Accept a provider object, or a plain callable that returns a bearer token."""
    if isinstance(auth, AuthProvider):
        return auth
    if callable(auth):
        return TokenProvider(auth)
    raise TypeError(
        "auth must implement auth_headers()/refresh() or be a callable returning a token, "
        f"got {type(auth).__name__}"
    )
