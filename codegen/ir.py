"""Stage 2: the spec resolved into a frozen model where every Python name and type is decided.

Templates only print what this model says; nothing is computed or mutated while rendering.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass

from codegen.naming import (
    camel_case,
    class_name,
    enum_member,
    package_prefix,
    resource_group,
    safe_attribute,
)
from codegen.spec import EndpointSpec, FieldSpec, MapValue, Spec

_INTEGER_TYPES = frozenset(
    {"int32", "int64", "uint32", "uint64", "sint32", "sint64",
     "fixed32", "fixed64", "sfixed32", "sfixed64"}
)  # fmt: skip
_SCALAR_PY = {
    "double": "float",
    "float": "float",
    "bool": "bool",
    "string": "str",
    "bytes": "bytes",
}
_TEXTUAL_WKT = {"timestamp": "str", "duration": "str", "field_mask": "str"}
_JSON_PY = {"json_object": "dict[str, Any]", "json_value": "Any", "json_list": "list[Any]"}


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: str
    number: int


@dataclass(frozen=True)
class EnumModel:
    full_name: str
    class_name: str
    lenient_alias: str
    doc: str
    members: tuple[EnumMember, ...]


@dataclass(frozen=True)
class FieldModel:
    py_name: str
    wire_name: str
    annotation: str  # in the model
    argument: str  # in a method signature (also accepts dicts and plain strings)
    default: str
    doc: str

    @property
    def needs_alias(self) -> bool:
        return self.py_name != self.wire_name


@dataclass(frozen=True)
class MessageModel:
    full_name: str
    class_name: str
    doc: str
    fields: tuple[FieldModel, ...]


@dataclass(frozen=True)
class ModelModule:
    """One module of the generated models package: the types of one REST resource, or (the
    ``common`` module) the types several resources share."""

    name: str
    enums: tuple[EnumModel, ...]
    messages: tuple[MessageModel, ...]
    imports: tuple[tuple[str, tuple[str, ...]], ...]  # (sibling module, names), sorted

    @property
    def exported_names(self) -> list[str]:
        names = [m.class_name for m in self.messages]
        names += [n for e in self.enums for n in (e.class_name, e.lenient_alias)]
        return _ruff_sorted(names)


@dataclass(frozen=True)
class ExtraArgument:
    py_name: str
    annotation: str
    wire_name: str


@dataclass(frozen=True)
class PathParamModel:
    name: str
    field: tuple[str, ...] | None
    keep_slashes: bool


@dataclass(frozen=True)
class PaginationModel:
    token_field: str
    token_in: str
    next_token_field: str
    items_field: str
    max_results_field: str | None
    item_class: str = ""


@dataclass(frozen=True)
class EndpointModel:
    constant: str
    operation: str
    service: str
    method: str
    path: str
    path_params: tuple[PathParamModel, ...]
    request_body: str
    response_body: str
    idempotent: bool
    preferred: bool
    deprecated: bool
    since: str | None
    required: tuple[str, ...]
    pagination: PaginationModel | None
    request_class: str | None
    response_class: str | None
    fields: tuple[FieldModel, ...]
    extra_arguments: tuple[ExtraArgument, ...]
    returns: str
    doc: str
    rpc: str | None
    note: str | None
    request_defaults: tuple[tuple[str, int | str | bool], ...] = ()


@dataclass(frozen=True)
class ErrorModel:
    code: str
    class_name: str
    base: str
    status: int
    is_family: bool


@dataclass(frozen=True)
class ApiModel:
    mlflow_version: str
    enums: tuple[EnumModel, ...]
    messages: tuple[MessageModel, ...]
    endpoints: tuple[EndpointModel, ...]
    errors: tuple[ErrorModel, ...]
    modules: tuple[ModelModule, ...]

    @property
    def module_of(self) -> dict[str, str]:
        """Every exported model name -> the models module that defines it, sorted by name."""
        return dict(sorted((name, m.name) for m in self.modules for name in m.exported_names))

    @property
    def methods(self) -> tuple[EndpointModel, ...]:
        return tuple(e for e in self.endpoints if e.preferred)

    @property
    def exported_model_names(self) -> list[str]:
        names = [m.class_name for m in self.messages]
        names += [n for e in self.enums for n in (e.class_name, e.lenient_alias)]
        return _ruff_sorted(names)

    @property
    def exported_error_names(self) -> list[str]:
        specific = [e.class_name for e in self.errors if not e.is_family]
        return _ruff_sorted(["ERROR_TYPES", *specific])


def _ruff_sorted(names: list[str]) -> list[str]:
    """The order ruff's RUF022 wants: SCREAMING_CASE, then CamelCase, then the rest."""

    def key(name: str) -> tuple[int, str]:
        if name.isupper():
            return (0, name)
        if name[:1].isupper():
            return (1, name)
        return (2, name)

    return sorted(names, key=key)


