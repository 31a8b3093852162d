"""``python -m codegen drift``: what one MLflow release's protos change relative to the spec.

The release is the installed one, or any other read from its wheel (``--mlflow VERSION``), so a
maintainer can see what an upgrade brings before re-importing, and anyone can see what an older
server lacks. The report always reads from the older release to the newer one: "added" means
the newer has it and the older does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from packaging.version import Version

from codegen.proto_import import import_services
from codegen.proto_pool import ProtoPool
from codegen.spec_build import build_spec, load_overlay
from codegen.wheels import DEFAULT_CACHE, ensure_wheel

_ENDPOINT_FACTS = (
    "operation", "rpc", "request", "response", "api_version", "deprecated", "path_params"
)  # fmt: skip


@dataclass
class DriftReport:
    older: str  # "MLflow 2.22.5 (its wheel)"
    newer: str
    spec_is_newer: bool = False
    endpoints_added: list[str] = field(default_factory=list)
    endpoints_removed: list[str] = field(default_factory=list)
    endpoints_changed: list[str] = field(default_factory=list)
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    fields_changed: list[str] = field(default_factory=list)
    enum_values_added: list[str] = field(default_factory=list)
    enum_values_removed: list[str] = field(default_factory=list)
    enum_values_changed: list[str] = field(default_factory=list)

    def sections(self) -> tuple[tuple[str, list[str]], ...]:
        return (
            ("endpoints added", self.endpoints_added),
            ("endpoints removed", self.endpoints_removed),
            ("endpoints changed", self.endpoints_changed),
            ("fields added", self.fields_added),
            ("fields removed", self.fields_removed),
            ("fields changed", self.fields_changed),
            ("enum values added", self.enum_values_added),
            ("enum values removed", self.enum_values_removed),
            ("enum values changed", self.enum_values_changed),
        )

    @property
    def changed(self) -> bool:
        return any(items for _, items in self.sections())

    def render(self) -> str:
        lines = [f"from {self.older} to {self.newer}"]
        for title, items in self.sections():
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines.extend(f"  {item}" for item in items)
        if not self.changed:
            lines.append("no drift: the spec matches the release's protos")
        elif self.spec_is_newer:
            lines.append("the spec is newer: a server of the older release lacks what was added")
        else:
            lines.append(
                "run `make import-proto generate` (with that release installed) to take these"
            )
        return "\n".join(lines)


def _endpoints(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f"{e['method']} {e['path']}": e for e in spec["endpoints"] if e.get("rpc")}


def _named(key: str, endpoint: dict[str, Any]) -> str:
    return f"{key} ({endpoint['service']}.{endpoint['rpc']}, {endpoint['operation']})"


def _field_facts(field_spec: dict[str, Any]) -> tuple[Any, ...]:
    return (field_spec["type"], field_spec.get("ref"), field_spec.get("repeated", False),
            field_spec.get("required", False), field_spec.get("map_value"))  # fmt: skip


def compare(
    old: dict[str, Any], new: dict[str, Any], report: DriftReport | None = None
) -> DriftReport:
    """The differences from ``old`` to ``new`` (plain specs), sorted, filled into ``report``."""
    if report is None:
        report = DriftReport(f"MLflow {old['mlflow_version']}", f"MLflow {new['mlflow_version']}")
    old_endpoints, new_endpoints = _endpoints(old), _endpoints(new)
    report.endpoints_added = sorted(
        _named(k, new_endpoints[k]) for k in new_endpoints.keys() - old_endpoints
    )
    report.endpoints_removed = sorted(
        _named(k, old_endpoints[k]) for k in old_endpoints.keys() - new_endpoints
    )
    for key in sorted(old_endpoints.keys() & new_endpoints.keys()):
        for fact in _ENDPOINT_FACTS:
            before, after = old_endpoints[key].get(fact), new_endpoints[key].get(fact)
            if before != after:
                report.endpoints_changed.append(
                    f"{_named(key, new_endpoints[key])}: {fact} {before!r} -> {after!r}"
                )
    old_messages, new_messages = old["messages"], new["messages"]
    for name in sorted(old_messages.keys() | new_messages.keys()):
        before = {f["name"]: f for f in old_messages.get(name, {}).get("fields", [])}
        after = {f["name"]: f for f in new_messages.get(name, {}).get("fields", [])}
        report.fields_added += [f"{name}.{f}" for f in sorted(after.keys() - before.keys())]
        report.fields_removed += [f"{name}.{f}" for f in sorted(before.keys() - after.keys())]
        for f in sorted(before.keys() & after.keys()):
            if _field_facts(before[f]) != _field_facts(after[f]):
                report.fields_changed.append(
                    f"{name}.{f}: {_field_facts(before[f])} -> {_field_facts(after[f])}"
                )
    for name in sorted(old["enums"].keys() | new["enums"].keys()):
        before_values = {
            v["name"]: v["number"] for v in old["enums"].get(name, {}).get("values", [])
        }
        after_values = {
            v["name"]: v["number"] for v in new["enums"].get(name, {}).get("values", [])
        }
        report.enum_values_added += [
            f"{name}.{v}" for v in sorted(after_values.keys() - before_values.keys())
        ]
        report.enum_values_removed += [
            f"{name}.{v}" for v in sorted(before_values.keys() - after_values.keys())
        ]
        report.enum_values_changed += [
            f"{name}.{v}: number {before_values[v]} -> {after_values[v]}"
            for v in sorted(before_values.keys() & after_values.keys())
            if before_values[v] != after_values[v]
        ]
    return report


def release_spec(protos: ProtoPool, overlay_path: Path) -> dict[str, Any]:
    """The spec a release would give (no history; corrections for RPCs it lacks are skipped)."""
    return build_spec(
        import_services(protos), load_overlay(overlay_path), protos.release, strict=False
    )


def drift_report(
    spec_path: Path, overlay_path: Path, mlflow: str | None = None, cache: Path = DEFAULT_CACHE
) -> DriftReport:
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    if mlflow is None:
        protos, origin = ProtoPool.installed(), "installed"
    else:
        protos, origin = ProtoPool.from_wheel(ensure_wheel(mlflow, cache), mlflow), "its wheel"
    release = release_spec(protos, overlay_path)
    spec_label = f"MLflow {spec['mlflow_version']} (the spec)"
    release_label = f"MLflow {protos.release} ({origin})"
    if Version(protos.release) < Version(spec["mlflow_version"]):
        return compare(release, spec, DriftReport(release_label, spec_label, spec_is_newer=True))
    return compare(spec, release, DriftReport(spec_label, release_label))
