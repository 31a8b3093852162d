"""``mlflow_api_call`` for the platform's older code, routed through the SDK's typed client.

The old helper took a REST path and a dict and returned a dict, or None on any failure. This one
keeps the signature but raises the SDK's typed errors, so a failure is never mistaken for an
empty answer.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mlflow_rest_sdk.endpoints import ALL_ENDPOINTS

if TYPE_CHECKING:
    from mlflow_rest_sdk import MlflowClient
    from mlflow_rest_sdk.endpoints import Endpoint

#: Endpoints MLflow removed, and what replaced them.
REMOVED_ENDPOINTS: Mapping[str, str] = {
    "mlflow/experiments/list": "mlflow/experiments/search",
    "mlflow/registered-models/list": "mlflow/registered-models/search",
    "preview/mlflow/experiments/list": "mlflow/experiments/search",
    "preview/mlflow/registered-models/list": "mlflow/registered-models/search",
}
_API_PREFIXES = ("api/2.0/", "api/3.0/", "ajax-api/2.0/", "ajax-api/3.0/")


class EndpointRemovedError(LookupError):
    """The endpoint existed in older MLflow releases; the message names its replacement."""


class UnknownEndpointError(LookupError):
    """No operation of the SDK serves this path and method."""


def _short_path(path: str) -> str:
    text = path.strip().lstrip("/")
    for prefix in _API_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def find_endpoint(endpoint: str, method: str) -> Endpoint:
    """The SDK endpoint behind ``endpoint`` (``mlflow/experiments/create`` or a full path)."""
    short = _short_path(endpoint)
    verb = method.strip().upper()
    if short in REMOVED_ENDPOINTS:
        raise EndpointRemovedError(
            f"{verb} {short} was removed from MLflow (in 2.0); use "
            f"{REMOVED_ENDPOINTS[short]} instead"
        )
    candidates = [e for e in ALL_ENDPOINTS if not e.path_params and _short_path(e.path) == short]
    for candidate in candidates:
        if candidate.method == verb:
            return candidate
    if candidates:
        methods = ", ".join(sorted({c.method for c in candidates}))
        raise UnknownEndpointError(f"{short} does not accept {verb}; it accepts {methods}")
    known = sorted({_short_path(e.path) for e in ALL_ENDPOINTS if not e.path_params})
    close = difflib.get_close_matches(short, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownEndpointError(f"no MLflow REST endpoint {verb} {short}{hint}")


def mlflow_api_call(
    client: MlflowClient,
    endpoint: str,
    method: str = "GET",
    data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Call ``endpoint`` with ``data`` as its fields and return the JSON answer as a dict."""
    operation = find_endpoint(endpoint, method).operation
    response = getattr(client, operation)(**dict(data or {}))
    if isinstance(response, bytes | str):
        return {"content": response}
    dumped: dict[str, Any] = response.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped
