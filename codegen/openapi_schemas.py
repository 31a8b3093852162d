"""The OpenAPI document's JSON Schemas: one per spec message and enum, and MLflow's error body.

Schemas describe the JSON MLflow's server reads and writes (protobuf's JSON mapping with the
proto field names, as ``mlflow.utils.proto_json_utils.message_to_json`` produces it):

- 64-bit integers: MLflow sends them as JSON numbers, protobuf's own mapping (and other servers
  and proxies) as decimal strings; both forms validate.
- doubles and floats: numbers, or protobuf's strings ``NaN``, ``Infinity``, ``-Infinity``.
- bytes: base64 strings; ``Timestamp`` RFC 3339 strings; ``Duration`` strings such as ``1.5s``;
  ``FieldMask`` a comma-separated string; ``google.protobuf.Value`` any JSON value.
- enums: their names. Unknown fields are allowed (a newer server may add some).

Component names are the SDK's class names (``codegen.type_mapping.ClassNames``), so a schema
and the Python model of the same message carry the same name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from codegen.spec import EnumSpec, FieldSpec, FieldType, Gap, MessageSpec, Spec
from codegen.type_mapping import ClassNames

JsonObject = dict[str, Any]

ERROR_SCHEMA = "MlflowError"
# The body of a 404 from the ASGI layer in front of MLflow's Flask app (FastAPI), for a path that
# no route matches even though its template does (a path parameter holding a newline).
ROUTE_NOT_FOUND_SCHEMA = "RouteNotFound"
SCHEMA_REF = "#/components/schemas/"

_INT32_TYPES: frozenset[FieldType] = frozenset({"int32", "sint32", "sfixed32"})
_UINT32_TYPES: frozenset[FieldType] = frozenset({"uint32", "fixed32"})
_INT64_TYPES: frozenset[FieldType] = frozenset({"int64", "sint64", "sfixed64"})
_UINT64_TYPES: frozenset[FieldType] = frozenset({"uint64", "fixed64"})
_FLOAT_TYPES: Mapping[FieldType, str] = {"double": "double", "float": "float"}
_NON_FINITE = ("NaN", "Infinity", "-Infinity")
_TEXTUAL: Mapping[FieldType, JsonObject] = {
    "string": {"type": "string"},
    "bytes": {"type": "string", "contentEncoding": "base64"},
    "timestamp": {"type": "string", "format": "date-time"},
    "duration": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,9})?s$"},
    "field_mask": {"type": "string"},
}
_JSON: Mapping[FieldType, JsonObject] = {
    "json_value": {},
    "json_object": {"type": "object"},
    "json_list": {"type": "array"},
}


def ref(name: str) -> JsonObject:
    return {"$ref": SCHEMA_REF + name}


def int64_schema(*, unsigned: bool) -> JsonObject:
    """A 64-bit integer as a JSON number or as its decimal string: both are on the wire."""
    number: JsonObject = {"type": "integer", "format": "int64"}
    if unsigned:
        number["minimum"] = 0
    pattern = "^[0-9]+$" if unsigned else "^-?[0-9]+$"
    return {"oneOf": [number, {"type": "string", "pattern": pattern}]}


def scalar_schema(type_: FieldType, ref_name: str | None, names: ClassNames) -> JsonObject:
    """The JSON form of one value of a field (a list item, a map value, or the field itself)."""
    if type_ in _INT32_TYPES:
        return {"type": "integer", "format": "int32"}
    if type_ in _UINT32_TYPES:
        return {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**32 - 1}
    if type_ in _INT64_TYPES or type_ in _UINT64_TYPES:
        return int64_schema(unsigned=type_ in _UINT64_TYPES)
    if type_ in _FLOAT_TYPES:
        number = {"type": "number", "format": _FLOAT_TYPES[type_]}
        return {"oneOf": [number, {"type": "string", "enum": list(_NON_FINITE)}]}
    if type_ == "bool":
        return {"type": "boolean"}
    if type_ in _TEXTUAL:
        return dict(_TEXTUAL[type_])
    if type_ in _JSON:
        return dict(_JSON[type_])
    if type_ in ("enum", "message"):
        if ref_name is None:
            raise ValueError(f"a {type_} field needs a ref")
        return ref(names.classes[ref_name])
    raise ValueError(f"unsupported field type {type_}")


def release_extensions(first_release: str | None, gaps: Iterable[Gap]) -> JsonObject:
    """``x-mlflow-first-release`` and the releases an item was missing from, per the history."""
    extensions: JsonObject = {}
    if first_release is not None:
        extensions["x-mlflow-first-release"] = first_release
    missing = [{"removed_in": gap.removed_in, "back_in": gap.back_in} for gap in gaps]
    if missing:
        extensions["x-mlflow-release-gaps"] = missing
    return extensions


def field_schema(field: FieldSpec, names: ClassNames) -> JsonObject:
    """The schema of a message field in a JSON body: repeated fields are arrays, maps objects."""
    if field.type == "map":
        if field.map_value is None:
            raise ValueError(f"map field {field.name} has no value type")
        value = scalar_schema(field.map_value.type, field.map_value.ref, names)
        schema: JsonObject = {"type": "object", "additionalProperties": value}
    elif field.repeated:
        schema = {"type": "array", "items": scalar_schema(field.type, field.ref, names)}
    else:
        schema = scalar_schema(field.type, field.ref, names)
    if field.doc:
        schema["description"] = field.doc
    if field.oneof:
        schema["x-proto-oneof"] = field.oneof
    schema.update(release_extensions(field.first_release, field.gaps))
    return schema


def object_schema(
    fields: Iterable[FieldSpec], names: ClassNames, doc: str | None = None
) -> JsonObject:
    """A message as a JSON object; ``required`` lists the fields MLflow's protos require."""
    chosen = list(fields)
    schema: JsonObject = {
        "type": "object",
        "properties": {f.name: field_schema(f, names) for f in chosen},
    }
    required = [f.name for f in chosen if f.required]
    if required:
        schema["required"] = required
    if doc:
        schema["description"] = doc
    return schema


