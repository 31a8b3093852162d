"""``python -m codegen openapi``: the spec as an OpenAPI 3.1 document (``spec/openapi.json``).

Every route of the spec becomes an operation: its path and query parameters (GET), its JSON body
(POST, PATCH, PUT and DELETE: MLflow's DELETE routes read a body), its response and MLflow's
error body per error status. Names come from the generator's model (``codegen.build``), so an
``operationId`` is the SDK's method name and a tag the SDK's resource module; schemas come from
``codegen.openapi_schemas``. What OpenAPI has no word for is carried by ``x-mlflow-*`` fields:
idempotency, pagination, the REST API version (the proto ``since``), the proto RPC, and the
first MLflow release of every route, field and enum value (the spec's release history).

Everything here is a pure function of the spec; ``dump_openapi`` gives a stable text (sorted
keys, two-space indent, a trailing newline), so regenerating is byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from codegen.build import build_model
from codegen.ir import EndpointModel, ResourceModule
from codegen.openapi_schemas import (
    ASGI_ERROR_SCHEMA,
    ERROR_SCHEMA,
    JsonObject,
    component_schemas,
    object_schema,
    ref,
    release_extensions,
    scalar_schema,
)
from codegen.spec import EndpointSpec, FieldSpec, Spec
from codegen.type_mapping import ClassNames

OPENAPI_VERSION = "3.1.0"
# Where ``python -m codegen openapi`` writes the document, relative to the repository root: the
# spec's companion, and the package's copy (``mlflow-rest openapi`` prints it). Run it after
# ``python -m codegen generate``, which rewrites the whole ``_generated`` folder.
OPENAPI_OUTPUTS = (Path("spec/openapi.json"), Path("src/mlflow_rest_sdk/_generated/openapi.json"))
JSON_MEDIA = "application/json"
BINARY_MEDIA = "application/octet-stream"
# ``contentMediaType`` is how 3.1 says "raw bytes"; ``format: binary`` is how 3.0 said it, and
# what client generators still read (openapi-python-client types such a body as a file only then).
BINARY_SCHEMA: JsonObject = {"type": "string", "format": "binary", "contentMediaType": BINARY_MEDIA}
# A download is labelled with the media type MLflow guesses from the file's name.
ANY_MEDIA = "*/*"
DOWNLOAD_SCHEMA: JsonObject = {"type": "string", "format": "binary"}
# Statuses at which the native artifact routes (FastAPI, under uvicorn) answer FastAPI's own
# error body: 400 for a path that ends in '/' or names a folder, 503 when artifacts are not served.
_ARTIFACT_ROUTER_STATUSES = ("400", "503")
# Statuses whose answer may come from outside MLflow's JSON error handler, as an HTML text: the
# basic-auth app and the Host-header check answer 401 and 403 so; Flask answers 404 for a route
# the server does not serve (an older server, or a Databricks-only route that answers 404 with an
# empty body), and 500 for an exception MLflow's handlers do not catch (always a server bug).
_HTML_TOO = frozenset({401, 403, 404, 500})
# Plain-text routes: MLflow 3.17.2 labels /health text/plain (a FastAPI route) but /version
# text/html (a Flask view returning a string); both carry plain text.
_TEXT_MEDIA = ("text/plain", "text/html")
# Everything that is not MLflow's own routes: no credentials needed even with basic auth on.
_OPEN_SERVICES = frozenset({"Server"})
_OPEN_PATHS = frozenset({"/health", "/version"})
_ERROR_REF = "#/components/responses/"


def build_openapi(spec: Spec) -> JsonObject:
    """The OpenAPI 3.1 document of every route in ``spec``."""
    api = build_model(spec)
    names = ClassNames(spec)
    paths: dict[str, JsonObject] = {}
    for endpoint, model in zip(spec.endpoints, api.endpoints, strict=True):
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = operation(
            spec, names, endpoint, model
        )
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": _info(spec),
        "servers": [
            {"url": "http://127.0.0.1:5000", "description": "`mlflow server` on its default port"}
        ],
        "security": [{}, {"basic": []}, {"bearer": []}],
        "tags": [_tag(resource) for resource in api.resources],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": component_schemas(spec, names),
            "responses": error_responses(spec),
            "securitySchemes": {
                "basic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "`mlflow server --app-name basic-auth`",
                },
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a token, for servers behind a gateway that checks one",
                },
            },
        },
    }


def dump_openapi(document: JsonObject) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _info(spec: Spec) -> JsonObject:
    return {
        "title": "MLflow REST API",
        "version": spec.mlflow_version,
        "summary": f"Every REST route of the MLflow {spec.mlflow_version} tracking server.",
        "description": (
            "Generated by `python -m codegen openapi` (mlflow-rest-sdk) from spec/mlflow_api.yaml, "
            "itself imported from MLflow's proto descriptors and checked against the server's "
            "route table. Do not edit: change the spec or the generator and regenerate. "
            "64-bit integers validate as JSON numbers and as decimal strings; "
            "`x-mlflow-idempotent` says whether a request may be sent twice, "
            "`x-mlflow-pagination` which fields carry the page token, "
            "`x-mlflow-rest-api-version` the REST API version (proto `since`) of a route, "
            "`x-mlflow-first-release` the first MLflow release that serves a route or knows a "
            "field (from the release history; `x-mlflow-release-gaps` the releases without it)."
        ),
        "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        "x-mlflow-version": spec.mlflow_version,
    }


def _tag(resource: ResourceModule) -> JsonObject:
    return {
        "name": resource.name,
        "description": (
            f"The `{resource.name}` routes: the SDK's `{resource.mixin}` and "
            f"`{resource.async_mixin}` methods."
        ),
    }


def operation_id(model: EndpointModel) -> str:
    """The SDK's method name; a route the SDK reaches through another method (the GET twin of a
    POST search) takes the name of its endpoint constant."""
    return model.operation if model.preferred else model.constant.lower()


def operation(
    spec: Spec, names: ClassNames, endpoint: EndpointSpec, model: EndpointModel
) -> JsonObject:
    """One OpenAPI operation object."""
    op: JsonObject = {
        "operationId": operation_id(model),
        "summary": (endpoint.doc or model.operation).rstrip("."),
        "description": _description(model),
        "tags": [model.group],
        "responses": _responses(spec, names, endpoint),
        "x-mlflow-idempotent": endpoint.idempotent,
        "x-mlflow-sdk-endpoint": model.constant,
        "x-mlflow-visibility": endpoint.visibility,
    }
    parameters = path_parameters(spec, names, endpoint) + query_parameters(spec, names, endpoint)
    if parameters:
        op["parameters"] = parameters
    body = request_body(spec, names, endpoint)
    if body is not None:
        op["requestBody"] = body
    if endpoint.deprecated:
        op["deprecated"] = True
    if endpoint.api_version is not None:
        op["x-mlflow-rest-api-version"] = endpoint.api_version
    op.update(release_extensions(endpoint.first_release, endpoint.gaps))
    if endpoint.rpc is not None:
        op["x-mlflow-rpc"] = f"{endpoint.service}.{endpoint.rpc}"
    if not endpoint.preferred:
        op["x-mlflow-sdk-method"] = model.operation
    if endpoint.pagination is not None:
        op["x-mlflow-pagination"] = endpoint.pagination.model_dump(exclude_none=True)
    if endpoint.request_defaults:
        # Not OpenAPI `default`s: the server reads an absent value differently (and may reject
        # it); the SDK sends these when the caller gives none.
        op["x-mlflow-client-defaults"] = dict(endpoint.request_defaults)
    if endpoint.service == "BasicAuth":
        op["security"] = [{"basic": []}]
    elif endpoint.service in _OPEN_SERVICES and endpoint.path in _OPEN_PATHS:
        op["security"] = [{}]
    return op


def _description(model: EndpointModel) -> str:
    """The SDK method's docstring without its title (the title is the summary)."""
    lines = model.doc.strip().splitlines()
    return "\n".join(lines[2:] if len(lines) > 2 and not lines[1] else lines)


