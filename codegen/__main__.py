"""``python -m codegen {import-proto,history,drift,generate,openapi,derive}``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "spec" / "mlflow_api.yaml"
OVERLAY_PATH = ROOT / "spec" / "overlay.yaml"
HISTORY_PATH = ROOT / "spec" / "history.yaml"
HISTORY_OVERLAY_PATH = ROOT / "spec" / "history_overlay.yaml"


def _history_inputs(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]] | None:
    from codegen.spec_history import load_history_inputs

    inputs = load_history_inputs(args.history, args.history_overlay)
    if inputs is None:
        print(f"note: no {args.history.name}: the spec gets no release history", file=sys.stderr)
    return inputs


def _import_proto(args: argparse.Namespace) -> int:
    from codegen.proto_import import import_services
    from codegen.proto_pool import ProtoPool
    from codegen.spec_build import build_spec, dump_spec, load_overlay

    protos = ProtoPool.installed()
    spec = build_spec(
        import_services(protos), load_overlay(args.overlay), protos.release, _history_inputs(args)
    )
    args.spec.write_text(dump_spec(spec), encoding="utf-8")
    print(
        f"wrote {args.spec.relative_to(ROOT)}: {len(spec['endpoints'])} endpoints, "
        f"{len(spec['messages'])} messages, {len(spec['enums'])} enums "
        f"(mlflow {spec['mlflow_version']})"
    )
    return 0


def _history(args: argparse.Namespace) -> int:
    from codegen.history_run import write_history

    write_history(args.history, args.cache, args.first, args.releases)
    return _import_proto(args)


def _drift(args: argparse.Namespace) -> int:
    from codegen.drift import drift_report

    report = drift_report(args.spec, args.overlay, args.mlflow, args.cache)
    print(report.render())
    return 1 if report.changed and args.exit_code else 0


def _generate(args: argparse.Namespace) -> int:
    from codegen.generate import generate

    written = generate(args.spec, args.out)
    print(f"generated {len(written)} files")
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from codegen.openapi import OPENAPI_OUTPUTS, build_openapi, dump_openapi
    from codegen.spec import Spec

    text = dump_openapi(build_openapi(Spec.load(args.spec)))
    for relative in OPENAPI_OUTPUTS:
        target = args.out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"wrote {', '.join(str(p) for p in OPENAPI_OUTPUTS)}")
    return 0


def _derive(args: argparse.Namespace) -> int:
    from codegen.unasync import derive_all, stale_twins

    if args.check:
        problems = stale_twins(args.root, ROOT)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    written = derive_all(args.root, project_root=ROOT)
    print(f"derived {len(written)} blocking twins")
    return 0


def main(argv: list[str] | None = None) -> int:
    from codegen.wheels import DEFAULT_CACHE

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--spec", type=Path, default=SPEC_PATH)
    common.add_argument("--overlay", type=Path, default=OVERLAY_PATH)
    common.add_argument("--history", type=Path, default=HISTORY_PATH)
    common.add_argument("--history-overlay", type=Path, default=HISTORY_OVERLAY_PATH)
    common.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="where downloaded wheels are kept"
    )
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "import-proto", parents=[common], help="write the spec from the installed MLflow's protos"
    )
    history = commands.add_parser(
        "history",
        parents=[common],
        help="read every release's wheel into spec/history.yaml, then re-import the spec",
    )
    history.add_argument("--first", default="2.0.0", help="the oldest release to read")
    history.add_argument(
        "--releases",
        help="comma-separated releases to read instead of every final one up to the installed",
    )
    drift = commands.add_parser(
        "drift", parents=[common], help="compare the spec with an MLflow release's protos"
    )
    drift.add_argument(
        "--mlflow", metavar="VERSION", help="read this release's wheel instead of the installed"
    )
    drift.add_argument("--exit-code", action="store_true", help="exit 1 when anything changed")
    generate = commands.add_parser(
        "generate", parents=[common], help="render the generated zone from the spec"
    )
    generate.add_argument(
        "--out", type=Path, default=ROOT, help="root to write src/.../_generated and docs/ under"
    )
    openapi = commands.add_parser(
        "openapi",
        parents=[common],
        help="write the OpenAPI 3.1 document (spec/openapi.json and the package's copy)",
    )
    openapi.add_argument(
        "--out", type=Path, default=ROOT, help="root to write spec/ and src/.../_generated under"
    )
    derive = commands.add_parser(
        "derive", help="write the blocking twin of every _async/ source module into _sync/"
    )
    derive.add_argument("--root", type=Path, default=ROOT, help="repository root to scan")
    derive.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a twin is stale"
    )
    args = parser.parse_args(argv)
    handlers = {
        "import-proto": _import_proto,
        "history": _history,
        "drift": _drift,
        "generate": _generate,
        "openapi": _openapi,
        "derive": _derive,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
