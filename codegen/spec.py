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


class Gap(_Strict):
    """A stretch of releases without the item: it left in ``removed_in`` and came back."""

    removed_in: str
    back_in: str


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
    # The first MLflow release whose protos have this field (None: unknown to the history).
    first_release: str | None = None
    gaps: tuple[Gap, ...] = ()


class MessageSpec(_Strict):
    doc: str | None = None
    fields: tuple[FieldSpec, ...] = ()


class EnumValue(_Strict):
    name: str
    number: int
    first_release: str | None = None
    gaps: tuple[Gap, ...] = ()


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
    # The REST API version of the route (the proto option `since`): it picks /api/2.0 or
    # /api/3.0 and says nothing about which MLflow release serves the route.
    api_version: str | None
    # The first MLflow release whose server serves the route (None: no release in the history
    # does, or the history does not reach this far).
    first_release: str | None = None
    gaps: tuple[Gap, ...] = ()
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


class RemovedEndpoint(_Strict):
    method: str
    path: str
    rpc: str | None
    first_release: str | None  # None: older than the history's first release
    removed_in: str
    note: str | None = None


class RemovedField(_Strict):
    message: str
    field: str
    first_release: str
    removed_in: str


class RemovedEnumValue(_Strict):
    enum: str
    value: str
    first_release: str
    removed_in: str


class Removed(_Strict):
    endpoints: tuple[RemovedEndpoint, ...] = ()
    fields: tuple[RemovedField, ...] = ()
    enum_values: tuple[RemovedEnumValue, ...] = ()


class HistorySpec(_Strict):
    """Which releases the history read (oldest first), and what they had that is gone now."""

    releases: tuple[str, ...]
    removed: Removed


class Spec(_Strict):
    mlflow_version: str
    history: HistorySpec | None = None
    endpoints: tuple[EndpointSpec, ...]
    messages: dict[str, MessageSpec]
    enums: dict[str, EnumSpec]
    error_codes: tuple[ErrorCodeSpec, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Spec:
        return cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
