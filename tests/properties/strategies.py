"""Hypothesis strategies for request messages, built from ``spec/mlflow_api.yaml``.

Nothing here is written per message: every strategy is derived from the spec's field types, so a
new endpoint or field is covered as soon as the spec (and the generated client) carry it.

A message strategy draws a dict of wire names to values in the form a caller hands to
``Model.model_validate``: only a subset of the fields is set (proto2 presence), at most one field
of each oneof, nested messages down to a depth limit, short lists and maps.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from codegen.build import build_model
from codegen.spec import FieldSpec, Spec

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "mlflow_api.yaml"

#: How many levels of nested messages a drawn request may have below its top level.
MAX_DEPTH = 3
MAX_ITEMS = 2
MAX_TEXT = 8

INT_RANGES: dict[str, tuple[int, int]] = {
    "int32": (-(2**31), 2**31 - 1),
    "sint32": (-(2**31), 2**31 - 1),
    "sfixed32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
    "fixed32": (0, 2**32 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "sint64": (-(2**63), 2**63 - 1),
    "sfixed64": (-(2**63), 2**63 - 1),
    "uint64": (0, 2**64 - 1),
    "fixed64": (0, 2**64 - 1),
}

#: Integers a JSON parser that reads numbers as doubles would corrupt, and the range limits.
_LARGE_INTEGERS = (2**53 + 1, 2**62 + 3, 2**63 - 1, -(2**63), -(2**53) - 1, 2**64 - 1)

# Protobuf's JSON limits for google.protobuf.Timestamp (0001-01-01 .. 9999-12-31) and Duration.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIN_TIMESTAMP_SECONDS = int((datetime(1, 1, 1, tzinfo=UTC) - _EPOCH).total_seconds())
_MAX_TIMESTAMP_SECONDS = int(
    (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - _EPOCH).total_seconds()
)
_MAX_DURATION_SECONDS = 315_576_000_000


@functools.cache
def spec() -> Spec:
    return Spec.load(SPEC_PATH)


@functools.cache
def class_names() -> dict[str, str]:
    """Spec message full name -> generated model class name (the codegen's own resolution)."""
    return {message.full_name: message.class_name for message in build_model(spec()).messages}


def integers(type_name: str) -> st.SearchStrategy[int]:
    low, high = INT_RANGES[type_name]
    extremes = [value for value in _LARGE_INTEGERS if low <= value <= high]
    return st.one_of(st.integers(low, high), st.sampled_from([low, high, *extremes]))


def doubles() -> st.SearchStrategy[float]:
    """Any double, NaN, infinities and -0.0 included."""
    return st.floats(allow_nan=True, allow_infinity=True)


def float32s() -> st.SearchStrategy[float]:
    """Values a proto ``float`` holds exactly (NaN, infinities and -0.0 included)."""
    return st.floats(width=32, allow_nan=True, allow_infinity=True)


def texts() -> st.SearchStrategy[str]:
    return st.text(max_size=MAX_TEXT)


def _fraction(nanos: int, digits: int) -> str:
    if digits == 0:
        return ""
    return "." + f"{nanos:09d}"[:digits]


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    """RFC 3339 in UTC with 0 to 9 fractional digits: protobuf's JSON form of a Timestamp."""
    seconds = draw(st.integers(_MIN_TIMESTAMP_SECONDS, _MAX_TIMESTAMP_SECONDS))
    digits = draw(st.integers(0, 9))
    nanos = draw(st.integers(0, 999_999_999))
    moment = _EPOCH + timedelta(seconds=seconds)
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}" + _fraction(nanos, digits) + "Z"


@st.composite
def durations(draw: st.DrawFn) -> str:
    """Seconds with an optional fraction and sign, e.g. ``-12.5s``: a Duration in JSON."""
    negative = draw(st.booleans())
    seconds = draw(st.integers(0, _MAX_DURATION_SECONDS))
    digits = draw(st.integers(0, 9))
    nanos = draw(st.integers(0, 999_999_999))
    return ("-" if negative else "") + str(seconds) + _fraction(nanos, digits) + "s"