def _request_fields(spec: Spec, endpoint: EndpointSpec) -> list[FieldSpec]:
    """The request message's fields that travel in the query or body: a field bound to a path
    parameter travels in the path instead."""
    if endpoint.request is None:
        return []
    in_path = {p.field for p in endpoint.path_params if p.field is not None}
    return [f for f in spec.messages[endpoint.request].fields if f.name not in in_path]


def _field(spec: Spec, endpoint: EndpointSpec, name: str) -> FieldSpec | None:
    if endpoint.request is None:
        return None
    return next((f for f in spec.messages[endpoint.request].fields if f.name == name), None)


def path_parameters(spec: Spec, names: ClassNames, endpoint: EndpointSpec) -> list[JsonObject]:
    parameters: list[JsonObject] = []
    for param in endpoint.path_params:
        field = _field(spec, endpoint, param.field) if param.field else None
        schema = _query_schema(field, names) if field else {"type": "string"}
        parameter: JsonObject = {"name": param.name, "in": "path", "required": True}
        if param.kind == "path":
            parameter["description"] = (
                "A relative artifact path; its slashes are kept (it spans several segments)."
            )
            parameter["x-mlflow-path-kind"] = "path"
        elif param.field is not None and param.field != param.name:
            parameter["description"] = f"The request field `{param.field}`."
        parameter["schema"] = schema
        parameters.append(parameter)
    return parameters


def _query_schema(field: FieldSpec, names: ClassNames) -> JsonObject:
    """A query value: there every integer is text, so 64-bit ones are plain integers here."""
    if field.type in ("int64", "sint64", "sfixed64", "uint64", "fixed64"):
        single: JsonObject = {"type": "integer", "format": "int64"}
    elif field.type in ("double", "float"):
        single = {"type": "number", "format": field.type}
    else:
        single = scalar_schema(field.type, field.ref, names)
    return {"type": "array", "items": single} if field.repeated else single


