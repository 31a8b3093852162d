"""Connectivity doctor: is the configured MLflow server usable from here, and if not, why?

Each check is a small function that makes one or two calls and returns a :class:`CheckResult`;
:func:`run_doctor` runs them in order and skips what cannot tell anything new (everything after
an unreachable server, the protected endpoints after refused credentials), so each real problem
is reported once. Calls are never retried and use short timeouts: a doctor must answer quickly,
and a retry would hide the very flakiness it is asked about.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from mlflow_rest_sdk._generated import MLFLOW_VERSION
from mlflow_rest_sdk._runtime.retry import RetryPolicy
from mlflow_rest_sdk._runtime.transport import Timeouts
from mlflow_rest_sdk.client import MlflowClient
from mlflow_rest_sdk.doctor_release import release_findings
from mlflow_rest_sdk.errors import (
    APIConnectionError,
    MlflowApiError,
    MlflowRestError,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    Unauthenticated,
)

__all__ = [
    "CheckResult",
    "DoctorReport",
    "Status",
    "check_api_v2",
    "check_api_v3",
    "check_artifact_proxy",
    "check_auth",
    "check_latency",
    "check_reachability",
    "check_version",
    "doctor_client",
    "run_doctor",
]

#: Per-call timeout (seconds): a down or blackholed server fails in a few seconds, not minutes.
DEFAULT_TIMEOUT = 5.0
DEFAULT_LATENCY_SAMPLES = 5
#: A median /health round trip above this is reported as a warning.
SLOW_ROUND_TRIP_MS = 1000.0


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict: a one-line message for people, ``data`` for machines."""

    check: str
    status: Status
    message: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "status": self.status.value,
            "message": self.message,
            "data": dict(self.data),
        }


@dataclass(frozen=True)
class DoctorReport:
    server: str
    auth: str
    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        """True when no check failed (warnings do not make a server unusable)."""
        return not self.problems

    @property
    def problems(self) -> tuple[CheckResult, ...]:
        return tuple(result for result in self.results if result.status is Status.FAIL)

    def as_dict(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "auth": self.auth,
            "ok": self.ok,
            "checks": [result.as_dict() for result in self.results],
            "problems": [f"{p.check}: {p.message}" for p in self.problems],
        }


