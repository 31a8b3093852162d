"""The release history of the spec, resolved for ``docs/compatibility.md`` and for docstrings.

Everything here reads the spec's ``first_release`` values and ``history`` section only; the
proto option ``since`` (the spec's ``api_version``) never decides a release.
"""

from __future__ import annotations

from packaging.version import Version

from codegen.ir import CompatibilityModel, CompatRoute, LaterMembers, RemovedItem
from codegen.spec import EndpointSpec, Gap, Spec

_NEVER_SERVED = "never served (404)"
_UNKNOWN = "unknown"


def _younger(release: str | None, than: str | None) -> bool:
    return release is not None and than is not None and Version(release) > Version(than)


def later_request_fields(spec: Spec, endpoint: EndpointSpec) -> tuple[tuple[str, str], ...]:
    """The request fields that arrived after the route did: (wire name, first release)."""
    return _later(spec, endpoint.request, endpoint.first_release)


def _later(spec: Spec, message: str | None, than: str | None) -> tuple[tuple[str, str], ...]:
    if message is None or message not in spec.messages:
        return ()
    return tuple(
        (f.name, f.first_release)
        for f in spec.messages[message].fields
        if f.first_release is not None and _younger(f.first_release, than)
    )


def _gap_text(name: str, gaps: tuple[Gap, ...]) -> tuple[str, str]:
    return name, "; ".join(f"absent from {g.removed_in}, back in {g.back_in}" for g in gaps)


def _first(releases: list[str]) -> str | None:
    return min(releases, key=Version) if releases else None


def build_compatibility(spec: Spec) -> CompatibilityModel | None:
    if spec.history is None:
        return None
    releases = spec.history.releases
    routes = tuple(
        CompatRoute(
            e.operation,
            e.method,
            e.path,
            e.first_release or (_NEVER_SERVED if e.rpc is not None else _UNKNOWN),
        )
        for e in sorted(spec.endpoints, key=lambda e: (e.path, e.method))
    )
    new_by: dict[str, list[str]] = {}
    for endpoint in spec.endpoints:
        if endpoint.first_release is not None and endpoint.first_release != releases[0]:
            new_by.setdefault(endpoint.first_release, []).append(endpoint.operation)
    route_fields: list[LaterMembers] = []
    owners = {e.request for e in spec.endpoints} | {e.response for e in spec.endpoints}
    for endpoint in sorted(spec.endpoints, key=lambda e: (e.operation, e.method)):
        if not endpoint.preferred or endpoint.first_release is None:
            continue
        for side, message in (("request", endpoint.request), ("response", endpoint.response)):
            later = _later(spec, message, endpoint.first_release)
            if later:
                route_fields.append(
                    LaterMembers(f"{endpoint.operation} ({side})", endpoint.first_release, later)
                )
    message_fields: list[LaterMembers] = []
    for name, message_spec in sorted(spec.messages.items()):
        first = _first([f.first_release for f in message_spec.fields if f.first_release])
        later = _later(spec, name, first)
        if name not in owners and first is not None and later:
            message_fields.append(LaterMembers(name, first, later))
    enum_values: list[LaterMembers] = []
    for name, enum in sorted(spec.enums.items()):
        first = _first([v.first_release for v in enum.values if v.first_release])
        values = tuple(
            (v.name, v.first_release)
            for v in enum.values
            if v.first_release is not None and _younger(v.first_release, first)
        )
        if first is not None and values:
            enum_values.append(LaterMembers(name, first, values))
    gaps = [_gap_text(f"{e.method} {e.path}", e.gaps) for e in spec.endpoints if e.gaps]
    gaps += [
        _gap_text(f"{name}.{f.name}", f.gaps)
        for name, m in sorted(spec.messages.items())
        for f in m.fields
        if f.gaps
    ]
    return CompatibilityModel(
        first=releases[0],
        last=releases[-1],
        release_count=len(releases),
        routes=routes,
        new_by_release=tuple(
            (release, tuple(sorted(set(ops))))
            for release, ops in sorted(new_by.items(), key=lambda kv: Version(kv[0]))
        ),
        route_fields=tuple(route_fields),
        message_fields=tuple(message_fields),
        enum_values=tuple(enum_values),
        never_served=tuple(r for r in routes if r.first_release == _NEVER_SERVED),
        removed=_removed(spec, releases[0]),
        gaps=tuple(gaps),
    )


def _removed(spec: Spec, first: str) -> tuple[RemovedItem, ...]:
    assert spec.history is not None
    removed = spec.history.removed
    older = f"before {first}"
    items = [
        RemovedItem("endpoint", f"{e.method} {e.path} ({e.rpc})", e.first_release or older,
                    e.removed_in, e.note or "")
        for e in removed.endpoints
    ]  # fmt: skip
    items += [
        RemovedItem("field", f"{f.message}.{f.field}", f.first_release, f.removed_in, "")
        for f in removed.fields
    ]
    items += [
        RemovedItem("enum value", f"{v.enum}.{v.value}", v.first_release, v.removed_in, "")
        for v in removed.enum_values
    ]
    return tuple(sorted(items, key=lambda i: (Version(i.removed_in), i.kind, i.name)))
