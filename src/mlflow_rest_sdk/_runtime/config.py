"""Client configuration: explicit arguments first, then MLflow's environment variables.

Secrets are held in ``SecretStr`` so that no repr, log line or traceback can show them.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pydantic import SecretStr

from mlflow_rest_sdk._runtime.retry import RetryPolicy
from mlflow_rest_sdk._runtime.transport import PoolLimits, Timeouts, TlsConfig, TransportSettings

SUPPORTED_SCHEMES = ("http", "https")


class ConfigurationError(ValueError):
    """The SDK cannot be set up as asked; the message says what to change."""


def normalize_tracking_uri(uri: str, *, source: str) -> str:
    """An http(s) base URL without a trailing slash; anything else gets a clear refusal."""
    text = uri.strip()
    parts = urlsplit(text)
    if parts.scheme not in SUPPORTED_SCHEMES or not parts.netloc:
        shown = text if "@" not in text else f"{parts.scheme}://<credentials hidden>"
        raise ConfigurationError(
            f"{source}={shown!r} is not an http(s) URL. mlflow-rest-sdk talks to an MLflow "
            "tracking server over REST (e.g. http://127.0.0.1:5000); local paths, sqlite://, "
            "file:// and 'databricks' URIs need the full `mlflow` package instead."
        )
    if parts.username or parts.password:
        raise ConfigurationError(
            f"{source} must not embed credentials; use MLFLOW_TRACKING_USERNAME/PASSWORD or a token"
        )
    return text.rstrip("/")


@dataclass(frozen=True)
class Credentials:
    """Basic auth or a bearer token; never shown in reprs."""

    username: str | None = None
    password: SecretStr | None = None
    token: SecretStr | None = None

    def headers(self) -> dict[str, str]:
        if self.token is not None:
            return {"Authorization": f"Bearer {self.token.get_secret_value()}"}
        if self.username is not None and self.password is not None:
            pair = f"{self.username}:{self.password.get_secret_value()}".encode()
            return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
        return {}

    def __repr__(self) -> str:
        kind = "token" if self.token else ("basic" if self.username else "none")
        return f"Credentials(kind={kind!r}, username={self.username!r})"


@dataclass(frozen=True)
class ClientConfig:
    tracking_uri: str
    credentials: Credentials = field(default_factory=Credentials)
    transport: TransportSettings = field(default_factory=TransportSettings)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    user_agent: str = "mlflow-rest-sdk"

    def __repr__(self) -> str:
        return f"ClientConfig(tracking_uri={self.tracking_uri!r}, credentials={self.credentials!r})"


def _env(environ: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = environ.get(name)
        if value:
            return value
    return None


def build_config(
    tracking_uri: str | None = None,
    *,
    username: str | None = None,
    password: str | None = None,
    token: str | None = None,
    timeout: float | Timeouts | None = None,
    limits: PoolLimits | None = None,
    tls: TlsConfig | None = None,
    retry: RetryPolicy | None = None,
    environ: Mapping[str, str] | None = None,
) -> ClientConfig:
    env = os.environ if environ is None else environ
    source = "tracking_uri"
    if tracking_uri is None:
        tracking_uri, source = _env(env, "MLFLOW_TRACKING_URI"), "MLFLOW_TRACKING_URI"
    if tracking_uri is None:
        raise ConfigurationError(
            "no MLflow server given: pass tracking_uri='http://host:port' "
            "or set MLFLOW_TRACKING_URI"
        )
    uri = normalize_tracking_uri(tracking_uri, source=source)
    user = username or _env(env, "MLFLOW_TRACKING_USERNAME")
    secret = password or _env(env, "MLFLOW_TRACKING_PASSWORD")
    bearer = token or _env(env, "MLFLOW_TRACKING_TOKEN")
    if isinstance(timeout, Timeouts):
        timeouts = timeout
    elif timeout is not None:
        timeouts = Timeouts(connect=min(10.0, timeout), read=timeout, write=timeout, pool=10.0)
    else:
        env_timeout = _env(env, "MLFLOW_HTTP_REQUEST_TIMEOUT")
        timeouts = (
            Timeouts(read=float(env_timeout), write=float(env_timeout))
            if env_timeout
            else Timeouts()
        )
    return ClientConfig(
        tracking_uri=uri,
        credentials=Credentials(
            username=user,
            password=SecretStr(secret) if secret else None,
            token=SecretStr(bearer) if bearer else None,
        ),
        transport=TransportSettings(
            timeouts=timeouts, limits=limits or PoolLimits(), tls=tls or TlsConfig()
        ),
        retry=retry or RetryPolicy(),
    )