def message_schema(name: str, message: MessageSpec, names: ClassNames) -> JsonObject:
    schema = object_schema(message.fields, names, message.doc)
    schema["x-proto-message"] = name
    return schema


def enum_schema(name: str, enum: EnumSpec) -> JsonObject:
    schema: JsonObject = {
        "type": "string",
        "enum": [value.name for value in enum.values],
        "x-proto-enum": name,
    }
    first_releases = {v.name: v.first_release for v in enum.values if v.first_release is not None}
    if first_releases:
        schema["x-mlflow-enum-first-releases"] = first_releases
    if enum.doc:
        schema["description"] = enum.doc
    return schema


def error_schema(spec: Spec) -> JsonObject:
    """MLflow's error body (``MlflowException.serialize_as_json``); more keys may follow."""
    return {
        "type": "object",
        "description": (
            "MLflow's error body. `error_code` is a name of MLflow's `ErrorCode` enum (see "
            "`x-mlflow-error-codes`); some errors add keys such as `details`, `sqlstate` or "
            "`error_class`."
        ),
        "properties": {
            "error_code": {"type": "string"},
            "message": {"type": "string"},
            "details": {},
        },
        "required": ["error_code", "message"],
        "x-mlflow-error-codes": sorted(code.name for code in spec.error_codes),
    }


def component_schemas(spec: Spec, names: ClassNames) -> JsonObject:
    """``components/schemas``: every message and enum of the spec, and the error body."""
    schemas: JsonObject = {}
    for name, message in spec.messages.items():
        schemas[names.classes[name]] = message_schema(name, message, names)
    for name, enum in spec.enums.items():
        schemas[names.classes[name]] = enum_schema(name, enum)
    for own in (ERROR_SCHEMA, ROUTE_NOT_FOUND_SCHEMA):
        if own in schemas:
            raise ValueError(f"a spec type is named {own}, a schema name of the document's own")
    schemas[ERROR_SCHEMA] = error_schema(spec)
    schemas[ROUTE_NOT_FOUND_SCHEMA] = {
        "type": "object",
        "description": (
            "The 404 body of the server's ASGI layer (FastAPI) for a path no route matches, "
            "e.g. when a path parameter holds a newline; not MLflow's error body."
        ),
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    return dict(sorted(schemas.items()))