_FAMILIES = {
    400: "BadRequest", 401: "Unauthenticated", 403: "PermissionDenied", 404: "NotFound",
    409: "Conflict", 429: "TooManyRequests", 500: "ServerError", 501: "NotImplementedByServer",
    502: "ServiceUnavailable", 503: "ServiceUnavailable", 504: "ServiceUnavailable",
}  # fmt: skip


_ERROR_NAME_OVERRIDES = {"NOT_IMPLEMENTED": "NotImplementedByServer"}


class _Names:
    """Decides class names once, so collisions between packages are resolved consistently."""

    def __init__(self, spec: Spec) -> None:
        all_names = list(spec.messages) + list(spec.enums)
        packages = {name: _package_of(name, spec) for name in all_names}
        base = {name: class_name(name, packages[name]) for name in all_names}
        counts: dict[str, int] = {}
        for value in base.values():
            counts[value] = counts.get(value, 0) + 1
        self.classes: dict[str, str] = {}
        for name in all_names:
            candidate = base[name]
            if counts[candidate] > 1 and packages[name] != "mlflow":
                candidate = package_prefix(packages[name]) + candidate
            self.classes[name] = candidate
        taken: dict[str, str] = {}
        for name, cls in sorted(self.classes.items()):
            if cls in taken:
                raise ValueError(f"class name {cls} is used by both {taken[cls]} and {name}")
            taken[cls] = name


def _package_of(full_name: str, spec: Spec) -> str:
    """The proto package: the longest lower-case prefix (messages and enums are capitalised)."""
    parts = full_name.split(".")
    package = [p for p in parts if p[:1].islower()]
    return ".".join(package)


def _lenient_alias(enum_class: str) -> str:
    return f"{enum_class}Value"


class _Resolver:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.names = _Names(spec)

    def cls(self, full_name: str) -> str:
        return self.names.classes[full_name]

    def _single(self, type_: str, ref: str | None, *, argument: bool) -> str:
        if type_ in _INTEGER_TYPES:
            return "int"
        if type_ in _SCALAR_PY:
            return _SCALAR_PY[type_]
        if type_ in _TEXTUAL_WKT:
            return _TEXTUAL_WKT[type_]
        if type_ in _JSON_PY:
            return _JSON_PY[type_]
        assert ref is not None, f"{type_} needs a ref"
        if type_ == "enum":
            enum_cls = self.cls(ref)
            return f"{enum_cls} | str" if argument else _lenient_alias(enum_cls)
        if type_ == "message":
            message_cls = self.cls(ref)
            return f"{message_cls} | Mapping[str, Any]" if argument else message_cls
        raise ValueError(f"unsupported field type {type_}")

    def _map_value(self, value: MapValue, *, argument: bool) -> str:
        return self._single(value.type, value.ref, argument=argument)

    def field(self, field: FieldSpec) -> FieldModel:
        py_name = safe_attribute(field.name)
        if field.type == "map":
            assert field.map_key is not None and field.map_value is not None
            key = self._single(field.map_key, None, argument=False)
            annotation = f"dict[{key}, {self._map_value(field.map_value, argument=False)}]"
            argument = f"Mapping[{key}, {self._map_value(field.map_value, argument=True)}]"
            default = "Field(default_factory=dict)"
        elif field.repeated:
            inner = self._single(field.type, field.ref, argument=False)
            annotation = f"list[{inner}]"
            argument = f"Sequence[{self._single(field.type, field.ref, argument=True)}]"
            default = "Field(default_factory=list)"
        else:
            annotation = self._single(field.type, field.ref, argument=False)
            if annotation != "Any":
                annotation = f"{annotation} | None"
            argument = self._single(field.type, field.ref, argument=True)
            default = "None"
        if py_name != field.name:
            default = (
                f"Field(default=None, alias={field.name!r})"
                if default == "None"
                else default.replace("Field(", f"Field(alias={field.name!r}, ")
            )
        kind = f"{field.type}" + (f" {field.ref}" if field.ref else "")
        doc = (
            field.doc
            or f"proto field `{field.name}` ({'repeated ' if field.repeated else ''}{kind})"
        )
        if field.required:
            doc += "; required by the server"
        return FieldModel(
            py_name=py_name,
            wire_name=field.name,
            annotation=annotation,
            argument=argument if argument == "Any" else f"{argument} | None",
            default=default,
            doc=doc,
        )