def query_parameters(spec: Spec, names: ClassNames, endpoint: EndpointSpec) -> list[JsonObject]:
    """GET fields: one query parameter each; repeated fields as repeated keys (form, explode)."""
    if endpoint.request_body != "query":
        return []
    parameters: list[JsonObject] = []
    for field in _request_fields(spec, endpoint):
        if field.type in ("message", "map"):
            raise ValueError(f"{endpoint.path}: GET field {field.name} is a {field.type}")
        parameter: JsonObject = {
            "name": field.name,
            "in": "query",
            "schema": _query_schema(field, names),
        }
        if field.required:
            parameter["required"] = True
        if field.repeated:
            parameter.update(style="form", explode=True)
        if field.doc:
            parameter["description"] = field.doc
        parameters.append(parameter)
    return parameters


def request_body(spec: Spec, names: ClassNames, endpoint: EndpointSpec) -> JsonObject | None:
    if endpoint.request_body == "raw":
        return {"required": True, "content": {BINARY_MEDIA: {"schema": BINARY_SCHEMA}}}
    if endpoint.request_body != "json":
        return None
    if endpoint.request is None:
        schema: JsonObject = {"type": "object"}
    elif any(p.field is not None and "." not in p.field for p in endpoint.path_params):
        schema = object_schema(_request_fields(spec, endpoint), names)
    else:
        schema = ref(names.classes[endpoint.request])
    return {"required": True, "content": {JSON_MEDIA: {"schema": schema}}}


def _responses(spec: Spec, names: ClassNames, endpoint: EndpointSpec) -> JsonObject:
    responses = {**_success(spec, names, endpoint), **_errors(spec)}
    if "raw" in (endpoint.request_body, endpoint.response_body):
        # Served by MLflow's native artifact router (FastAPI) under uvicorn, the default.
        either = {"anyOf": [ref(ERROR_SCHEMA), ref(ASGI_ERROR_SCHEMA)]}
        for status in _ARTIFACT_ROUTER_STATUSES:
            responses[status] = {
                "description": f"MLflow's or FastAPI's error body ({status}, artifact routes)",
                "content": {JSON_MEDIA: {"schema": either}},
            }
    return responses


def _success(spec: Spec, names: ClassNames, endpoint: EndpointSpec) -> JsonObject:
    content: JsonObject
    if endpoint.request_body == "raw":
        # An upload answers an empty body under uvicorn (MLflow 3.17.2's native artifact route);
        # the Flask handler it replaces (gunicorn, waitress) answers `{}`. No body is declared, so
        # clients read none: a declared JSON body would make them parse the empty one and fail.
        return {
            "200": {"description": "Stored. The body is empty, or `{}` from a server on gunicorn."}
        }
    if endpoint.response_body == "raw":
        content = {ANY_MEDIA: {"schema": DOWNLOAD_SCHEMA}}
    elif endpoint.response_body == "text":
        content = {media: {"schema": {"type": "string"}} for media in _TEXT_MEDIA}
    elif endpoint.response is None:
        content = {JSON_MEDIA: {"schema": {"type": "object"}}}
    else:
        content = {JSON_MEDIA: {"schema": ref(names.classes[endpoint.response])}}
    return {"200": {"description": "OK", "content": content}}


def _error_statuses(spec: Spec) -> list[int]:
    return sorted({code.status for code in spec.error_codes})


def _errors(spec: Spec) -> JsonObject:
    responses: JsonObject = {
        str(status): {"$ref": f"{_ERROR_REF}Error{status}"} for status in _error_statuses(spec)
    }
    responses["default"] = {"$ref": f"{_ERROR_REF}Error"}
    return responses


def error_responses(spec: Spec) -> JsonObject:
    """``components/responses``: MLflow's error body per error status, with the codes it means."""
    codes: Mapping[int, list[str]] = {
        status: sorted(c.name for c in spec.error_codes if c.status == status)
        for status in _error_statuses(spec)
    }
    body = {JSON_MEDIA: {"schema": ref(ERROR_SCHEMA)}}
    responses: JsonObject = {}
    for status, names in codes.items():
        content: JsonObject = dict(body)
        if status == 404:
            either = [ref(ERROR_SCHEMA), ref(ASGI_ERROR_SCHEMA)]
            content[JSON_MEDIA] = {"schema": {"anyOf": either}}
        if status in _HTML_TOO:
            content["text/html"] = {"schema": {"type": "string"}}
        responses[f"Error{status}"] = {
            "description": f"MLflow error ({', '.join(names)})",
            "content": content,
            "x-mlflow-error-codes": names,
        }
    responses["Error"] = {"description": "MLflow error", "content": dict(body)}
    return responses