def doctor_client(
    tracking_uri: str | None = None,
    *,
    username: str | None = None,
    password: str | None = None,
    token: str | None = None,
    env_file: str | Path | bool | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> MlflowClient:
    """A client with short timeouts and no retries; unset arguments come from the environment.

    Raises :class:`mlflow_rest_sdk.errors.ConfigurationError` when the configuration is unusable.
    """
    return MlflowClient(
        tracking_uri,
        username=username,
        password=password,
        token=token,
        env_file=env_file,
        timeout=Timeouts(connect=min(3.0, timeout), read=timeout, write=timeout, pool=timeout),
        retry=RetryPolicy.none(),
    )


def auth_kind(client: MlflowClient) -> str:
    """``basic``, ``bearer`` or ``none``: what the client sends, never the secret itself."""
    header = client.config.auth.auth_headers().get("Authorization", "")
    scheme = header.partition(" ")[0].lower()
    return scheme if scheme in ("basic", "bearer") else ("none" if not header else "other")


def _username(client: MlflowClient) -> str | None:
    name = getattr(client.config.auth, "username", None)
    return name if isinstance(name, str) else None


def _one_line(text: str, limit: int = 200) -> str:
    """Server messages can be whole HTML pages; a report line stays one short line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else f"{flat[: limit - 3]}..."


def _failure(check: str, client: MlflowClient, what: str, error: MlflowRestError) -> CheckResult:
    """A FAIL result for an unexpected error, naming the server and what was asked."""
    if isinstance(error, APIConnectionError):
        return CheckResult(check, Status.FAIL, f"cannot reach the server: {_one_line(str(error))}")
    if isinstance(error, MlflowApiError):
        detail = f"HTTP {error.status_code}" + (f" {error.error_code}" if error.error_code else "")
        return CheckResult(
            check,
            Status.FAIL,
            f"{what} at {client.tracking_uri} answered {detail}: {_one_line(error.message)}",
            {"status_code": error.status_code},
        )
    message = f"{what} at {client.tracking_uri} failed: {_one_line(str(error))}"
    return CheckResult(check, Status.FAIL, message)


def check_reachability(client: MlflowClient) -> CheckResult:
    """``GET /health``: does an MLflow server answer at this URL at all?"""
    started = time.perf_counter()
    try:
        body = client.health()
    except NotFound:
        return CheckResult(
            "reachability",
            Status.FAIL,
            f"{client.tracking_uri}/health answered HTTP 404: something listens there, but it is "
            "not an MLflow server root (check the tracking URI's host, port and path)",
            {"status_code": 404},
        )
    except MlflowRestError as error:
        return _failure("reachability", client, "GET /health", error)
    elapsed_ms = (time.perf_counter() - started) * 1000
    return CheckResult(
        "reachability",
        Status.OK,
        f"{client.tracking_uri}/health answered {body.strip()!r} in {elapsed_ms:.1f} ms",
        {"elapsed_ms": round(elapsed_ms, 2)},
    )


def check_auth(client: MlflowClient) -> CheckResult:
    """Who are we? ``get_current_user`` exists only when the server runs the basic-auth app."""
    kind = auth_kind(client)
    user = _username(client)
    try:
        current = client.get_current_user()
    except NotFound:
        if kind == "none":
            message = "the server has no auth app (users/current answered 404): no login needed"
            return CheckResult("auth", Status.OK, message, {"auth_app": False})
        return CheckResult(
            "auth",
            Status.WARN,
            f"credentials are configured ({kind}) but the server has no basic-auth app "
            "(users/current answered 404); a proxy in front of it may still check them",
            {"auth_app": False},
        )
    except Unauthenticated:
        if kind == "none":
            message = (
                "the server requires authentication (HTTP 401) and no credentials are "
                "configured: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, "
                "or MLFLOW_TRACKING_TOKEN"
            )
        elif kind == "basic":
            message = f"wrong credentials: the server refused user {user!r} (HTTP 401)"
        else:
            message = f"the server refused the {kind} credentials (HTTP 401)"
        return CheckResult("auth", Status.FAIL, message, {"auth_app": True, "status_code": 401})
    except PermissionDenied as error:
        return CheckResult(
            "auth",
            Status.FAIL,
            f"the server refused the request (HTTP 403): {_one_line(error.message)}; a server "
            "that checks the Host header refuses names it does not know "
            "(MLFLOW_SERVER_ALLOWED_HOSTS)",
            {"status_code": 403},
        )
    except MlflowRestError as error:
        return _failure("auth", client, "GET users/current", error)
    who = current.user
    name = who.username if who is not None else None
    admin = bool(who is not None and who.is_admin)
    suffix = " (admin)" if admin else ""
    return CheckResult(
        "auth",
        Status.OK,
        f"authenticated as {name!r}{suffix}",
        {"auth_app": True, "username": name, "is_admin": admin},
    )


def check_version(client: MlflowClient) -> CheckResult:
    """``GET /version``, compared with the MLflow version the SDK was generated from, with what
    the client knows of that release (:mod:`mlflow_rest_sdk.doctor_release`)."""
    try:
        version = client.version().strip()
    except MlflowRestError as error:
        return _failure("version", client, "GET /version", error)
    found = release_findings(version, client.config.server_version)
    head = (
        f"the server runs MLflow {version}, the SDK was generated from {MLFLOW_VERSION}"
        if found.warn
        else f"MLflow {version} (the SDK was generated from {MLFLOW_VERSION})"
    )
    status = Status.WARN if found.warn else Status.OK
    return CheckResult("version", status, "; ".join([head, *found.notes]), found.data)


def check_api_v2(client: MlflowClient) -> CheckResult:
    """Does the tracking API answer under ``/api/2.0`` (a one-row experiment search)?"""
    try:
        client.search_experiments(max_results=1)
    except NotFound:
        return CheckResult(
            "api-2.0",
            Status.FAIL,
            f"{client.tracking_uri}/api/2.0/mlflow/experiments/search answered 404: the tracking "
            "URI must be the server's root URL, without /api/2.0 or a path the server does not "
            "serve",
            {"status_code": 404},
        )
    except MlflowRestError as error:
        return _failure("api-2.0", client, "/api/2.0/mlflow/experiments/search", error)
    return CheckResult(
        "api-2.0", Status.OK, "/api/2.0 tracking API answers", {"prefix": "/api/2.0"}
    )


def check_api_v3(client: MlflowClient) -> CheckResult:
    """Does the server serve MLflow 3's ``/api/3.0`` routes (``server-info``)?"""
    try:
        info = client.get_server_info()
    except NotFound:
        return CheckResult(
            "api-3.0",
            Status.WARN,
            "/api/3.0/mlflow/server-info answered 404: the server predates MLflow 3, so "
            "endpoints added in 3.x (traces v3, logged models, ...) are unavailable",
            {"prefix": "/api/3.0", "available": False},
        )
    except MlflowRestError as error:
        return _failure("api-3.0", client, "GET /api/3.0/mlflow/server-info", error)
    store = info.store_type or "unknown"
    return CheckResult(
        "api-3.0",
        Status.OK,
        f"/api/3.0 answers (store: {store})",
        {"prefix": "/api/3.0", "available": True, "server_info": info.model_dump(mode="json")},
    )


def check_artifact_proxy(client: MlflowClient) -> CheckResult:
    """Can artifacts go through the server (``mlflow-artifacts`` proxy)?"""
    try:
        client.list_proxied_artifacts()
    except ServiceUnavailable as error:
        if "serve-artifacts" not in error.message:
            return _failure("artifacts", client, "GET /api/2.0/mlflow-artifacts/artifacts", error)
        return CheckResult(
            "artifacts",
            Status.WARN,
            "the server runs with --no-serve-artifacts: clients must reach the artifact store "
            "directly (the SDK's proxied artifact methods will fail)",
            {"proxy": False},
        )
    except NotFound:
        return CheckResult(
            "artifacts",
            Status.WARN,
            "the artifact proxy (/api/2.0/mlflow-artifacts) is not served here",
            {"proxy": False},
        )
    except MlflowRestError as error:
        return _failure("artifacts", client, "GET /api/2.0/mlflow-artifacts/artifacts", error)
    return CheckResult(
        "artifacts",
        Status.OK,
        "artifact proxy available (/api/2.0/mlflow-artifacts)",
        {"proxy": True},
    )


def check_latency(
    client: MlflowClient,
    samples: int = DEFAULT_LATENCY_SAMPLES,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> CheckResult:
    """Median round trip of a few ``/health`` calls on one pooled connection."""
    if samples < 1:
        raise ValueError(f"samples must be at least 1, got {samples}")
    timings: list[float] = []
    for _ in range(samples):
        started = clock()
        try:
            client.health()
        except MlflowRestError as error:
            return _failure("latency", client, "GET /health", error)
        timings.append((clock() - started) * 1000)
    median = statistics.median(timings)
    data = {
        "samples": samples,
        "median_ms": round(median, 2),
        "min_ms": round(min(timings), 2),
        "max_ms": round(max(timings), 2),
    }
    message = f"median round trip {median:.1f} ms over {samples} /health calls"
    if median > SLOW_ROUND_TRIP_MS:
        return CheckResult("latency", Status.WARN, f"slow: {message}", data)
    return CheckResult("latency", Status.OK, message, data)


def _skipped(check: str, reason: str) -> CheckResult:
    return CheckResult(check, Status.SKIP, f"skipped: {reason}")


def run_doctor(
    client: MlflowClient, *, latency_samples: int = DEFAULT_LATENCY_SAMPLES
) -> DoctorReport:
    """Every check in order, skipping those whose answer an earlier failure already decides."""
    results: list[CheckResult] = []
    reachability = check_reachability(client)
    results.append(reachability)
    protected: tuple[tuple[str, Callable[[MlflowClient], CheckResult]], ...] = (
        ("version", check_version),
        ("api-2.0", check_api_v2),
        ("api-3.0", check_api_v3),
        ("artifacts", check_artifact_proxy),
    )
    if reachability.status is Status.FAIL:
        reason = "needs a reachable MLflow server (see reachability)"
        results += [_skipped(name, reason) for name in ("auth", *dict(protected), "latency")]
    else:
        auth = check_auth(client)
        results.append(auth)
        if auth.status is Status.FAIL:
            results += [_skipped(name, "needs working credentials") for name, _ in protected]
        else:
            results += [check(client) for _, check in protected]
        results.append(check_latency(client, latency_samples))
    return DoctorReport(server=client.tracking_uri, auth=auth_kind(client), results=tuple(results))
