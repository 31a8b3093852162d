"""The keyword form of a client method: which request fields a call must give, decided once.

A field a call must give is a required keyword argument, typed without ``None`` (so a type
checker flags a call without it); the templates print such a method as two overloads, a request
model or mapping alone or the keywords.
"""

from __future__ import annotations

from codegen.ir import FieldModel, KeywordField
from codegen.spec import EndpointSpec, MessageSpec


def must_give(request: MessageSpec | None, endpoint: EndpointSpec) -> frozenset[str]:
    """The request fields (wire names) a keyword call must give: the spec's required fields
    (the runtime refuses a request without one) and the top-level fields the URL path is made
    of, except those a client default fills (``request_defaults``).

    A required member of a ``oneof`` is required like any field (the server asserts that very
    field); two required members of one ``oneof`` could never both be sent, so that spec is
    refused here rather than typed as a method no call can satisfy."""
    if request is None:
        return frozenset()
    by_oneof: dict[str, list[str]] = {}
    for f in request.fields:
        if f.required and f.oneof is not None:
            by_oneof.setdefault(f.oneof, []).append(f.name)
    for oneof, names in sorted(by_oneof.items()):
        if len(names) > 1:
            raise ValueError(
                f"{endpoint.operation}: the request's oneof {oneof!r} has several required "
                f"members ({', '.join(names)}); only one of them can be sent"
            )
    in_path = {p.field for p in endpoint.path_params if p.field is not None and "." not in p.field}
    return frozenset(
        f.name
        for f in request.fields
        if (f.required or f.name in in_path) and f.name not in endpoint.request_defaults
    )


def keyword_fields(
    fields: tuple[FieldModel, ...], must_give: frozenset[str], defaults: dict[str, str]
) -> tuple[KeywordField, ...]:
    """Fields as keyword arguments, required ones first (what a caller must give, at the top)."""
    keywords = tuple(
        KeywordField(
            f.py_name,
            f.wire_name,
            f.value_argument if f.wire_name in must_give else f.argument,
            f.wire_name in must_give,
            defaults.get(f.wire_name),
        )
        for f in fields
    )
    return tuple(k for k in keywords if k.required) + tuple(k for k in keywords if not k.required)


def docstring(doc: str, required: tuple[str, ...], request_class: str | None) -> str:
    """The method's docstring: the route's description (also the OpenAPI operation's, which is
    for every language) plus, after the route line, how a Python call gives the required fields."""
    if not required:
        return doc
    names = ", ".join(f"``{name}``" for name in required)
    line = f"Required: {names}; or pass a ``{request_class}`` (or a mapping) instead of keywords."
    lines = doc.splitlines()
    return "\n".join([*lines[:3], line, *lines[3:]]) + "\n"
