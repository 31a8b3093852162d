"""``python -m codegen drift``: what the installed MLflow's protos change relative to the spec.

A maintainer runs this after upgrading MLflow, before re-importing, to see which endpoints and
fields were added, removed or changed, and so what the regenerated client will gain or lose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from codegen.proto_import import import_services, installed_mlflow_version
from codegen.spec_build import build_spec, load_overlay

_ENDPOINT_FACTS = ("operation", "request", "response", "since", "deprecated", "path_params")


@dataclass
class DriftReport:
    spec_version: str
    installed_version: str
    endpoints_added: list[str] = field(default_factory=list)
    endpoints_removed: list[str] = field(default_factory=list)
    endpoints_changed: list[str] = field(default_factory=list)
    fields_added: list[str] = field(default_factory=list)
    fields_removed: list[str] = field(default_factory=list)
    fields_changed: list[str] = field(default_factory=list)
    enum_values_changed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            (self.endpoints_added, self.endpoints_removed, self.endpoints_changed,
             self.fields_added, self.fields_removed, self.fields_changed,
             self.enum_values_changed)
        )  # fmt: skip

    def render(self) -> str:
        lines = [f"spec: MLflow {self.spec_version}; installed: MLflow {self.installed_version}"]
        sections = (
            ("endpoints added", self.endpoints_added),
            ("endpoints removed", self.endpoints_removed),
            ("endpoints changed", self.endpoints_changed),
            ("fields added", self.fields_added),
            ("fields removed", self.fields_removed),
            ("fields changed", self.fields_changed),
            ("enum values changed", self.enum_values_changed),
        )
        for title, items in sections:
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines.extend(f"  {item}" for item in items)
        if not self.changed:
            lines.append("no drift: the spec matches the installed protos")
        else:
            lines.append("run `make import-proto generate` to take these changes")
        return "\n".join(lines)


def _endpoint_key(endpoint: dict[str, Any]) -> str:
    return f"{endpoint['method']} {endpoint['path']}"


def _field_facts(field_spec: dict[str, Any]) -> tuple[Any, ...]:
    return (field_spec["type"], field_spec.get("ref"), field_spec.get("repeated", False),
            field_spec.get("required", False), field_spec.get("map_value"))  # fmt: skip


def compare(old: dict[str, Any], new: dict[str, Any]) -> DriftReport:
    """The differences between two specs (plain data), sorted for stable output."""
    report = DriftReport(old["mlflow_version"], new["mlflow_version"])
    old_endpoints = {_endpoint_key(e): e for e in old["endpoints"] if e.get("rpc")}
    new_endpoints = {_endpoint_key(e): e for e in new["endpoints"] if e.get("rpc")}
    report.endpoints_added = sorted(
        f"{k} ({new_endpoints[k]['operation']})" for k in new_endpoints.keys() - old_endpoints
    )
    report.endpoints_removed = sorted(
        f"{k} ({old_endpoints[k]['operation']})" for k in old_endpoints.keys() - new_endpoints
    )
    for key in sorted(old_endpoints.keys() & new_endpoints.keys()):
        for fact in _ENDPOINT_FACTS:
            before, after = old_endpoints[key].get(fact), new_endpoints[key].get(fact)
            if before != after:
                report.endpoints_changed.append(f"{key}: {fact} {before!r} -> {after!r}")
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
        before_values = {v["name"] for v in old["enums"].get(name, {}).get("values", [])}
        after_values = {v["name"] for v in new["enums"].get(name, {}).get("values", [])}
        for value in sorted(after_values - before_values):
            report.enum_values_changed.append(f"{name}: + {value}")
        for value in sorted(before_values - after_values):
            report.enum_values_changed.append(f"{name}: - {value}")
    return report


def drift_report(spec_path: Path, overlay_path: Path) -> DriftReport:
    old = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    new = build_spec(import_services(), load_overlay(overlay_path), installed_mlflow_version())
    return compare(old, new)
