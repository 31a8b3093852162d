"""Client configuration: explicit arguments, then the environment, then a ``.env`` file.

MLflow's own environment variable names are honoured, plus the names older deployments of the
platform use. Secrets are held in ``SecretStr`` or auth providers, so no repr, log line or
traceback can show them.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mlflow_rest_sdk._runtime.auth import AuthProvider, BasicAuth, BearerToken, NoAuth
from mlflow_rest_sdk._runtime.dotenv import read_env_file
from mlflow_rest_sdk._runtime.load_limit import LoadLimit
from mlflow_rest_sdk._runtime.retry import RetryPolicy
from mlflow_rest_sdk._runtime.server_release import AUTO, OFF, parse_release
from mlflow_rest_sdk._runtime.transport import PoolLimits, Timeouts, TlsConfig, TransportSettings

logger = logging.getLogger("mlflow_rest_sdk")

SUPPORTED_SCHEMES = ("http", "https")
_API_SUFFIXES = ("/api/2.0", "/api/3.0", "/api/2.0/", "/api/3.0/")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


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


def base_from_api_url(url: str, *, source: str) -> str:
    """``MLFLOW_API_BASE_URL`` names a full ``.../api/2.0`` base; the SDK wants the server root."""
    text = normalize_tracking_uri(url, source=source)
    for suffix in _API_SUFFIXES:
        if text.endswith(suffix.rstrip("/")):
            return text[: -len(suffix.rstrip("/"))]
    raise ConfigurationError(
        f"{source}={text!r} should end with /api/2.0 (the platform's old form), "
        "or use MLFLOW_TRACKING_URI with the server's root URL"
    )


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client needs; build it with :func:`build_config`."""

    tracking_uri: str
    registry_uri: str | None = None
    auth: AuthProvider = field(default_factory=NoAuth)
    transport: TransportSettings = field(default_factory=TransportSettings)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    load_limit: LoadLimit = field(default_factory=LoadLimit)
    user_agent: str = "mlflow-rest-sdk"
    # "auto" (learn it from GET /version when a call needs it), "off", or a release ("2.22.5").
    server_version: str = AUTO

    def base_url(self, *, registry: bool) -> str:
        """Model-registry calls go to the registry server when one is configured."""
        return self.registry_uri if registry and self.registry_uri else self.tracking_uri

    def __repr__(self) -> str:
        registry = f", registry_uri={self.registry_uri!r}" if self.registry_uri else ""
        return f"ClientConfig(tracking_uri={self.tracking_uri!r}{registry}, auth={self.auth!r})"


class _Sources:
    """Look-ups in order: the process environment, then the ``.env`` file."""

    def __init__(self, environ: Mapping[str, str], dotenv: Mapping[str, str]) -> None:
        self._layers = (environ, dotenv)

    def get(self, *names: str) -> tuple[str | None, str]:
        for layer in self._layers:
            for name in names:
                value = layer.get(name)
                if value:
                    return value, name
        return None, names[0]

    def number(self, name: str, kind: Callable[[str], float]) -> float | None:
        value, _ = self.get(name)
        if value is None:
            return None
        try:
            number = kind(value)
        except ValueError:
            raise ConfigurationError(f"{name}={value!r} is not a number") from None
        if number < 0:
            raise ConfigurationError(f"{name}={value!r} must not be negative")
        return number

    def flag(self, name: str) -> bool | None:
        value, _ = self.get(name)
        if value is None:
            return None
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigurationError(f"{name}={value!r} is not a boolean (use true or false)")


def _dotenv(env_file: str | Path | bool | None) -> Mapping[str, str]:
    if env_file is False:
        return {}
    if env_file is None or env_file is True:
        candidate = Path.cwd() / ".env"
        return read_env_file(candidate) if candidate.is_file() else {}
    path = Path(env_file)
    if not path.is_file():
        raise ConfigurationError(f"env_file={str(path)!r} does not exist")
    return read_env_file(path)


