"""Stage 1: read one MLflow release's proto descriptors into the spec's plain data.

The descriptors come from a :class:`~codegen.proto_pool.ProtoPool` (the installed MLflow or any
release's wheel, never imported). Only descriptors are read: the wheel carries no ``.proto``
sources, so docs come from each RPC's ``rpc_doc_title``; everything else the protos cannot say
(idempotency, quirks, non-proto routes) comes from the overlay.
"""

from __future__ import annotations

import re
from typing import Any

from codegen.naming import snake_case
from codegen.proto_pool import ProtoPool

# The four services the tracking server mounts under /api/, and the proto files declaring them.
# A release that lacks a file (webhooks.proto before 3.3) simply has none of its endpoints.
SERVICE_FILES: dict[str, str] = {
    "MlflowService": "service.proto",
    "ModelRegistryService": "model_registry.proto",
    "MlflowArtifactsService": "mlflow_artifacts.proto",
    "WebhookService": "webhooks.proto",
}

# Well-known protobuf types have a JSON form of their own.
WELL_KNOWN_TYPES: dict[str, str] = {
    "google.protobuf.Timestamp": "timestamp",
    "google.protobuf.Duration": "duration",
    "google.protobuf.FieldMask": "field_mask",
    "google.protobuf.Struct": "json_object",
    "google.protobuf.Value": "json_value",
    "google.protobuf.ListValue": "json_list",
}

_SCALAR_TYPE_NAMES: dict[int, str] = {
    1: "double",
    2: "float",
    3: "int64",
    4: "uint64",
    5: "int32",
    6: "fixed64",
    7: "fixed32",
    8: "bool",
    9: "string",
    12: "bytes",
    13: "uint32",
    15: "sfixed32",
    16: "sfixed64",
    17: "sint32",
    18: "sint64",
}
_TYPE_ENUM = 14
_TYPE_MESSAGE = 11
_TYPE_GROUP = 10

_PATH_PARAM = re.compile(r"\{([\w.]+)\}|<(?:(path):)?(\w+)>")


def _field_type(field: Any) -> dict[str, Any]:
    """The spec's type description of one field (without name/repeated/docs)."""
    if field.type == _TYPE_ENUM:
        return {"type": "enum", "ref": field.enum_type.full_name}
    if field.type in (_TYPE_MESSAGE, _TYPE_GROUP):
        message = field.message_type
        if message.full_name in WELL_KNOWN_TYPES:
            return {"type": WELL_KNOWN_TYPES[message.full_name], "ref": None}
        return {"type": "message", "ref": message.full_name}
    return {"type": _SCALAR_TYPE_NAMES[field.type], "ref": None}


def _message_spec(protos: ProtoPool, message: Any) -> dict[str, Any]:
    fields = []
    for field in message.fields:
        entry: dict[str, Any] = {"name": field.name, "number": field.number}
        map_key = map_value = None
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            key_field, value_field = (
                field.message_type.fields_by_name["key"],
                field.message_type.fields_by_name["value"],
            )
            entry.update(type="map", ref=None)
            map_key = _SCALAR_TYPE_NAMES[key_field.type]
            map_value = _field_type(value_field)
            repeated = False
        else:
            entry.update(_field_type(field))
            repeated = bool(field.is_repeated)
        oneof = field.containing_oneof
        entry.update(
            repeated=repeated,
            required=protos.is_required(field),
            oneof=oneof.name if oneof is not None and not oneof.name.startswith("_") else None,
            map_key=map_key,
            map_value=map_value,
            json_name=field.json_name,
        )
        fields.append(entry)
    return {"fields": fields}


def _enum_spec(enum: Any) -> dict[str, Any]:
    return {"values": [{"name": v.name, "number": v.number} for v in enum.values]}


def _collect_types(
    protos: ProtoPool,
    message: Any,
    messages: dict[str, dict[str, Any]],
    enums: dict[str, dict[str, Any]],
) -> None:
    """Walk every message and enum reachable from ``message`` (maps flattened)."""
    if message.full_name in messages or message.full_name in WELL_KNOWN_TYPES:
        return
    messages[message.full_name] = _message_spec(protos, message)
    for field in message.fields:
        targets = [field]
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            targets = [field.message_type.fields_by_name["value"]]
        for target in targets:
            if target.enum_type is not None and target.enum_type.full_name not in enums:
                enums[target.enum_type.full_name] = _enum_spec(target.enum_type)
            if target.message_type is not None and not target.message_type.GetOptions().map_entry:
                _collect_types(protos, target.message_type, messages, enums)


def _path_params(path: str, request: Any) -> tuple[str, list[dict[str, Any]]]:
    """Rewrite Flask/gRPC path params to ``{name}`` and say where each value comes from."""
    params: list[dict[str, Any]] = []

    def replace(match: re.Match[str]) -> str:
        dotted, is_path, flask_name = match.group(1), match.group(2), match.group(3)
        source = dotted or flask_name
        name = source.rsplit(".", 1)[-1]
        field = source if _has_field(request, source) else None
        params.append({"name": name, "field": field, "kind": "path" if is_path else "segment"})
        return "{" + name + "}"

    return _PATH_PARAM.sub(replace, path), params


def _has_field(message: Any, dotted: str) -> bool:
    current = message
    for part in dotted.split("."):
        if current is None or part not in current.fields_by_name:
            return False
        current = current.fields_by_name[part].message_type
    return True


def _served_path(proto_path: str, major: int) -> str:
    # The server mounts each endpoint under /api/{major}.0 followed by the proto path verbatim,
    # so a proto path without its leading slash is served glued to the prefix.
    return f"/api/{major}.0{proto_path}"


def import_services(protos: ProtoPool) -> dict[str, Any]:
    """Every proto endpoint of the four services, plus the messages and enums they use.

    Paths are the ones this release's server mounts (see :mod:`codegen.server_rules`).
    """
    server = protos.server
    endpoints: list[dict[str, Any]] = []
    messages: dict[str, dict[str, Any]] = {}
    enums: dict[str, dict[str, Any]] = {}
    for service_name, file_name in SERVICE_FILES.items():
        proto_file = protos.file(file_name)
        if proto_file is None or service_name not in proto_file.services_by_name:
            continue
        for method in proto_file.services_by_name[service_name].methods:
            rpc = protos.rpc_options(method)
            request = method.input_type
            _collect_types(protos, method.input_type, messages, enums)
            _collect_types(protos, method.output_type, messages, enums)
            for index, endpoint in enumerate(rpc.endpoints):
                path, path_params = _path_params(endpoint.path, method.input_type)
                endpoints.append(
                    {
                        "operation": snake_case(method.name),
                        "rpc": method.name,
                        "service": service_name,
                        "method": endpoint.method,
                        "path": _served_path(path, server.prefix_major(endpoint.since.major)),
                        "path_params": path_params,
                        "request": method.input_type.full_name,
                        "response": method.output_type.full_name,
                        "api_version": f"{endpoint.since.major}.{endpoint.since.minor}",
                        "deprecated": bool(method.GetOptions().deprecated),
                        "visibility": protos.visibility_name(rpc.visibility),
                        "doc": rpc.rpc_doc_title or None,
                        "declared_order": index,
                        # Routed to a real handler, not to the server's _not_implemented.
                        "handled": server.handles(request.file.name, request.name),
                    }
                )
    return {
        "endpoints": endpoints,
        "messages": messages,
        "enums": enums,
        "error_codes": protos.error_codes(),
    }
