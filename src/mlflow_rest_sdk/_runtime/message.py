"""The base class of every generated message model, and the lenient enum field type.

Responses must survive a newer server: unknown fields are kept (``extra="allow"``) and unknown
enum values stay plain strings. Requests are held to a stricter standard by ``coerce``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
)


class Message(BaseModel):
    """A proto message as a pydantic model; wire names are aliases of safe Python names."""

    model_config = ConfigDict(
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
        ser_json_bytes="base64",
        val_json_bytes="base64",
        ser_json_inf_nan="strings",
        use_enum_values=False,
        protected_namespaces=(),
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict this message is sent as (fields never set are omitted)."""
        data: dict[str, Any] = self.model_dump(
            mode="json", by_alias=True, exclude_unset=True, context=_WIRE
        )
        return data

    def to_wire_json(self) -> bytes:
        """The JSON body this message is sent as; NaN and infinities in protobuf's string form."""
        return self.model_dump_json(by_alias=True, exclude_unset=True, context=_WIRE).encode()

    @model_serializer(mode="wrap")
    def _wire_form(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        """On the wire, a field explicitly set to None is left out, except a JSON-value field,
        where None is the JSON null the caller meant to send."""
        data: dict[str, Any] = handler(self)
        if info.context is not _WIRE:
            return data
        keep = _null_fields(type(self))
        return {k: v for k, v in data.items() if v is not None or k in keep}


_WIRE: dict[str, bool] = {"wire": True}


@functools.cache
def _null_fields(model: type[BaseModel]) -> frozenset[str]:
    """Wire names of the fields that hold any JSON value (``google.protobuf.Value``)."""
    return frozenset(
        info.alias or name for name, info in model.model_fields.items() if info.annotation is Any
    )


def lenient_enum(enum_type: type[StrEnum], numbers: Mapping[int, str]) -> Callable[[Any], Any]:
    """A before-validator: known names (or proto numbers) become members, unknown names stay str."""
    members = enum_type._value2member_map_

    def convert(value: Any) -> Any:
        if isinstance(value, enum_type):
            return value
        if isinstance(value, str) and value in members:
            return members[value]
        if isinstance(value, int) and not isinstance(value, bool) and value in numbers:
            return members[numbers[value]]
        return value

    return convert