def _lower_words() -> st.SearchStrategy[str]:
    return st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=5)


def _camel_segment() -> st.SearchStrategy[str]:
    return st.lists(_lower_words(), min_size=1, max_size=3).map(
        lambda words: words[0] + "".join(word.capitalize() for word in words[1:])
    )


def field_masks() -> st.SearchStrategy[str]:
    """Comma-separated lowerCamelCase paths (``info.runName,tags``): a FieldMask in JSON."""
    path = st.lists(_camel_segment(), min_size=1, max_size=2).map(".".join)
    return st.lists(path, min_size=0, max_size=3).map(",".join)


def json_values() -> st.SearchStrategy[Any]:
    """Small JSON values, as held by google.protobuf.Value (numbers are doubles there)."""
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**53), 2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        texts(),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=MAX_ITEMS + 1),
            st.dictionaries(texts(), inner, max_size=MAX_ITEMS + 1),
        ),
        max_leaves=5,
    )


def json_objects() -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(texts(), json_values(), max_size=MAX_ITEMS + 1)


def json_lists() -> st.SearchStrategy[list[Any]]:
    return st.lists(json_values(), max_size=MAX_ITEMS + 1)


_SCALARS: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "double": doubles,
    "float": float32s,
    "bool": st.booleans,
    "string": texts,
    "bytes": lambda: st.binary(max_size=MAX_TEXT),
    "timestamp": timestamps,
    "duration": durations,
    "field_mask": field_masks,
    "json_object": json_objects,
    "json_value": json_values,
    "json_list": json_lists,
}


def single_value(type_name: str, ref: str | None, depth: int) -> st.SearchStrategy[Any] | None:
    """A strategy for one value of a (non-repeated) type, or None when the depth is used up."""
    if type_name in INT_RANGES:
        return integers(type_name)
    if type_name in _SCALARS:
        return _SCALARS[type_name]()
    if type_name == "enum":
        assert ref is not None
        return st.sampled_from([value.name for value in spec().enums[ref].values])
    if type_name == "message":
        assert ref is not None
        return message_dicts(ref, depth - 1) if depth > 0 else None
    raise ValueError(f"no strategy for field type {type_name}")


def field_values(field: FieldSpec, depth: int) -> st.SearchStrategy[Any] | None:
    """Values of one field as a caller passes them (lists for repeated fields, dicts for maps)."""
    if field.type == "map":
        assert field.map_key is not None and field.map_value is not None
        keys = single_value(field.map_key, None, depth)
        values = single_value(field.map_value.type, field.map_value.ref, depth)
        if keys is None or values is None:
            return None
        return st.dictionaries(keys, values, max_size=MAX_ITEMS)
    item = single_value(field.type, field.ref, depth)
    if item is None:
        return None
    if field.repeated:
        return st.lists(item, max_size=MAX_ITEMS)
    return item


def _merge(parts: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in parts:
        merged.update(part)
    return merged


@functools.cache
def message_dicts(full_name: str, depth: int = MAX_DEPTH) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts of wire names -> values for the spec message ``full_name``.

    Any subset of the fields is set; of each oneof, at most one field. Message-typed fields are
    left out ``depth`` levels down, which also ends recursive types (AnyValue, ArrayValue).
    """
    optional: dict[str, st.SearchStrategy[Any]] = {}
    oneofs: dict[str, list[st.SearchStrategy[dict[str, Any]]]] = {}
    for field in spec().messages[full_name].fields:
        values = field_values(field, depth)
        if values is None:
            continue
        if field.oneof is None:
            optional[field.name] = values
        else:
            single = st.fixed_dictionaries({field.name: values})
            oneofs.setdefault(field.oneof, [st.just({})]).append(single)
    plain = st.fixed_dictionaries({}, optional=optional)
    groups = [st.one_of(*choices) for _, choices in sorted(oneofs.items())]
    return st.tuples(plain, *groups).map(_merge)
