"""Read the serialized ``FileDescriptorProto`` bytes that generated ``*_pb2.py`` modules embed.

The descriptors of any MLflow release can then be loaded without importing (or installing)
``mlflow``: the source of each module is parsed with :mod:`ast` and the bytes literal handed to
``AddSerializedFile(...)`` (current protoc) or ``serialized_pb=`` (older protoc) is taken as is.
"""

from __future__ import annotations

import ast
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

from google.protobuf import descriptor_pb2

# Where MLflow keeps its generated modules, inside a wheel or an installed package.
PROTOS_PREFIX = "mlflow/protos/"


def serialized_files(source: str) -> list[bytes]:
    """Every serialized descriptor literal in a ``*_pb2.py`` source, in source order.

    MLflow's modules carry one copy per protobuf major version (``if Version(...) >= 5:``
    branches); both describe the same file, so callers take the first.
    """
    found: list[tuple[int, int, bytes]] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        candidates = [node.args[0]] if name == "AddSerializedFile" and node.args else []
        candidates += [kw.value for kw in node.keywords if kw.arg == "serialized_pb"]
        for literal in candidates:
            if isinstance(literal, ast.Constant) and isinstance(literal.value, bytes):
                found.append((literal.lineno, literal.col_offset, literal.value))
    # ast.walk is breadth-first: order by position so that "first" means first in the file.
    return [blob for _, _, blob in sorted(found)]


def file_descriptor(source: str, origin: str) -> descriptor_pb2.FileDescriptorProto | None:
    """The file a module describes, or ``None`` for a module without a descriptor (``_grpc``)."""
    blobs = serialized_files(source)
    if not blobs:
        return None
    try:
        return descriptor_pb2.FileDescriptorProto.FromString(blobs[0])
    except Exception as error:  # a DecodeError: name the module, not just the bytes
        raise ValueError(f"{origin}: the embedded descriptor does not parse: {error}") from error


def _from_sources(
    sources: Iterable[tuple[str, str]],
) -> dict[str, descriptor_pb2.FileDescriptorProto]:
    files: dict[str, descriptor_pb2.FileDescriptorProto] = {}
    for origin, source in sources:
        proto = file_descriptor(source, origin)
        if proto is not None:
            files[proto.name] = proto
    return files


def wheel_files(wheel: Path) -> dict[str, descriptor_pb2.FileDescriptorProto]:
    """The descriptors of every ``mlflow/protos/**/*_pb2.py`` in a wheel, by proto file name."""
    with zipfile.ZipFile(wheel) as archive:
        names = sorted(
            n for n in archive.namelist() if n.startswith(PROTOS_PREFIX) and n.endswith("_pb2.py")
        )
        return _from_sources((f"{wheel.name}:{n}", archive.read(n).decode("utf-8")) for n in names)


def installed_files() -> dict[str, descriptor_pb2.FileDescriptorProto]:
    """The same for the installed MLflow, found on ``sys.path`` and read as text, not imported."""
    directory = find_on_path(PROTOS_PREFIX.rstrip("/"))
    if directory is None:
        raise SystemExit("mlflow is not installed (no mlflow/protos on sys.path): run `make venv`")
    modules = sorted(directory.rglob("*_pb2.py"))
    return _from_sources((str(p), p.read_text(encoding="utf-8")) for p in modules)


def find_on_path(relative: str) -> Path | None:
    """The first ``sys.path`` entry holding ``relative``, the way an import would find it."""
    for entry in sys.path:
        candidate = Path(entry or ".") / relative
        if candidate.exists():
            return candidate
    return None
