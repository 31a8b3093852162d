"""The spec's schema: the single typed view of ``spec/mlflow_api.yaml`` the other stages read."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

FieldType = Literal[
    "double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
    "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes",
    "enum", "message", "map", "timestamp", "duration", "field_mask",
    "json_object", "json_value", "json_list",
]  # fmt: skip


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MapValue(_Strict):
    type: FieldType
    ref: str | None = None


class FieldSpec(_Strict):
    name: str
    number: int | None = None
    type: FieldType
    ref: str | None = None
    repeated: bool = False
    required: bool = False
    oneof: str | None = None
    map_key: FieldType | None = None
    map_value: MapValue | None = None
    json_name: str | None = None
    doc: str | None = None


class MessageSpec(_Strict):
    doc: str | None = None
    fields: tuple[FieldSpec, ...] = ()


class EnumValue(_Strict):
    name: str
    number: int


class EnumSpec(_Strict):
    doc: str | None = None
    values: tuple[EnumValue, ...]


class PathParam(_Strict):
    name: str
    field: str | None
    kind: Literal["segment", "path"]


class Pagination(_Strict):
    token_field: str
    token_in: Literal["query", "body"]
    next_token_field: str
    items_field: str
    max_results_field: str | None = None


class EndpointSpec(_Strict):
    operation: str
    rpc: str | None
    service: str
    method: Literal["GET", "POST", "PATCH", "DELETE", "PUT"]
    path: str
    path_params: tuple[PathParam, ...] = ()
    request: str | None
    response: str | None
    request_body: Literal["json", "query", "raw", "none"]
    response_body: Literal["json", "raw", "text"]
    since: str | None
    deprecated: bool = False
    idempotent: bool
    preferred: bool = True
    visibility: str = "PUBLIC"
    doc: str | None = None
    note: str | None = None
    request_defaults: dict[str, int | str | bool] = {}
    pagination: Pagination | None = None


class ErrorCodeSpec(_Strict):
    name: str
    number: int
    status: int


class Spec(_Strict):
    mlflow_version: str
    endpoints: tuple[EndpointSpec, ...]
    messages: dict[str, MessageSpec]
    enums: dict[str, EnumSpec]
    error_codes: tuple[ErrorCodeSpec, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Spec:
        return cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
