"""Proto types to Python annotations, and the class name of every proto message and enum.

One resolver decides both, so a model field, a method argument and a docstring always agree.
"""

from __future__ import annotations

from codegen.ir import FieldModel
from codegen.naming import class_name, package_prefix, safe_attribute
from codegen.spec import FieldSpec, MapValue, Spec

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


class ClassNames:
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


def lenient_alias(enum_class: str) -> str:
    return f"{enum_class}Value"


class TypeResolver:
    """Annotations for fields (in models) and arguments (in method signatures)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.names = ClassNames(spec)

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
            return f"{enum_cls} | str" if argument else lenient_alias(enum_cls)
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
            value_argument=argument,
        )
