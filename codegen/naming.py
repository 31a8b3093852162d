"""One naming resolver for everything the generator names: methods, classes, fields, enums.

Kept separate and tested by itself, because a name that changes silently breaks every caller.
"""

from __future__ import annotations

import keyword
import re

from pydantic import BaseModel

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

# Attributes a pydantic model already has: a field named like one would shadow it.
_RESERVED_ATTRIBUTES = frozenset(
    name for name in dir(BaseModel) if not name.startswith("__")
) | frozenset({"self", "request", "timeout", "retry"})


def snake_case(name: str) -> str:
    """``getModelVersionDownloadUri`` -> ``get_model_version_download_uri``; ``getTraceInfoV3``
    -> ``get_trace_info_v3``; acronyms stay one word (``getHTTPStatus`` -> ``get_http_status``)."""
    return _WORD_BOUNDARY.sub("_", name).replace("-", "_").lower()


def camel_case(name: str) -> str:
    """``search_datasets`` / ``search-datasets`` -> ``SearchDatasets``; keeps existing capitals."""
    parts = re.split(r"[_\-\s.]+", name)
    return "".join(part[:1].upper() + part[1:] for part in parts if part)


def safe_attribute(name: str) -> str:
    """A Python attribute name for a wire name; the generator keeps the wire name as the alias."""
    candidate = name
    if not candidate.isidentifier():
        candidate = re.sub(r"\W", "_", candidate)
        if candidate[:1].isdigit():
            candidate = f"_{candidate}"
    if keyword.iskeyword(candidate) or keyword.issoftkeyword(candidate):
        return f"{candidate}_"
    if candidate in _RESERVED_ATTRIBUTES:
        return f"{candidate}_"
    return candidate


def enum_member(name: str) -> str:
    """Enum members keep their wire spelling unless it is not a valid identifier."""
    member = safe_attribute(name)
    return member if member != "name" and member != "value" else f"{member}_"


def class_name(full_name: str, package: str) -> str:
    """``mlflow.CreateExperiment.Response`` -> ``CreateExperimentResponse`` (package dropped)."""
    local = full_name[len(package) + 1 :] if full_name.startswith(package + ".") else full_name
    return "".join(camel_case(part) for part in local.split("."))


def package_prefix(package: str) -> str:
    """The disambiguating prefix for a message of a non-core package: ``mlflow.artifacts`` ->
    ``Artifacts``; ``opentelemetry.proto.trace.v1`` -> ``OtelTraceV1``."""
    parts = package.split(".")
    if parts[0] == "opentelemetry":
        return "Otel" + "".join(camel_case(p) for p in parts[2:])
    return "".join(camel_case(p) for p in parts[1:]) or camel_case(parts[0])


def module_name(text: str) -> str:
    """A Python module name for a path segment: ``registered-models`` -> ``registered_models``."""
    candidate = re.sub(r"\W", "_", text.lower()).strip("_") or "root"
    if candidate[:1].isdigit():
        candidate = f"m_{candidate}"
    if keyword.iskeyword(candidate) or keyword.issoftkeyword(candidate):
        candidate = f"{candidate}_"
    return candidate


def resource_group(path: str) -> str:
    """The REST resource a route acts on; it names the models module its types live in.

    The segment after ``/api/<version>/<namespace>/``: ``/api/2.0/mlflow/runs/create`` ->
    ``runs``, ``/api/2.0/mlflow/registered-models/get`` -> ``registered_models``. When that
    segment is a path parameter or missing, the namespace (``/api/2.0/tiny-artifacts/{path}`` ->
    ``tiny_artifacts``); routes outside ``/api/`` go by their first segment (``/health``).
    """
    segments = [s for s in path.split("/") if s]
    if len(segments) >= 3 and segments[0] == "api":
        namespace, rest = segments[2], segments[3:]
        chosen = rest[0] if rest and not rest[0].startswith("{") else namespace
    else:
        chosen = segments[0] if segments and not segments[0].startswith("{") else "root"
    return module_name(chosen)
