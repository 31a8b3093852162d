"""Request building and response decoding: pure functions shared by the sync and async clients.

Nothing here does I/O, so every wire rule (path escaping, query encoding, int64 and NaN forms,
error mapping) is tested once and behaves the same on every transport.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar, get_args
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from mlflow_rest_sdk._runtime.endpoint import Endpoint
from mlflow_rest_sdk._runtime.error_base import (
    MlflowApiError,
    RequestValidationError,
    ResponseDecodeError,
    family_for_status,
)
from mlflow_rest_sdk._runtime.message import Message
from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse, Timeouts

M = TypeVar("M", bound=Message)

JSON_HEADERS = {"Content-Type": "application/json"}
_MAX_ERROR_TEXT = 500
# Required fields where an empty string is a legitimate value (a tag or param set to "").
_MAY_BE_EMPTY = frozenset({"value", "description"})


def coerce_request(
    endpoint: Endpoint,
    model_type: type[M],
    request: M | Mapping[str, Any] | None,
    fields: Mapping[str, Any],
) -> M:
    """Turn a request object, a mapping, or keyword fields into a validated request message."""
    given = {name: value for name, value in fields.items() if value is not None}
    if request is not None:
        if given:
            raise RequestValidationError(
                endpoint.operation,
                None,
                "pass either a request object or keyword arguments, not both "
                f"(got a request and {sorted(given)})",
            )
        if isinstance(request, model_type):
            message = request
        elif isinstance(request, Mapping):
            given = dict(request)
        else:
            raise RequestValidationError(
                endpoint.operation,
                None,
                f"request must be a {model_type.__name__} or a mapping, "
                f"got {type(request).__name__}",
            )
    if request is None or not isinstance(request, model_type):
        try:
            message = model_type.model_validate(given)
        except ValidationError as exc:
            raise _validation_error(endpoint.operation, exc) from None
    _reject_unknown_fields(endpoint.operation, message, "")
    missing_defaults = {k: v for k, v in endpoint.defaults if getattr(message, k, None) is None}
    if missing_defaults:
        message = message.model_copy(update=missing_defaults)
    attributes = _attribute_names(type(message))
    for name in endpoint.required:
        value = getattr(message, attributes.get(name, name), None)
        if value is None:
            raise RequestValidationError(endpoint.operation, name, "is required")
        if isinstance(value, str) and not value.strip() and name not in _MAY_BE_EMPTY:
            raise RequestValidationError(endpoint.operation, name, "must not be empty")
    return message


@functools.cache
def _attribute_names(model: type[BaseModel]) -> dict[str, str]:
    """Wire name -> Python attribute name, for the fields whose names differ."""
    return {info.alias: name for name, info in model.model_fields.items() if info.alias}


def _validation_error(operation: str, exc: ValidationError) -> RequestValidationError:
    problems = exc.errors(include_url=False, include_input=False)
    first = problems[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return RequestValidationError(operation, field, f"{first['msg']}{more}")


def _reject_unknown_fields(operation: str, value: Any, where: str) -> None:
    """Requests are strict: a misspelled nested field or an unknown enum name is an error here,
    not silently dropped or answered by the server with a 500 page."""
    if isinstance(value, BaseModel):
        extra = value.model_extra or {}
        if extra:
            name = sorted(extra)[0]
            raise RequestValidationError(
                operation, f"{where}{name}", f"is not a field of {type(value).__name__}"
            )
        for name, enum_type, nested in _checked_fields(type(value)):
            item = getattr(value, name)
            if item is None:
                continue
            if enum_type is not None:
                _reject_unknown_enum_name(operation, f"{where}{name}", enum_type, item)
            if nested:
                _reject_unknown_fields(operation, item, f"{where}{name}.")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _reject_unknown_fields(operation, item, f"{where}{index}.")


@functools.cache
def _checked_fields(model: type[BaseModel]) -> tuple[tuple[str, type[StrEnum] | None, bool], ...]:
    """Per model class, once: the fields that hold an enum or nested messages (the rest need no
    walking), so checking a 1000-metric batch costs little."""
    fields = []
    for name, info in model.model_fields.items():
        enum_type = _enum_of(info.annotation)
        nested = _holds_message(info.annotation)
        if enum_type is not None or nested:
            fields.append((name, enum_type, nested))
    return tuple(fields)


def _holds_message(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_message(arg) for arg in get_args(annotation))


def _reject_unknown_enum_name(
    operation: str, field: str, enum_type: type[StrEnum], value: Any
) -> None:
    values = value if isinstance(value, list) else [value]
    for item in values:
        if isinstance(item, str) and not isinstance(item, enum_type):
            known = ", ".join(member.value for member in enum_type)
            raise RequestValidationError(
                operation, field, f"{item!r} is not a {enum_type.__name__} (one of: {known})"
            )


def _enum_of(annotation: Any) -> type[StrEnum] | None:
    """The StrEnum inside a field's annotation (``Enum | str``, lists, dicts, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return annotation
    for arg in get_args(annotation):
        found = _enum_of(arg)
        if found is not None:
            return found
    return None


def _lookup(wire: Mapping[str, Any], dotted: tuple[str, ...]) -> Any:
    current: Any = wire
    for part in dotted:
        if not isinstance(current, Mapping) or part not in current:
            return None
        current = current[part]
    return current