def build_config(
    tracking_uri: str | None = None,
    *,
    registry_uri: str | None = None,
    username: str | None = None,
    password: str | None = None,
    token: str | None = None,
    auth: AuthProvider | None = None,
    timeout: float | Timeouts | None = None,
    limits: PoolLimits | None = None,
    tls: TlsConfig | None = None,
    retry: RetryPolicy | None = None,
    load_limit: LoadLimit | int | str | None = None,
    server_version: str | None = None,
    env_file: str | Path | bool | None = None,
    environ: Mapping[str, str] | None = None,
) -> ClientConfig:
    """Resolve a configuration; see docs/configuration.md for every variable."""
    sources = _Sources(os.environ if environ is None else environ, _dotenv(env_file))
    uri = _tracking_uri(tracking_uri, sources)
    registry = _registry_uri(registry_uri, sources)
    provider = auth or _auth(username, password, token, sources)
    tls_config = tls or _tls(sources)
    _warn_about_risks(uri, registry, provider, tls_config)
    return ClientConfig(
        tracking_uri=uri,
        registry_uri=registry,
        auth=provider,
        transport=TransportSettings(
            timeouts=_timeouts(timeout, sources), limits=limits or PoolLimits(), tls=tls_config
        ),
        retry=retry or _retry(sources),
        load_limit=_load_limit(load_limit, sources),
        server_version=_server_version(server_version, sources),
    )


def _tracking_uri(explicit: str | None, sources: _Sources) -> str:
    if explicit is not None:
        return normalize_tracking_uri(explicit, source="tracking_uri")
    value, name = sources.get("MLFLOW_TRACKING_URI")
    if value is not None:
        return normalize_tracking_uri(value, source=name)
    value, name = sources.get("MLFLOW_API_BASE_URL")
    if value is not None:
        return base_from_api_url(value, source=name)
    raise ConfigurationError(
        "no MLflow server given: pass tracking_uri='http://host:port' or set "
        "MLFLOW_TRACKING_URI (or the older MLFLOW_API_BASE_URL)"
    )


def _registry_uri(explicit: str | None, sources: _Sources) -> str | None:
    if explicit is not None:
        return normalize_tracking_uri(explicit, source="registry_uri")
    value, name = sources.get("MLFLOW_REGISTRY_URI")
    return normalize_tracking_uri(value, source=name) if value is not None else None


def _auth(
    username: str | None, password: str | None, token: str | None, sources: _Sources
) -> AuthProvider:
    if token is not None:
        return BearerToken(token)
    if username is not None or password is not None:
        if not username or not password:
            raise ConfigurationError("basic auth needs both username and password")
        return BasicAuth(username, password)
    bearer, _ = sources.get("MLFLOW_TRACKING_TOKEN")
    if bearer is not None:
        return BearerToken(bearer)
    user, user_name = sources.get("MLFLOW_TRACKING_USERNAME", "MLFLOW_USERNAME")
    secret, secret_name = sources.get("MLFLOW_TRACKING_PASSWORD", "MLFLOW_PASSWORD")
    if user is not None and secret is not None:
        return BasicAuth(user, secret)
    if user is not None or secret is not None:
        missing = secret_name if user is not None else user_name
        raise ConfigurationError(f"basic auth is half configured: {missing} is not set")
    return NoAuth()


def _tls(sources: _Sources) -> TlsConfig:
    insecure = sources.flag("MLFLOW_TRACKING_INSECURE_TLS") or False
    ca_bundle, ca_name = sources.get("MLFLOW_TRACKING_SERVER_CERT_PATH")
    client_cert, cert_name = sources.get("MLFLOW_TRACKING_CLIENT_CERT_PATH")
    if insecure and ca_bundle:
        raise ConfigurationError(
            "MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH are both set; "
            "choose one"
        )
    for path, name in ((ca_bundle, ca_name), (client_cert, cert_name)):
        if path is not None and not Path(path).is_file():
            raise ConfigurationError(f"{name}={path!r} does not exist")
    return TlsConfig(verify=not insecure, ca_bundle=ca_bundle, client_cert=client_cert)


