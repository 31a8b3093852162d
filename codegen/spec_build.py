"""Stage 1b: merge the imported protos with the overlay into the spec, and write it stably.

Determinism matters: importing twice from the same MLflow must give a byte-identical file, so
every collection is sorted and nothing depends on dict or set iteration order of the protos.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from codegen.spec import EnumSpec, MessageSpec, Spec
from codegen.spec_history import apply_history

_PREFERRED_METHOD_ORDER = ("POST", "GET", "PATCH", "PUT", "DELETE")


def load_overlay(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    known = {
        "idempotency", "error_statuses", "rpcs", "extra_messages", "extra_enums",
        "extra_endpoints",
    }  # fmt: skip
    unknown = set(data) - known
    if unknown:
        raise ValueError(
            f"{path}: unknown top-level keys {sorted(unknown)}; known: {sorted(known)}"
        )
    return data


def _is_idempotent(endpoint: dict[str, Any], idempotency: dict[str, Any]) -> bool:
    key = f"{endpoint['service']}.{endpoint['rpc']}"
    overrides = idempotency.get("overrides") or {}
    if key in overrides:
        return bool(overrides[key])
    if endpoint["method"] == "GET":
        return True
    for rule in idempotency.get("rules") or []:
        if endpoint["operation"].startswith(rule["prefix"]):
            return bool(rule["idempotent"])
    return False


def _pagination(endpoint: dict[str, Any], messages: dict[str, Any]) -> dict[str, Any] | None:
    request = {f["name"]: f for f in messages[endpoint["request"]]["fields"]}
    response = {f["name"]: f for f in messages[endpoint["response"]]["fields"]}
    if "page_token" not in request or "next_page_token" not in response:
        return None
    items = [name for name, f in response.items() if f["repeated"] and f["type"] == "message"]
    if len(items) != 1:
        return None
    max_results = next((n for n in ("max_results", "page_size") if n in request), None)
    return {
        "token_field": "page_token",
        "token_in": "query" if endpoint["method"] == "GET" else "body",
        "next_token_field": "next_page_token",
        "items_field": items[0],
        "max_results_field": max_results,
    }


def _request_body(endpoint: dict[str, Any], messages: dict[str, Any]) -> str:
    if endpoint["method"] == "GET":
        return "query"
    path_fields = {p["field"] for p in endpoint["path_params"]}
    fields = [f for f in messages[endpoint["request"]]["fields"] if f["name"] not in path_fields]
    return "json" if fields else "none"


def build_spec(
    imported: dict[str, Any],
    overlay: dict[str, Any],
    version: str,
    history: tuple[dict[str, Any], dict[str, Any]] | None = None,
    *,
    strict: bool = True,
) -> dict[str, Any]:
    """The spec of one release. ``history`` is (``history.yaml``, ``history_overlay.yaml``);
    ``strict=False`` lets ``rpcs`` corrections name RPCs that an older release lacks."""
    messages: dict[str, Any] = dict(imported["messages"])
    enums: dict[str, Any] = dict(imported["enums"])
    for name, message in (overlay.get("extra_messages") or {}).items():
        if name in messages:
            raise ValueError(f"overlay message {name} shadows a proto message")
        messages[name] = message
    for name, enum in (overlay.get("extra_enums") or {}).items():
        if name in enums:
            raise ValueError(f"overlay enum {name} shadows a proto enum")
        enums[name] = enum

    rpc_overrides: dict[str, Any] = overlay.get("rpcs") or {}
    seen_overrides: set[str] = set()
    by_rpc: dict[str, list[dict[str, Any]]] = {}
    endpoints: list[dict[str, Any]] = []
    for raw in imported["endpoints"]:
        endpoint = {k: v for k, v in raw.items() if k not in ("declared_order", "handled")}
        key = f"{endpoint['service']}.{endpoint['rpc']}"
        override = rpc_overrides.get(key, {})
        if key in rpc_overrides:
            seen_overrides.add(key)
        endpoint["request_body"] = _request_body(endpoint, messages)
        endpoint["response_body"] = "json"
        endpoint["idempotent"] = _is_idempotent(endpoint, overlay.get("idempotency") or {})
        endpoint["pagination"] = _pagination(endpoint, messages)
        endpoint["note"] = None
        endpoint["request_defaults"] = {}
        endpoint.update(override)
        by_rpc.setdefault(key, []).append(endpoint)
        endpoints.append(endpoint)
    unused = set(rpc_overrides) - seen_overrides
    if unused and strict:
        raise ValueError(f"overlay `rpcs` names RPCs the protos do not have: {sorted(unused)}")

    for group in by_rpc.values():
        group.sort(key=lambda e: _PREFERRED_METHOD_ORDER.index(e["method"]))
        for index, endpoint in enumerate(group):
            endpoint["preferred"] = index == 0

    for extra in overlay.get("extra_endpoints") or []:
        endpoints.append({"note": None, "path_params": [], "request_defaults": {}, **extra})

    ordered = [
        _ordered_endpoint(e) for e in sorted(endpoints, key=lambda e: (e["path"], e["method"]))
    ]
    spec: dict[str, Any] = {
        "mlflow_version": version,
        "endpoints": ordered,
        "messages": {name: _normalized(MessageSpec, messages[name]) for name in sorted(messages)},
        "enums": {name: _normalized(EnumSpec, enums[name]) for name in sorted(enums)},
        "error_codes": _error_codes(imported["error_codes"], overlay.get("error_statuses") or {}),
    }
    _check_unique_operations(ordered)
    if history is not None:
        apply_history(spec, *history)
        spec = {"mlflow_version": version, "history": spec.pop("history"), **spec}
    _drop_empty_gaps(spec)
    Spec.model_validate(spec)  # fail the import, not the generator, on a malformed overlay
    return spec


def _drop_empty_gaps(spec: dict[str, Any]) -> None:
    """``gaps`` is written only where an item left and came back (one field in 101 releases)."""
    items = [*spec["endpoints"]]
    items += [f for m in spec["messages"].values() for f in m["fields"]]
    items += [v for e in spec["enums"].values() for v in e["values"]]
    for item in items:
        if not item.get("gaps"):
            item.pop("gaps", None)


def _normalized(model: type[MessageSpec] | type[EnumSpec], data: dict[str, Any]) -> Any:
    """Every message and enum in one shape, whether it came from the protos or the overlay."""
    return model.model_validate(data).model_dump(mode="json")


def _error_codes(codes: list[dict[str, Any]], statuses: dict[str, int]) -> list[dict[str, Any]]:
    known = {code["name"] for code in codes}
    unknown = set(statuses) - known
    if unknown:
        raise ValueError(f"overlay error_statuses names unknown error codes {sorted(unknown)}")
    return [{**code, "status": int(statuses.get(code["name"], 500))} for code in codes]


_ENDPOINT_KEYS = (
    "operation", "rpc", "service", "method", "path", "path_params", "request", "response",
    "request_body", "response_body", "api_version", "first_release", "deprecated", "idempotent",
    "preferred", "visibility", "doc", "note", "request_defaults", "pagination",
)  # fmt: skip
_OPTIONAL_ENDPOINT_KEYS = ("gaps",)


def _ordered_endpoint(endpoint: dict[str, Any]) -> dict[str, Any]:
    endpoint = {"first_release": None, **endpoint}
    missing = [k for k in _ENDPOINT_KEYS if k not in endpoint]
    if missing:
        raise ValueError(f"endpoint {endpoint.get('operation')!r} lacks keys {missing}")
    extra = set(endpoint) - set(_ENDPOINT_KEYS) - set(_OPTIONAL_ENDPOINT_KEYS)
    if extra:
        raise ValueError(f"endpoint {endpoint.get('operation')!r} has unknown keys {sorted(extra)}")
    keys = (*_ENDPOINT_KEYS, *_OPTIONAL_ENDPOINT_KEYS)
    return {k: endpoint[k] for k in keys if k in endpoint}


def _check_unique_operations(endpoints: list[dict[str, Any]]) -> None:
    owners: dict[str, str] = {}
    for endpoint in endpoints:
        if not endpoint["preferred"]:
            continue
        owner = f"{endpoint['service']}.{endpoint['rpc'] or endpoint['path']}"
        previous = owners.setdefault(endpoint["operation"], owner)
        if previous != owner:
            raise ValueError(
                f"operation name {endpoint['operation']!r} is used by {previous} and {owner}; "
                "rename one in spec/overlay.yaml (rpcs: {Service.rpc: {operation: ...}})"
            )


class _SpecDumper(yaml.SafeDumper):
    """Block style, no aliases, wide lines: a diff-friendly, stable file."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump_spec(spec: dict[str, Any]) -> str:
    header = (
        "# Generated by `python -m codegen import-proto` from MLflow's proto descriptors,\n"
        "# spec/overlay.yaml, spec/history.yaml and spec/history_overlay.yaml. Do not edit:\n"
        "# change an overlay and re-import (or re-run `python -m codegen history`).\n"
    )
    body = yaml.dump(
        spec,
        Dumper=_SpecDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )
    return header + body