def render_path(endpoint: Endpoint, wire: Mapping[str, Any], path_args: Mapping[str, str]) -> str:
    """Substitute and escape the path parameters; each must be present and non-empty."""
    path = endpoint.path
    for param in endpoint.path_params:
        value = _lookup(wire, param.field) if param.field is not None else path_args.get(param.name)
        if value is None or value == "":
            field = ".".join(param.field) if param.field else param.name
            raise RequestValidationError(
                endpoint.operation, field, "is required (it is part of the URL path)"
            )
        text = str(value)
        if param.keep_slashes:
            _check_relative_path(endpoint.operation, param.name, text)
        path = path.replace(
            "{" + param.name + "}", quote(text, safe="/" if param.keep_slashes else "")
        )
    return path


def _check_relative_path(operation: str, name: str, value: str) -> None:
    parts = value.split("/")
    if value.startswith("/") or any(part in ("..", ".") for part in parts) or "\x00" in value:
        raise RequestValidationError(
            operation, name, f"must be a relative path without '.' or '..' segments, got {value!r}"
        )


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def encode_query(wire: Mapping[str, Any]) -> list[tuple[str, str]]:
    """GET fields as query pairs; repeated fields become repeated keys, in order."""
    pairs: list[tuple[str, str]] = []
    for name, value in wire.items():
        if isinstance(value, list):
            pairs.extend((name, _query_value(item)) for item in value)
        else:
            pairs.append((name, _query_value(value)))
    return pairs


def build_http_request(
    endpoint: Endpoint,
    message: Message | None,
    *,
    base_url: str,
    headers: Mapping[str, str],
    timeouts: Timeouts,
    path_args: Mapping[str, str] | None = None,
    content: bytes | None = None,
) -> HttpRequest:
    needs_dict = endpoint.request_body == "query" or any(p.field for p in endpoint.path_params)
    wire = message.to_wire() if message is not None and needs_dict else {}
    url = base_url.rstrip("/") + render_path(endpoint, wire, path_args or {})
    params: list[tuple[str, str]] = []
    body: bytes | None = None
    all_headers = dict(headers)
    if endpoint.request_body == "query":
        params = encode_query(wire)
    elif endpoint.request_body == "json":
        body = message.to_wire_json() if message is not None else b"{}"
        all_headers.update(JSON_HEADERS)
    elif endpoint.request_body == "raw":
        body = content if content is not None else b""
        all_headers["Content-Type"] = "application/octet-stream"
    return HttpRequest(
        method=endpoint.method,
        url=url,
        params=params,
        headers=all_headers,
        content=body,
        timeouts=timeouts,
    )


def decode_response(
    endpoint: Endpoint,
    response: HttpResponse,
    response_type: type[Any],
    error_types: Mapping[str, type[MlflowApiError]],
) -> Any:
    """The typed result of a 2xx response, or the mapped exception of any other."""
    if not 200 <= response.status_code < 300:
        raise error_from_response(endpoint.operation, response, error_types)
    if endpoint.response_body == "raw":
        return response.content
    if endpoint.response_body == "text":
        return response.text
    if response_type is type(None):
        return None
    content = response.content.strip()
    try:
        return response_type.model_validate_json(content or b"{}")
    except ValidationError as exc:
        raise ResponseDecodeError(
            f"{endpoint.operation}: the server's response does not match "
            f"{response_type.__name__}: {exc.errors(include_url=False)[0]['msg']} "
            f"(body starts {response.text[:200]!r})"
        ) from None


def error_from_response(
    operation: str | None,
    response: HttpResponse,
    error_types: Mapping[str, type[MlflowApiError]],
) -> MlflowApiError:
    """Map a non-2xx response: first by ``error_code`` in MLflow's JSON, then by status."""
    error_code: str | None = None
    message = ""
    details: object = None
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        code = body.get("error_code")
        error_code = code if isinstance(code, str) and code else None
        message = str(body.get("message") or "")
        details = body.get("details")
    if not message:
        message = _fallback_message(response)
    error_type = error_types.get(error_code or "") or family_for_status(response.status_code)
    if response.status_code in (401, 403) and not issubclass(
        error_type, family_for_status(response.status_code)
    ):
        error_type = family_for_status(response.status_code)
    return error_type(
        message,
        status_code=response.status_code,
        error_code=error_code,
        operation=operation,
        details=details,
    )


def _fallback_message(response: HttpResponse) -> str:
    if response.status_code == 401:
        return "the server requires valid credentials (authentication failed or missing)"
    if response.status_code == 403:
        return "the server refused access to this resource (permission denied)"
    text = " ".join(response.text.split())
    if not text:
        return f"empty response body (HTTP {response.status_code})"
    return text[:_MAX_ERROR_TEXT] + ("..." if len(text) > _MAX_ERROR_TEXT else "")


def call_timeouts(default: Timeouts, timeout: float | None) -> Timeouts:
    """A per-call timeout bounds every phase of that call."""
    if timeout is None:
        return default
    return Timeouts(
        connect=min(default.connect, timeout),
        read=timeout,
        write=timeout,
        pool=min(default.pool, timeout),
    )
