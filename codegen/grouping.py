"""Which generated module each type and route lives in: one per REST resource, plus ``common``.

Grouping is by the resource a route acts on (``codegen.naming.resource_group``), for the models
package, the endpoints package and the client mixins alike.
"""

from __future__ import annotations

import re

from codegen.ir import EndpointModel, EnumModel, MessageModel, ModelModule, ResourceModule
from codegen.naming import camel_case, resource_group
from codegen.spec import Spec

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


def model_modules(
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
    check_acyclic(modules)
    return tuple(modules)


def check_acyclic(modules: list[ModelModule]) -> None:
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


def resource_modules(
    endpoints: tuple[EndpointModel, ...],
    messages: tuple[MessageModel, ...],
    enums: tuple[EnumModel, ...],
) -> tuple[ResourceModule, ...]:
    """The endpoints of each resource, in spec order, with the names their signatures need."""
    known = {m.class_name for m in messages} | {e.class_name for e in enums}
    by_group: dict[str, list[EndpointModel]] = {}
    for endpoint in endpoints:
        by_group.setdefault(endpoint.group, []).append(endpoint)
    return tuple(
        ResourceModule(
            name=group,
            mixin=f"{camel_case(group)}Api",
            endpoints=tuple(by_group[group]),
            imports=_signature_names(by_group[group], known),
        )
        for group in sorted(by_group)
    )


def _signature_names(endpoints: list[EndpointModel], known: set[str]) -> tuple[str, ...]:
    used: set[str] = set()
    for endpoint in endpoints:
        if not endpoint.preferred:
            continue
        texts = [endpoint.request_class or "", endpoint.response_class or ""]
        texts += [f.argument for f in endpoint.fields]
        if endpoint.pagination is not None:
            texts.append(endpoint.pagination.item_class)
        for text in texts:
            used.update(name for name in TYPE_NAME.findall(text) if name in known)
    return tuple(sorted(used))
