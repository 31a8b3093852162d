"""Stage 1c: the release history merged into the spec (``first_release``, gaps, what is gone).

Two inputs: ``spec/history.yaml`` (written by ``python -m codegen history`` from the wheels)
covers what the protos declare; ``spec/history_overlay.yaml`` (hand-written) covers the routes
the protos do not carry (basic-auth, health, version, server info) and removals older than the
history's first release. Keeping the history in its own committed file makes ``import-proto``
a pure function of its inputs: it never reads the spec it rewrites.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_OVERLAY_KEYS = {"endpoints", "fields", "removed_before"}


def load_history_inputs(
    history_path: Path, overlay_path: Path
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(``history.yaml``, ``history_overlay.yaml``), or ``None`` before the history first ran."""
    if not history_path.exists():
        return None
    history: dict[str, Any] = yaml.safe_load(history_path.read_text(encoding="utf-8"))
    return history, load_history_overlay(overlay_path)


def load_history_overlay(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(data) - _OVERLAY_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown top-level keys {sorted(unknown)}")
    return data


def _key(endpoint: dict[str, Any]) -> str:
    return f"{endpoint['method']} {endpoint['path']}"


def _item(entry: dict[str, Any] | None) -> dict[str, Any]:
    """The spec's view of a history entry: its first release, and its gaps when it had any."""
    if entry is None:
        return {"first_release": None}
    out: dict[str, Any] = {"first_release": entry["first_release"]}
    if entry.get("gaps"):
        out["gaps"] = entry["gaps"]
    return out


def apply_history(spec: dict[str, Any], history: dict[str, Any], overlay: dict[str, Any]) -> None:
    """Annotate ``spec`` (plain data, as ``build_spec`` makes it) in place."""
    extra_first = _annotate_endpoints(spec, history, overlay)
    reached = _first_use(spec, extra_first)
    field_overrides: dict[str, dict[str, str]] = overlay.get("fields") or {}
    for name, message in spec["messages"].items():
        known = history["fields"].get(name)
        for field in message["fields"]:
            if known is not None:
                field.update(_item(known.get(field["name"])))
            else:  # a hand-written message: overridden, else as old as its first user
                override = field_overrides.get(name, {}).get(field["name"])
                field["first_release"] = str(override) if override else reached.get(name)
    for name, enum in spec["enums"].items():
        known = history["enum_values"].get(name)
        for value in enum["values"]:
            if known is not None:
                value.update(_item(known.get(value["name"])))
            else:
                value["first_release"] = reached.get(name)
    spec["history"] = {
        "releases": history["releases"],
        "removed": _removed(history, overlay.get("removed_before") or []),
    }


def _annotate_endpoints(
    spec: dict[str, Any], history: dict[str, Any], overlay: dict[str, Any]
) -> dict[str, str]:
    """``first_release`` of every endpoint; returns those of the hand-written routes."""
    hand_written: dict[str, str] = overlay.get("endpoints") or {}
    unused = set(hand_written)
    extra_first: dict[str, str] = {}
    for endpoint in spec["endpoints"]:
        key = _key(endpoint)
        if endpoint["rpc"] is not None:
            endpoint.update(_item(history["endpoints"].get(key)))
            continue
        if key not in hand_written:
            raise ValueError(f"history overlay lacks the first release of {key}")
        unused.discard(key)
        endpoint["first_release"] = extra_first[key] = str(hand_written[key])
    if unused:
        raise ValueError(f"history overlay names routes the spec does not have: {sorted(unused)}")
    return extra_first


def _first_use(spec: dict[str, Any], extra_first: dict[str, str]) -> dict[str, str]:
    """For hand-written types: the first release of the earliest route that reaches each."""
    from packaging.version import Version

    reached: dict[str, str] = {}
    for endpoint in spec["endpoints"]:
        release = extra_first.get(_key(endpoint))
        if release is None:
            continue
        stack = [n for n in (endpoint["request"], endpoint["response"]) if n]
        seen: set[str] = set()
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            if name not in reached or Version(release) < Version(reached[name]):
                reached[name] = release
            for field in spec["messages"].get(name, {}).get("fields", []):
                refs = [field.get("ref"), (field.get("map_value") or {}).get("ref")]
                stack += [r for r in refs if r]
    return reached


def _removed(history: dict[str, Any], before: list[dict[str, Any]]) -> dict[str, Any]:
    endpoints = [
        {"method": key.split(" ", 1)[0], "path": key.split(" ", 1)[1], "rpc": entry["rpc"],
         "first_release": entry["first_release"], "removed_in": entry["removed_in"]}
        for key, entry in history["endpoints"].items()
        if entry.get("removed_in")
    ]  # fmt: skip
    endpoints += [dict(item) for item in before]
    return {
        "endpoints": sorted(endpoints, key=lambda e: (e["path"], e["method"])),
        "fields": _removed_members(history["fields"], "message", "field"),
        "enum_values": _removed_members(history["enum_values"], "enum", "value"),
    }


def _removed_members(items: dict[str, Any], owner_key: str, name_key: str) -> list[dict[str, Any]]:
    return [
        {owner_key: owner, name_key: name, "first_release": entry["first_release"],
         "removed_in": entry["removed_in"]}
        for owner, members in items.items()
        for name, entry in members.items()
        if entry.get("removed_in")
    ]  # fmt: skip
