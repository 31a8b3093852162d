"""One MLflow release's descriptors in a fresh protobuf pool, with its custom options readable.

A fresh pool (never the process-wide default one) lets several releases sit side by side in one
process, and lets a release be read that is not installed. MLflow's options (``rpc``,
``validate_required``, ``visibility``) are extensions declared in ``databricks.proto``; the
descriptors' ``GetOptions()`` knows only the runtime's classes, so the raw options are re-parsed
with classes built from this pool, where those extensions are known.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from codegen import pb2_reader, server_rules
from codegen.server_rules import ServerRules

FileProtos = dict[str, descriptor_pb2.FileDescriptorProto]


def installed_mlflow_version() -> str:
    """The release of the MLflow whose protos ``installed()`` reads: its ``mlflow/version.py``
    (the same tree, so the two never disagree), read as text like everything else."""
    path = pb2_reader.find_on_path("mlflow/version.py")
    if path is None:
        raise SystemExit("mlflow is not installed: run `make venv` first")
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "VERSION" for t in node.targets)
            and isinstance(node.value, ast.Constant)
        ):
            return str(node.value.value)
    raise SystemExit(f"{path} names no VERSION")


def _outside_dependency(name: str) -> descriptor_pb2.FileDescriptorProto:
    """A file MLflow imports but does not ship: protobuf's own, or OpenTelemetry's trace."""
    if name.startswith("google/protobuf/"):
        # protobuf's well-known types are part of the runtime: importing them is cheap and safe.
        module = importlib.import_module(name.removesuffix(".proto").replace("/", ".") + "_pb2")
        return descriptor_pb2.FileDescriptorProto.FromString(module.DESCRIPTOR.serialized_pb)
    path = pb2_reader.find_on_path(name.removesuffix(".proto") + "_pb2.py")
    proto = (
        pb2_reader.file_descriptor(path.read_text(encoding="utf-8"), str(path)) if path else None
    )
    if proto is None:
        raise SystemExit(f"{name} is imported by MLflow's protos but not installed here")
    return proto


class ProtoPool:
    """One release: its descriptors, readers for MLflow's options, and its server's rules."""

    def __init__(self, files: FileProtos, release: str, server: ServerRules) -> None:
        self.release = release
        self.server = server
        self.files = dict(files)
        self.pool = descriptor_pool.DescriptorPool()
        self._added: set[str] = set()
        for name in sorted(self.files):
            self._add(name, ())
        self._classes = message_factory.GetMessageClassesForFiles(sorted(self._added), self.pool)
        self._rpc = self.pool.FindExtensionByName("mlflow.rpc")
        self._validate_required = self.pool.FindExtensionByName("mlflow.validate_required")
        self._visibility = self.pool.FindEnumTypeByName("mlflow.Visibility")

    @classmethod
    def from_wheel(cls, wheel: Path, release: str) -> ProtoPool:
        return cls(pb2_reader.wheel_files(wheel), release, server_rules.wheel_rules(wheel))

    @classmethod
    def installed(cls) -> ProtoPool:
        return cls(
            pb2_reader.installed_files(), installed_mlflow_version(), server_rules.installed_rules()
        )

    def _add(self, name: str, chain: tuple[str, ...]) -> None:
        if name in self._added:
            return
        if name in chain:
            raise ValueError(f"proto import cycle: {' -> '.join((*chain, name))}")
        proto = self.files.get(name) or _outside_dependency(name)
        for dependency in proto.dependency:
            self._add(dependency, (*chain, name))
        self.pool.Add(proto)
        self._added.add(name)

    def file(self, name: str) -> Any | None:
        """The file descriptor ``name`` (``service.proto``); ``None`` when the release lacks it."""
        return self.pool.FindFileByName(name) if name in self.files else None

    def _options(self, descriptor: Any, options_type: str) -> Any:
        raw = descriptor.GetOptions().SerializeToString()
        return self._classes[f"google.protobuf.{options_type}"].FromString(raw)

    def rpc_options(self, method: Any) -> Any:
        """The method's ``DatabricksRpcOptions`` (endpoints, visibility, doc title)."""
        return self._options(method, "MethodOptions").Extensions[self._rpc]

    def is_required(self, field: Any) -> bool:
        return bool(self._options(field, "FieldOptions").Extensions[self._validate_required])

    def visibility_name(self, number: int) -> str:
        return str(self._visibility.values_by_number[number].name)

    def error_codes(self) -> list[dict[str, Any]]:
        """MLflow's ``ErrorCode`` enum: every ``error_code`` a server can put in an error body."""
        enum = self.pool.FindEnumTypeByName("mlflow.ErrorCode")
        return [{"name": v.name, "number": v.number} for v in enum.values]