def _endpoint_constant(endpoint: EndpointSpec) -> str:
    suffix = "" if endpoint.preferred else f"_{endpoint.method}"
    return (endpoint.operation + suffix).upper()


def build_model(spec: Spec) -> ApiModel:
    resolver = _Resolver(spec)
    enums = tuple(
        EnumModel(
            full_name=name,
            class_name=resolver.cls(name),
            lenient_alias=_lenient_alias(resolver.cls(name)),
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
    modules = _model_modules(spec, enums, messages)
    return ApiModel(spec.mlflow_version, enums, messages, endpoints, errors, modules)


COMMON_MODULE = "common"
# A capitalised identifier in an annotation: a candidate model, enum or alias name.
TYPE_NAME = re.compile(r"\b[A-Z]\w*\b")


def _references(spec: Spec) -> dict[str, set[str]]:
    """Spec name -> the messages and enums its fields name directly."""
    references: dict[str, set[str]] = {}
    for name, message in spec.messages.items():
        refs = {f.ref for f in message.fields if f.ref}
        refs |= {f.map_value.ref for f in message.fields if f.map_value and f.map_value.ref}
        references[name] = refs
    return references


def _homes(spec: Spec) -> dict[str, str]:
    """Spec name -> its models module: the resource group of the routes that use it (directly or
    nested), or ``common`` when routes of several groups, or none, use it.

    A type's users include the users of every type that names it, so a resource module imports
    only from ``common`` and ``common`` only from itself: the modules cannot import in a cycle.
    """
    references = _references(spec)
    users: dict[str, set[str]] = {name: set() for name in [*spec.messages, *spec.enums]}

    def mark(root: str, group: str) -> None:
        stack = [root]
        while stack:
            name = stack.pop()
            if group not in users[name]:
                users[name].add(group)
                stack.extend(references.get(name, ()))

    for endpoint in spec.endpoints:
        group = resource_group(endpoint.path)
        if group == COMMON_MODULE:
            raise ValueError(f"{endpoint.path}: resource {group!r} is the shared module's name")
        for root in (endpoint.request, endpoint.response):
            if root:
                mark(root, group)
    for name in sorted(spec.messages):  # no route uses it: shared, and so is what it names
        if not users[name]:
            mark(name, COMMON_MODULE)
    return {name: next(iter(g)) if len(g) == 1 else COMMON_MODULE for name, g in users.items()}


def _model_modules(
    spec: Spec, enums: tuple[EnumModel, ...], messages: tuple[MessageModel, ...]
) -> tuple[ModelModule, ...]:
    homes = _homes(spec)
    defined_in = {m.class_name: homes[m.full_name] for m in messages}
    for enum in enums:
        defined_in[enum.class_name] = defined_in[enum.lenient_alias] = homes[enum.full_name]
    modules: list[ModelModule] = []
    for name in sorted(set(homes.values())):
        own_messages = tuple(m for m in messages if homes[m.full_name] == name)
        needed: dict[str, set[str]] = {}
        for message in own_messages:
            for field in message.fields:
                for used in TYPE_NAME.findall(field.annotation):
                    home = defined_in.get(used)
                    if home is not None and home != name:
                        needed.setdefault(home, set()).add(used)
        modules.append(
            ModelModule(
                name=name,
                enums=tuple(e for e in enums if homes[e.full_name] == name),
                messages=own_messages,
                imports=tuple((home, tuple(sorted(needed[home]))) for home in sorted(needed)),
            )
        )
    _check_acyclic(modules)
    return tuple(modules)


def _check_acyclic(modules: list[ModelModule]) -> None:
    """Modules import each other at runtime (pydantic resolves field types from the module), so a
    cycle would fail at import; the grouping rule prevents one, this keeps it honest."""
    edges = {m.name: [home for home, _ in m.imports] for m in modules}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise ValueError(f"models modules import in a cycle: {' -> '.join((*path, name))}")
        if name in done:
            return
        for target in edges.get(name, ()):
            visit(target, (*path, name))
        done.add(name)

    for name in sorted(edges):
        visit(name, ())


def _endpoint(resolver: _Resolver, endpoint: EndpointSpec) -> EndpointModel:
    spec = resolver.spec
    request = spec.messages.get(endpoint.request) if endpoint.request else None
    fields = tuple(resolver.field(f) for f in request.fields) if request else ()
    required = tuple(f.name for f in request.fields if f.required) if request else ()
    extra: list[ExtraArgument] = [
        ExtraArgument(safe_attribute(p.name), "str", p.name)
        for p in endpoint.path_params
        if p.field is None
    ]
    if endpoint.request_body == "raw":
        extra.append(ExtraArgument("content", "bytes", "content"))
    if endpoint.response_body == "raw":
        returns = "bytes"
    elif endpoint.response_body == "text":
        returns = "str"
    elif endpoint.response:
        returns = resolver.cls(endpoint.response)
    else:
        returns = "None"
    title = (endpoint.doc or camel_case(endpoint.operation)).rstrip(".")
    lines = [
        f"{title}.",
        "",
        f"``{endpoint.method} {endpoint.path}`` (since MLflow {endpoint.since}).",
    ]
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
    pagination = None
    if endpoint.pagination and endpoint.response:
        items = next(
            f for f in spec.messages[endpoint.response].fields
            if f.name == endpoint.pagination.items_field
        )  # fmt: skip
        assert items.ref is not None
        pagination = PaginationModel(
            **endpoint.pagination.model_dump(), item_class=resolver.cls(items.ref)
        )
    return EndpointModel(
        constant=_endpoint_constant(endpoint),
        operation=endpoint.operation,
        service=endpoint.service,
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
        since=endpoint.since,
        required=required,
        pagination=pagination,
        request_class=resolver.cls(endpoint.request) if endpoint.request else None,
        response_class=resolver.cls(endpoint.response) if endpoint.response else None,
        fields=fields,
        extra_arguments=tuple(extra),
        returns=returns,
        doc="\n".join(lines) + "\n",
        rpc=endpoint.rpc,
        note=endpoint.note,
        request_defaults=tuple(sorted(endpoint.request_defaults.items())),
    )


def _error(code: str, status: int) -> ErrorModel:
    # NOT_IMPLEMENTED would shadow the builtin NotImplemented: it is the 501 family itself.
    name = _ERROR_NAME_OVERRIDES.get(code) or camel_case(code.lower())
    if name in dir(builtins):
        raise ValueError(f"error code {code} would shadow the builtin {name}; add an override")
    family = _FAMILIES.get(status, "ServerError" if status >= 500 else "MlflowApiError")
    is_family = name in set(_FAMILIES.values())
    return ErrorModel(code, name, family, status, is_family)