def _timeouts(timeout: float | Timeouts | None, sources: _Sources) -> Timeouts:
    if isinstance(timeout, Timeouts):
        return timeout
    seconds = (
        timeout if timeout is not None else sources.number("MLFLOW_HTTP_REQUEST_TIMEOUT", float)
    )
    if seconds is None:
        return Timeouts()
    if seconds <= 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {seconds}")
    return Timeouts(
        connect=min(10.0, seconds), read=seconds, write=seconds, pool=min(10.0, seconds)
    )


def _retry(sources: _Sources) -> RetryPolicy:
    default = RetryPolicy()
    retries = sources.number("MLFLOW_HTTP_REQUEST_MAX_RETRIES", int)
    factor = sources.number("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", float)
    jitter = sources.number("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", float)
    deadline = sources.number("MLFLOW_HTTP_REQUEST_DEADLINE", float)
    return RetryPolicy(
        max_attempts=int(retries) + 1 if retries is not None else default.max_attempts,
        backoff_factor=factor if factor is not None else default.backoff_factor,
        jitter=min(1.0, jitter) if jitter is not None else default.jitter,
        deadline=deadline if deadline else default.deadline,
    )


def _load_limit(explicit: LoadLimit | int | str | None, sources: _Sources) -> LoadLimit:
    """A ``LoadLimit``, a number, ``"adaptive"`` or ``"off"``; else ``MLFLOW_REST_LOAD_LIMIT``."""
    if isinstance(explicit, LoadLimit):
        return explicit
    value: int | str | None = explicit
    source = "load_limit"
    if value is None:
        value, source = sources.get("MLFLOW_REST_LOAD_LIMIT")
    if value is None:
        return LoadLimit()
    if isinstance(value, int):
        return _fixed_load_limit(value, source)
    text = value.strip().lower()
    if text == "adaptive":
        return LoadLimit()
    if text == "off":
        return LoadLimit.off()
    if text.isdigit():
        return _fixed_load_limit(int(text), source)
    raise ConfigurationError(
        f"{source}={value!r} is not a load limit: use 'adaptive' (the default), 'off', or a "
        "number of requests in flight (e.g. 8)"
    )


def _server_version(explicit: str | None, sources: _Sources) -> str:
    """``"auto"`` (the default), ``"off"`` or a release; else ``MLFLOW_REST_SERVER_VERSION``."""
    value, source = explicit, "server_version"
    if value is None:
        value, source = sources.get("MLFLOW_REST_SERVER_VERSION")
    if value is None:
        return AUTO
    text = value.strip()
    if text.lower() in (AUTO, OFF):
        return text.lower()
    if parse_release(text) is None:
        raise ConfigurationError(
            f"{source}={value!r} is not a server version: use 'auto' (the default: asked of the "
            "server when a call needs it), 'off' (no checks), or an MLflow release such as 2.22.5"
        )
    return text


def _fixed_load_limit(limit: int, source: str) -> LoadLimit:
    if limit < 1:
        raise ConfigurationError(f"{source}={limit} must be at least 1 request in flight")
    return LoadLimit.fixed(limit)


def _warn_about_risks(uri: str, registry: str | None, auth: AuthProvider, tls: TlsConfig) -> None:
    if not tls.verify:
        logger.warning(
            "TLS certificate verification is OFF (MLFLOW_TRACKING_INSECURE_TLS): "
            "the server's identity is not checked"
        )
    if isinstance(auth, NoAuth):
        return
    for url in filter(None, (uri, registry)):
        if urlsplit(url).scheme == "http" and not is_loopback(url):
            logger.warning(
                "credentials will be sent over plain http to %s; use https", urlsplit(url).netloc
            )
