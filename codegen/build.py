"""Stage 2: the spec resolved into the frozen model of ``codegen.ir``."""

from __future__ import annotations

import builtins

from codegen.compat_build import build_compatibility, later_request_fields
from codegen.grouping import model_modules, resource_modules
from codegen.ir import (
    ApiModel,
    EndpointModel,
    EnumMember,
    EnumModel,
    ErrorModel,
    ExtraArgument,
    MessageModel,
    PaginationModel,
    PathParamModel,
)
from codegen.naming import camel_case, enum_member, resource_group, safe_attribute
from codegen.spec import EndpointSpec, Spec
from codegen.type_mapping import TypeResolver, lenient_alias

_FAMILIES = {
    400: "BadRequest", 401: "Unauthenticated", 403: "PermissionDenied", 404: "NotFound",
    409: "Conflict", 429: "TooManyRequests", 500: "ServerError", 501: "NotImplementedByServer",
    502: "ServiceUnavailable", 503: "ServiceUnavailable", 504: "ServiceUnavailable",
}  # fmt: skip


_ERROR_NAME_OVERRIDES = {"NOT_IMPLEMENTED": "NotImplementedByServer"}


def _endpoint_constant(endpoint: EndpointSpec) -> str:
    suffix = "" if endpoint.preferred else f"_{endpoint.method}"
    return (endpoint.operation + suffix).upper()


def build_model(spec: Spec) -> ApiModel:
    resolver = TypeResolver(spec)
    enums = tuple(
        EnumModel(
            full_name=name,
            class_name=resolver.cls(name),
            lenient_alias=lenient_alias(resolver.cls(name)),
            doc=enum.doc or f"The proto enum `{name}`, sent by name.",
            members=tuple(EnumMember(enum_member(v.name), v.name, v.number) for v in enum.values),
        )
        for name, enum in sorted(spec.enums.items())
    )
    messages = tuple(
        MessageModel(
            full_name=name,
            class_name=resolver.cls(name),
            doc=message.doc or f"The proto message `{name}`.",
            fields=tuple(resolver.field(f) for f in message.fields),
        )
        for name, message in sorted(spec.messages.items())
    )
    endpoints = tuple(_endpoint(resolver, e) for e in spec.endpoints)
    errors = tuple(_error(code.name, code.status) for code in spec.error_codes)
    modules = model_modules(spec, enums, messages)
    resources = resource_modules(endpoints, messages, enums)
    return ApiModel(
        spec.mlflow_version,
        enums,
        messages,
        endpoints,
        errors,
        modules,
        resources,
        build_compatibility(spec),
    )


def _endpoint(resolver: TypeResolver, endpoint: EndpointSpec) -> EndpointModel:
    spec = resolver.spec
    request = spec.messages.get(endpoint.request) if endpoint.request else None
    fields = tuple(resolver.field(f) for f in request.fields) if request else ()
    required = tuple(f.name for f in request.fields if f.required) if request else ()
    path_arguments = tuple(
        ExtraArgument(safe_attribute(p.name), "str", p.name)
        for p in endpoint.path_params
        if p.field is None
    )
    extra = path_arguments
    if endpoint.request_body == "raw":
        extra += (ExtraArgument("content", "bytes", "content"),)
    request_class = resolver.cls(endpoint.request) if endpoint.request else None
    response_class = resolver.cls(endpoint.response) if endpoint.response else None
    returns = _RAW_RETURNS.get(endpoint.response_body) or response_class or "None"
    pagination = _pagination(resolver, endpoint)
    py_names = {f.wire_name: f.py_name for f in fields}
    later = tuple(
        (py_names[name], release) for name, release in later_request_fields(spec, endpoint)
    )
    return EndpointModel(
        constant=_endpoint_constant(endpoint),
        operation=endpoint.operation,
        service=endpoint.service,
        group=resource_group(endpoint.path),
        method=endpoint.method,
        path=endpoint.path,
        path_params=tuple(
            PathParamModel(p.name, tuple(p.field.split(".")) if p.field else None, p.kind == "path")
            for p in endpoint.path_params
        ),
        request_body=endpoint.request_body,
        response_body=endpoint.response_body,
        idempotent=endpoint.idempotent,
        preferred=endpoint.preferred,
        deprecated=endpoint.deprecated,
        api_version=endpoint.api_version,
        first_release=endpoint.first_release,
        required=required,
        pagination=pagination,
        request_class=request_class,
        response_class=response_class,
        fields=fields,
        extra_arguments=extra,
        returns=returns,
        doc=_method_doc(endpoint, later, served_note(spec, endpoint)),
        rpc=endpoint.rpc,
        note=endpoint.note,
        request_defaults=tuple(sorted(endpoint.request_defaults.items())),
        request_type=f"_m.{request_class}" if request_class else "None",
        response_type=_response_type(returns, response_class),
        takes_request=request_class is not None and bool(fields),
        path_arguments=path_arguments,
        page_fields=tuple(
            f for f in fields if pagination is None or f.wire_name != pagination.token_field
        ),
        later_fields=later,
    )


