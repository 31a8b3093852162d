"""How one release's tracking server turns proto RPCs into routes, read from its source.

Declared is not served. Two facts of ``mlflow/server/handlers.py`` decide what a release's
server answers, and both changed across releases:

- the prefix: up to 3.1 every RPC was mounted under ``/api/2.0``; from 3.2 on, under
  ``/api/{since.major}.0`` (so ``/api/3.0`` for the RPCs whose ``since`` major is 3);
- the handler: an RPC whose request message is not a key of the ``HANDLERS`` table is routed
  to ``_not_implemented`` (the trace RPCs of 2.13.x, the V3 trace RPCs before 3.2).

Both are read with :mod:`ast` from the source text, so no release needs to be imported.
"""

from __future__ import annotations

import ast
import zipfile
from dataclasses import dataclass
from pathlib import Path

from codegen import pb2_reader

HANDLERS_MODULE = "mlflow/server/handlers.py"


@dataclass(frozen=True)
class ServerRules:
    """What a release's server mounts: the prefix rule and the handled request messages."""

    versioned_prefix: bool
    # (proto file, message name) of each request message that has a handler.
    handled: frozenset[tuple[str, str]]

    def prefix_major(self, since_major: int) -> int:
        return since_major if self.versioned_prefix else 2

    def handles(self, proto_file: str, message_name: str) -> bool:
        return (proto_file, message_name) in self.handled


def rules_from_source(source: str) -> ServerRules:
    tree = ast.parse(source)
    imported: dict[str, tuple[str, str]] = {}
    handled: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlflow.protos."):
            proto_file = _proto_file(node.module or "")
            for alias in node.names:
                imported[alias.asname or alias.name] = (proto_file, alias.name)
    for node in ast.walk(tree):
        if _assigns_handlers(node):
            assert isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict)
            for key in node.value.keys:
                if isinstance(key, ast.Name) and key.id in imported:
                    handled.add(imported[key.id])
    # The 3.2 change: get_service_endpoints passes ``version=endpoint.since.major``.
    return ServerRules("endpoint.since.major" in source, frozenset(handled))


def _proto_file(module: str) -> str:
    # mlflow.protos.model_registry_pb2 -> model_registry.proto (subpackages keep their folder)
    relative = module.removeprefix("mlflow.protos.").replace(".", "/")
    return relative.removesuffix("_pb2") + ".proto"


def _assigns_handlers(node: ast.AST) -> bool:
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign):
        targets = [node.target]
    else:
        return False
    return isinstance(node.value, ast.Dict) and any(
        isinstance(t, ast.Name) and t.id == "HANDLERS" for t in targets
    )


def wheel_rules(wheel: Path) -> ServerRules:
    with zipfile.ZipFile(wheel) as archive:
        return rules_from_source(archive.read(HANDLERS_MODULE).decode("utf-8"))


def installed_rules() -> ServerRules:
    path = pb2_reader.find_on_path(HANDLERS_MODULE)
    if path is None:
        raise SystemExit("mlflow's server is not installed (no mlflow/server/handlers.py)")
    return rules_from_source(path.read_text(encoding="utf-8"))
