"""``python -m codegen {import-proto,drift,generate}``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "spec" / "mlflow_api.yaml"
OVERLAY_PATH = ROOT / "spec" / "overlay.yaml"


def _import_proto(args: argparse.Namespace) -> int:
    from codegen.proto_import import import_services, installed_mlflow_version
    from codegen.spec_build import build_spec, dump_spec, load_overlay

    spec = build_spec(import_services(), load_overlay(args.overlay), installed_mlflow_version())
    args.spec.write_text(dump_spec(spec), encoding="utf-8")
    print(
        f"wrote {args.spec.relative_to(ROOT)}: {len(spec['endpoints'])} endpoints, "
        f"{len(spec['messages'])} messages, {len(spec['enums'])} enums "
        f"(mlflow {spec['mlflow_version']})"
    )
    return 0


def _drift(args: argparse.Namespace) -> int:
    from codegen.drift import drift_report

    report = drift_report(args.spec, args.overlay)
    print(report.render())
    return 1 if report.changed and args.exit_code else 0


def _generate(args: argparse.Namespace) -> int:
    from codegen.generate import generate

    written = generate(args.spec, args.out)
    print(f"generated {len(written)} files")
    return 0


def main(argv: list[str] | None = None) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--spec", type=Path, default=SPEC_PATH)
    common.add_argument("--overlay", type=Path, default=OVERLAY_PATH)
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "import-proto", parents=[common], help="write the spec from the installed MLflow's protos"
    )
    drift = commands.add_parser(
        "drift", parents=[common], help="compare the spec with the installed MLflow"
    )
    drift.add_argument("--exit-code", action="store_true", help="exit 1 when anything changed")
    generate = commands.add_parser(
        "generate", parents=[common], help="render the generated zone from the spec"
    )
    generate.add_argument(
        "--out", type=Path, default=ROOT, help="root to write src/.../_generated and docs/ under"
    )
    args = parser.parse_args(argv)
    handlers = {"import-proto": _import_proto, "drift": _drift, "generate": _generate}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
