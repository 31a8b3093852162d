"""Stage 2's output: the frozen intermediate model, where every Python name and type is decided.

Templates only print what this model says; nothing is computed or mutated while rendering. It is
built by ``codegen.build`` (types from ``codegen.type_mapping``, modules from
``codegen.grouping``).
"""

from __future__ import annotations

from dataclasses import dataclass


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
    group: str  # the REST resource: names its endpoints, models and client modules
    method: str
    path: str
    path_params: tuple[PathParamModel, ...]
    request_body: str
    response_body: str
    idempotent: bool
    preferred: bool
    deprecated: bool
    api_version: str | None  # the REST API version (/api/2.0 or /api/3.0), not a release
    first_release: str | None  # the first MLflow release that serves the route
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
    # What a client method passes on, decided here so that the template only prints it:
    request_type: str = "None"  # the request model as an expression (``_m.X``) or ``None``
    response_type: str = "type(None)"  # ``bytes``, ``str``, ``_m.X`` or ``type(None)``
    takes_request: bool = False  # a request model (or mapping) may be passed positionally
    path_arguments: tuple[ExtraArgument, ...] = ()  # the path parameters given as arguments
    page_fields: tuple[FieldModel, ...] = ()  # the ``*_iter`` arguments: no page token
    # Request fields younger than the route: (argument name, first release), in field order.
    later_fields: tuple[tuple[str, str], ...] = ()

    @property
    def later_field_releases(self) -> dict[str, str]:
        return dict(self.later_fields)


@dataclass(frozen=True)
class ErrorModel:
    code: str
    class_name: str
    base: str
    status: int
    is_family: bool


@dataclass(frozen=True)
class ResourceModule:
    """One REST resource's client methods: a mixin per flavour (blocking and asyncio) and the
    module of its endpoint constants."""

    name: str
    mixin: str  # the blocking mixin's class name; the asyncio one is prefixed ``Async``
    endpoints: tuple[EndpointModel, ...]
    imports: tuple[str, ...]  # the model and enum names its method signatures mention, sorted

    @property
    def methods(self) -> tuple[EndpointModel, ...]:
        return tuple(e for e in self.endpoints if e.preferred)

    @property
    def exported_constants(self) -> list[str]:
        return _ruff_sorted([e.constant for e in self.endpoints])

    @property
    def async_mixin(self) -> str:
        return f"Async{self.mixin}"


@dataclass(frozen=True)
class CompatRoute:
    operation: str
    method: str
    path: str
    first_release: str  # as printed: a release, or why there is none


@dataclass(frozen=True)
class LaterMembers:
    """The members of one owner (a route's request or response, a message, an enum) that are
    younger than their owner: (name, first release)."""

    owner: str
    owner_release: str
    members: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RemovedItem:
    kind: str  # "endpoint", "field", "enum value"
    name: str
    first_release: str
    removed_in: str
    note: str


@dataclass(frozen=True)
class CompatibilityModel:
    """What ``docs/compatibility.md`` says, decided in ``codegen.compat_build``."""

    first: str
    last: str
    release_count: int
    routes: tuple[CompatRoute, ...]
    new_by_release: tuple[tuple[str, tuple[str, ...]], ...]  # release -> routes it added
    route_fields: tuple[LaterMembers, ...]
    message_fields: tuple[LaterMembers, ...]
    enum_values: tuple[LaterMembers, ...]
    never_served: tuple[CompatRoute, ...]
    removed: tuple[RemovedItem, ...]
    gaps: tuple[tuple[str, str], ...]  # (item, the releases it was absent from)


@dataclass(frozen=True)
class ApiModel:
    mlflow_version: str
    enums: tuple[EnumModel, ...]
    messages: tuple[MessageModel, ...]
    endpoints: tuple[EndpointModel, ...]
    errors: tuple[ErrorModel, ...]
    modules: tuple[ModelModule, ...]
    resources: tuple[ResourceModule, ...] = ()
    compatibility: CompatibilityModel | None = None

    @property
    def client_resources(self) -> tuple[ResourceModule, ...]:
        """The resources that have client methods (every one of the spec today)."""
        return tuple(r for r in self.resources if r.methods)

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
