"""Requests serialize to what MLflow's own protobuf classes read back, for every request message.

The oracle is MLflow itself: the proto classes shipped in the installed wheel (``mlflow.protos``)
and, for GET requests, the server's own query decoding (``_get_request_message`` in
``mlflow.server.handlers``). Requests are drawn from the spec (see ``strategies.py``), so every
message and endpoint of the spec is covered without a line written for it.

Both sides are compared in one normal form driven by the proto descriptor: 64-bit integers as
ints (protobuf writes them as strings), floats by their exact ``repr`` (NaN equal to NaN, -0.0
apart from 0.0, proto ``float`` fields rounded to 32 bits), bytes decoded, enums by name,
well-known types in protobuf's canonical form, and empty lists and maps left out.
"""

from __future__ import annotations

import base64
import functools
import importlib
import math
import struct
from collections.abc import Mapping
from types import ModuleType
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
from flask import Request
from google.protobuf import json_format, symbol_database  # type: ignore[import-untyped]
from google.protobuf.descriptor import FieldDescriptor  # type: ignore[import-untyped]
from google.protobuf.duration_pb2 import Duration  # type: ignore[import-untyped]
from google.protobuf.field_mask_pb2 import FieldMask  # type: ignore[import-untyped]
from google.protobuf.timestamp_pb2 import Timestamp  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.properties.strategies import class_names, message_dicts, spec
from werkzeug.test import EnvironBuilder

from codegen.spec import EndpointSpec
from mlflow_rest_sdk._generated import models
from mlflow_rest_sdk._runtime.message import Message
from mlflow_rest_sdk._runtime.urls import url_with_query
from mlflow_rest_sdk._runtime.wire import encode_query

PROTO_MODULES = (
    "mlflow.protos.service_pb2",
    "mlflow.protos.model_registry_pb2",
    "mlflow.protos.mlflow_artifacts_pb2",
    "mlflow.protos.webhooks_pb2",
)

#: Messages of the basic-auth app and of the server's non-proto routes have no proto class.
NOT_PROTO = ("auth.", "server.")

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _proto_endpoints() -> list[EndpointSpec]:
    return [
        endpoint
        for endpoint in spec().endpoints
        if endpoint.request is not None and not endpoint.request.startswith(NOT_PROTO)
    ]


REQUEST_MESSAGES = sorted({endpoint.request for endpoint in _proto_endpoints() if endpoint.request})
QUERY_ENDPOINTS = [e for e in _proto_endpoints() if e.request_body == "query"]


def _endpoint_id(endpoint: EndpointSpec) -> str:
    return endpoint.operation if endpoint.preferred else f"{endpoint.operation}-{endpoint.method}"


@functools.cache
def _symbols() -> Any:
    for name in PROTO_MODULES:
        importlib.import_module(name)
    return symbol_database.Default()


@functools.cache
def _server_handlers() -> ModuleType:
    """The MLflow server's request handlers (imported lazily: about 5 s)."""
    return importlib.import_module("mlflow.server.handlers")


def proto_class(full_name: str) -> Any:
    return _symbols().GetSymbol(full_name)


def model_class(full_name: str) -> type[Message]:
    model: type[Message] = getattr(models, class_names()[full_name])
    return model


# --- one normal form for the values set and the values protobuf parsed ---------------------------

_INTEGER_TYPES = frozenset(
    {
        FieldDescriptor.CPPTYPE_INT32,
        FieldDescriptor.CPPTYPE_INT64,
        FieldDescriptor.CPPTYPE_UINT32,
        FieldDescriptor.CPPTYPE_UINT64,
    }
)
_ABSENT = object()


def _float(value: float) -> str:
    """Exact and comparable: ``repr`` keeps every bit, NaN equals NaN, -0.0 differs from 0.0."""
    return "NaN" if math.isnan(value) else repr(value)