# Response bodies that are not JSON: the method returns the body itself.
_RAW_RETURNS = {"raw": "bytes", "text": "str"}


def _response_type(returns: str, response_class: str | None) -> str:
    """The response-type argument of ``_call``: the raw type, the model, or ``type(None)``."""
    if returns in _RAW_RETURNS.values():
        return returns
    return f"_m.{response_class}" if response_class else "type(None)"


def served_note(spec: Spec, endpoint: EndpointSpec) -> str:
    """Which releases serve the route, in words, from the history (never from ``api_version``)."""
    if endpoint.first_release is not None:
        return f"MLflow >= {endpoint.first_release}"
    if spec.history is not None and endpoint.rpc is not None:
        last = spec.history.releases[-1]
        return f"declared by the protos, but no MLflow release up to {last} serves it: 404"
    return ""


def _method_doc(endpoint: EndpointSpec, later: tuple[tuple[str, str], ...], served: str) -> str:
    title = (endpoint.doc or camel_case(endpoint.operation)).rstrip(".")
    route = f"``{endpoint.method} {endpoint.path}``"
    lines = [f"{title}.", "", f"{route} ({served})." if served else f"{route}."]
    if later:
        newer = ", ".join(f"``{name}`` (MLflow >= {release})" for name, release in later)
        lines.append(f"Fields added later: {newer}; an older server ignores them silently.")
    if endpoint.deprecated:
        lines.append("Deprecated by MLflow: prefer its replacement where one exists.")
    if endpoint.note:
        lines.append(endpoint.note)
    for name, value in sorted(endpoint.request_defaults.items()):
        lines.append(f"``{name}`` defaults to {value!r} when not given.")
    lines.append(
        "Idempotent: retried on transient failures."
        if endpoint.idempotent
        else "Not idempotent: retried only when the server cannot have acted."
    )
    return "\n".join(lines) + "\n"


def _pagination(resolver: TypeResolver, endpoint: EndpointSpec) -> PaginationModel | None:
    if not (endpoint.pagination and endpoint.response):
        return None
    items = next(
        f for f in resolver.spec.messages[endpoint.response].fields
        if f.name == endpoint.pagination.items_field
    )  # fmt: skip
    assert items.ref is not None
    return PaginationModel(**endpoint.pagination.model_dump(), item_class=resolver.cls(items.ref))


def _error(code: str, status: int) -> ErrorModel:
    # NOT_IMPLEMENTED would shadow the builtin NotImplemented: it is the 501 family itself.
    name = _ERROR_NAME_OVERRIDES.get(code) or camel_case(code.lower())
    if name in dir(builtins):
        raise ValueError(f"error code {code} would shadow the builtin {name}; add an override")
    family = _FAMILIES.get(status, "ServerError" if status >= 500 else "MlflowApiError")
    is_family = name in set(_FAMILIES.values())
    return ErrorModel(code, name, family, status, is_family)
