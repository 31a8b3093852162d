"""``python -m benchmarks [--quick] [--only 1,3] [--out DIR] [--profile]``.

Runs the scenarios one after another (each starts its own servers), then writes
``results.json``, ``results.md`` and ``results.png`` into ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import import_module, metadata
from pathlib import Path
from typing import Any

from benchmarks.config import FULL, QUICK
from benchmarks.context import Context
from benchmarks.profiling import profiled
from benchmarks.report import from_json, write_all
from benchmarks.results import ScenarioResult
from benchmarks.targets import Target, evaluate_all

#: Scenario number -> module under ``benchmarks``.
SCENARIOS = {
    "1": "scenario_1_overhead",
    "2": "scenario_2_latency",
    "3": "scenario_3_bulk_metrics",
    "4": "scenario_4_runs",
    "5": "scenario_5_models",
    "6": "scenario_6_imports",
    "7": "scenario_7_artifacts",
    "8": "scenario_8_bursts",
    "9": "scenario_9_fleet",
    "10": "scenario_10_fluent",
}
ROOT = Path(__file__).resolve().parent.parent


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, to check the harness")
    parser.add_argument("--only", default="", help="comma-separated scenario numbers, e.g. 1,3")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "build" / "bench" / "work")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="measure nothing: re-render OUT/results.json into Markdown and PNG",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile each scenario's client with pyinstrument into build/bench/profiles/",
    )
    return parser.parse_args(argv)


def _version(*names: str) -> str:
    """The installed version of the first distribution found among ``names``."""
    for name in names:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def _meta(quick: bool, started: datetime, seconds: float) -> dict[str, Any]:
    return {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick (harness check; figures are indicative only)" if quick else "full",
        "wall time": f"{seconds:.0f} s",
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average at the end {os.getloadavg()[0]:.1f}",
        "python": platform.python_version(),
        "versions": ", ".join(
            f"{n} {_version(n, n + '-cpu')}"
            for n in ("mlflow-rest-sdk", "mlflow", "httpx", "aiohttp", "pydantic", "xgboost")
        ),
    }


def _run_one(number: str, ctx: Context) -> tuple[ScenarioResult, list[Target]]:
    module = _module(number)
    run: Callable[[Context], ScenarioResult] = module.run
    targets: list[Target] = list(module.TARGETS)
    started = time.perf_counter()
    print(f"[bench] scenario {number}: {module.TITLE}", file=sys.stderr, flush=True)
    try:
        result = profiled(f"scenario_{number}", ctx.profile_dir, lambda: run(ctx))
    except Exception as error:  # one broken scenario must not lose the others' figures
        traceback.print_exc()
        result = ScenarioResult(module.KEY, module.TITLE, error=f"{type(error).__name__}: {error}")
    result.seconds = time.perf_counter() - started
    print(f"[bench] scenario {number} took {result.seconds:.0f} s", file=sys.stderr, flush=True)
    return result, targets


def _render_only(out: Path) -> int:
    """Rewrite the report from ``out/results.json``, re-evaluating every target."""
    meta, results = from_json(json.loads((out / "results.json").read_text()))
    targets = [t for number in SCENARIOS for t in _module(number).TARGETS]
    for path in write_all(out, meta, results, evaluate_all(targets, results)):
        print(f"[bench] wrote {path}", file=sys.stderr)
    return 0


def _module(number: str) -> Any:
    return import_module(f"benchmarks.{SCENARIOS[number]}")


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.render_only:
        return _render_only(args.out)
    chosen = [n.strip() for n in args.only.split(",") if n.strip()] or list(SCENARIOS)
    unknown = [n for n in chosen if n not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s) {unknown}; choose from {list(SCENARIOS)}", file=sys.stderr)
        return 2
    # MLflow's client must not try to reach the outside world while it is being timed.
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    work_dir: Path = args.work_dir.resolve()
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    ctx = Context(
        sizes=QUICK if args.quick else FULL,
        quick=args.quick,
        work_dir=work_dir,
        profile_dir=(ROOT / "build" / "bench" / "profiles") if args.profile else None,
        out_dir=args.out.resolve(),
    )
    started = datetime.now(UTC)
    clock = time.perf_counter()
    results: list[ScenarioResult] = []
    targets: list[Target] = []
    for number in chosen:
        result, scenario_targets = _run_one(number, ctx)
        results.append(result)
        targets += scenario_targets
    outcomes = evaluate_all(targets, results)
    meta = _meta(args.quick, started, time.perf_counter() - clock)
    for path in write_all(args.out, meta, results, outcomes):
        print(f"[bench] wrote {path}", file=sys.stderr)
    shutil.rmtree(work_dir, ignore_errors=True)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