def _float32(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        return value
    rounded: float = struct.unpack("<f", struct.pack("<f", value))[0]
    return rounded


def _json_value(value: Any) -> Any:
    """google.protobuf.Value holds numbers as doubles: 3 and 3.0 are the same value there."""
    if isinstance(value, Mapping):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return ("number", float(value))
    return value


def _well_known(value: Any, kind: Any) -> Any:
    known = kind()
    known.FromJsonString(value)
    return known.ToJsonString()


def _single(value: Any, field: Any) -> Any:
    cpp_type = field.cpp_type
    if cpp_type == FieldDescriptor.CPPTYPE_MESSAGE:
        name = field.message_type.full_name
        if name == "google.protobuf.Timestamp":
            return ("timestamp", _well_known(value, Timestamp))
        if name == "google.protobuf.Duration":
            return ("duration", _well_known(value, Duration))
        if name == "google.protobuf.FieldMask":
            return ("field_mask", _well_known(value, FieldMask))
        if name in ("google.protobuf.Value", "google.protobuf.Struct", "google.protobuf.ListValue"):
            return _json_value(value)
        return normal_message(value, field.message_type)
    if cpp_type == FieldDescriptor.CPPTYPE_ENUM:
        if isinstance(value, int):
            return field.enum_type.values_by_number[value].name
        return str(value)
    if cpp_type in _INTEGER_TYPES:
        return int(value)
    if cpp_type == FieldDescriptor.CPPTYPE_DOUBLE:
        return _float(float(value))
    if cpp_type == FieldDescriptor.CPPTYPE_FLOAT:
        return _float(_float32(float(value)))
    if field.type == FieldDescriptor.TYPE_BYTES:
        return value if isinstance(value, bytes) else base64.b64decode(value)
    return value


def _is_default(value: Any, field: Any) -> bool:
    if field.cpp_type == FieldDescriptor.CPPTYPE_MESSAGE:
        return False
    if field.cpp_type == FieldDescriptor.CPPTYPE_ENUM and isinstance(value, str):
        return bool(field.enum_type.values_by_name[value].number == field.default_value)
    return bool(value == field.default_value)


def _field(value: Any, field: Any) -> Any:
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        value_field = field.message_type.fields_by_name["value"]
        entries = {key: _single(item, value_field) for key, item in value.items()}
        return entries or _ABSENT
    if field.is_repeated:
        items = [_single(item, field) for item in value]
        return items or _ABSENT
    if not field.has_presence and _is_default(value, field):
        return _ABSENT  # proto3 without presence: a default value is not sent or kept
    return _single(value, field)


def normal_message(data: Mapping[str, Any], descriptor: Any) -> dict[str, Any]:
    """``data`` (wire names -> values) in the normal form described in the module docstring."""
    normal: dict[str, Any] = {}
    for name, value in data.items():
        field = descriptor.fields_by_name.get(name)
        if field is None:
            normal[name] = ("not a field of " + descriptor.full_name, value)
            continue
        converted = _field(value, field)
        if converted is not _ABSENT:
            normal[name] = converted
    return normal


def parsed_values(message: Any) -> dict[str, Any]:
    as_dict: dict[str, Any] = json_format.MessageToDict(message, preserving_proto_field_name=True)
    return normal_message(as_dict, message.DESCRIPTOR)


# --- the properties ---------------------------------------------------------------------------


@pytest.mark.parametrize("full_name", REQUEST_MESSAGES)
@given(data=st.data())
@SETTINGS
def test_json_body_parses_into_the_proto_with_the_values_set(
    full_name: str, data: st.DataObject
) -> None:
    fields = data.draw(message_dicts(full_name), label="fields")
    body = model_class(full_name).model_validate(fields).to_wire_json()
    parsed = proto_class(full_name)()
    try:
        json_format.Parse(body, parsed)
    except json_format.ParseError as exc:
        pytest.fail(f"protobuf rejected the body {body!r}: {exc}")
    descriptor = parsed.DESCRIPTOR
    assert parsed_values(parsed) == normal_message(fields, descriptor), f"body: {body!r}"


def test_json_null_set_in_a_json_value_field_is_sent_as_null() -> None:
    """The smallest case the property above finds: JSON null is a value of google.protobuf.Value.

    A field that was set (to null) is not a field never set; protobuf keeps the two apart.
    """
    body = model_class("mlflow.assessments.Feedback").model_validate({"value": None}).to_wire_json()
    parsed = proto_class("mlflow.assessments.Feedback")()
    json_format.Parse(body, parsed)
    assert parsed.HasField("value"), f"body: {body!r}"


def _decode_like_the_server(query_string: str, message: Any) -> None:
    """Run the server's GET decoding, with its lenient ``parse_dict`` made strict.

    ``_get_request_message`` swallows protobuf's ParseError (and ignores unknown fields); here
    a rejection fails the test with the dict the server built from the query.
    """
    handlers = _server_handlers()
    request = Request(EnvironBuilder(method="GET", query_string=query_string).get_environ())

    def strict_parse_dict(request_json: dict[str, Any], into: Any) -> None:
        try:
            json_format.ParseDict(request_json, into)
        except json_format.ParseError as exc:
            raise AssertionError(f"ParseDict rejected {request_json!r}: {exc}") from exc

    with mock.patch.object(handlers, "parse_dict", strict_parse_dict):
        handlers._get_request_message(message, flask_request=request)


@pytest.mark.parametrize(
    "full_name", [pytest.param(e.request, id=_endpoint_id(e)) for e in QUERY_ENDPOINTS]
)
@given(data=st.data())
@SETTINGS
def test_query_string_decoded_by_the_server_gives_the_values_set(
    full_name: str, data: st.DataObject
) -> None:
    fields = data.draw(message_dicts(full_name), label="fields")
    wire = model_class(full_name).model_validate(fields).to_wire()
    url = url_with_query("http://mlflow.test/api", encode_query(wire))
    query_string = urlsplit(url).query
    parsed = proto_class(full_name)()
    _decode_like_the_server(query_string, parsed)
    descriptor = parsed.DESCRIPTOR
    assert parsed_values(parsed) == normal_message(fields, descriptor), f"query: {query_string!r}"
