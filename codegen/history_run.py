"""``python -m codegen history``: every release's wheel read into ``spec/history.yaml``.

The history ends at the installed MLflow, the release the spec is imported from, so that every
item of the spec has a first release and the file changes only when MLflow is upgraded. The
same wheels give the same file byte for byte: nothing depends on time or on the order in
which anything was downloaded.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from codegen.history import build_history, dump_history, releases_between
from codegen.proto_import import import_services
from codegen.proto_pool import ProtoPool, installed_mlflow_version
from codegen.wheels import ensure_wheel, published_releases


def release_import(release: str, cache: Path) -> dict[str, Any]:
    """What one release's protos and server declare, from its (cached) wheel."""
    return import_services(ProtoPool.from_wheel(ensure_wheel(release, cache), release))


def write_history(path: Path, cache: Path, first: str, releases: str | None) -> None:
    last = installed_mlflow_version()
    chosen = (
        releases_between(releases.split(","), first, last)
        if releases
        else releases_between(published_releases(), first, last)
    )
    if not chosen:
        raise SystemExit(f"no release of mlflow-skinny between {first} and {last}")
    by_release: dict[str, dict[str, Any]] = {}
    for index, release in enumerate(chosen, 1):
        print(f"[{index}/{len(chosen)}] mlflow-skinny {release}", file=sys.stderr)
        by_release[release] = release_import(release, cache)
    history = build_history(by_release)
    path.write_text(dump_history(history), encoding="utf-8")
    print(
        f"wrote {path.name}: {len(chosen)} releases ({chosen[0]} .. {chosen[-1]}), "
        f"{len(history['endpoints'])} routes"
    )
