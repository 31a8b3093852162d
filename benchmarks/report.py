"""Render one run as ``results.json``, ``results.md`` and ``results.png``.

All three come from the same :class:`ScenarioResult` list and target outcomes, so the table, the
plot and the data never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.results import Measurement, ScenarioResult
from benchmarks.targets import Kind, Outcome

__all__ = [
    "MLFLOW",
    "format_number",
    "from_json",
    "render_markdown",
    "to_json",
    "write_all",
    "write_plot",
]

#: The contender name of MLflow's own client in the scenarios that use it.
MLFLOW = "mlflow MlflowClient"


def format_number(value: float) -> str:
    """Three significant digits, without scientific notation for the sizes seen here."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    if magnitude >= 0.01:
        return f"{value:.3f}"
    return f"{value:.2g}"


def _verdict(outcome: Outcome) -> str:
    if outcome.met is None:
        return "not measured"
    return "met" if outcome.met else "**missed**"


def _measured(outcome: Outcome) -> str:
    if outcome.value is None:
        return "-"
    kind = outcome.target.kind
    if kind is Kind.BELOW:
        return format_number(outcome.value)
    if kind is Kind.AT_LEAST_RATIO and outcome.target.threshold < 1:
        return f"{outcome.value:.0%}"
    return f"{outcome.value:.2f}x"


def to_json(
    meta: Mapping[str, Any], results: Sequence[ScenarioResult], outcomes: Sequence[Outcome]
) -> dict[str, Any]:
    """The whole run as JSON-ready data."""
    return {
        "meta": dict(meta),
        "scenarios": [
            {
                "key": r.key,
                "title": r.title,
                "seconds": r.seconds,
                "error": r.error,
                "notes": r.notes,
                "facts": r.facts,
                "measurements": [m.to_json() for m in r.measurements],
            }
            for r in results
        ],
        "targets": [o.to_json() for o in outcomes],
    }


def from_json(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[ScenarioResult]]:
    """The meta and scenario results of a ``results.json`` (targets are re-evaluated)."""
    results = []
    for scenario in data["scenarios"]:
        result = ScenarioResult(
            scenario["key"],
            scenario["title"],
            notes=list(scenario["notes"]),
            facts=dict(scenario["facts"]),
            error=scenario["error"],
            seconds=scenario["seconds"],
        )
        for m in scenario["measurements"]:
            result.add(m["case"], m["contender"], m["unit"], m["samples"], **m["extra"])
        results.append(result)
    return dict(data["meta"]), results


def _targets_table(outcomes: Sequence[Outcome]) -> list[str]:
    lines = [
        "| scenario | case | subject | target | baseline | measured | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for o in outcomes:
        t = o.target
        lines.append(
            f"| {t.scenario} | {t.case} | {t.subject} | {t.text} | {o.baseline or '-'} "
            f"| {_measured(o)} | {_verdict(o)} |"
        )
    return lines


def _is_mlflow(contender: str) -> bool:
    return contender.startswith("mlflow") or contender == "import mlflow"


def _mlflow_reference(result: ScenarioResult, case: str) -> Measurement | None:
    """MLflow's own contender on ``case`` (MlflowClient, mlflow.xgboost, import mlflow)."""
    return next(
        (m for m in result.measurements if m.case == case and _is_mlflow(m.contender)), None
    )


def _scenario_section(result: ScenarioResult) -> list[str]:
    lines = [f"## {result.key}: {result.title}", ""]
    if result.error:
        lines += [f"**Failed:** `{result.error}`", ""]
    lines += [f"- {note}" for note in result.notes]
    lines += [f"- {key}: {value}" for key, value in result.facts.items()]
    if result.notes or result.facts:
        lines.append("")
    if not result.measurements:
        return lines
    lines += [
        "| case | contender | median | p25-p75 | n | unit | MLflow / this |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in result.measurements:
        s = m.summary
        reference = _mlflow_reference(result, m.case)
        versus = (
            f"{reference.median / m.median:.2f}x"
            if reference is not None and m.median > 0 and reference is not m
            else "-"
        )
        lines.append(
            f"| {m.case} | {m.contender} | {format_number(s.median)} "
            f"| {format_number(s.p25)}-{format_number(s.p75)} | {s.n} | {m.unit} | {versus} |"
        )
    lines.append("")
    return lines


def render_markdown(
    meta: Mapping[str, Any], results: Sequence[ScenarioResult], outcomes: Sequence[Outcome]
) -> str:
    """The results page: run facts, the targets with their verdicts, then each scenario."""
    lines = [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks`; the method and the analysis are in "
        "[../performance.md](../performance.md).",
        "",
    ]
    lines += [f"- {key}: {value}" for key, value in meta.items()]
    lines += ["", "## Targets", ""]
    lines += _targets_table(outcomes)
    lines.append("")
    for result in results:
        lines += _scenario_section(result)
    return "\n".join(lines).rstrip() + "\n"


def _color(contender: str) -> str:
    if _is_mlflow(contender):
        return "tab:orange"
    if "water_models" in contender:
        return "tab:green"
    if contender.startswith("sdk") or "mlflow_rest_sdk" in contender:
        return "tab:blue"
    return "tab:gray"


def _panels(results: Sequence[ScenarioResult]) -> list[tuple[str, str, list[Measurement]]]:
    """One panel per scenario and unit, so bars on one axis always share a unit."""
    panels: dict[tuple[str, str], list[Measurement]] = {}
    titles: dict[str, str] = {}
    for result in results:
        titles[result.key] = f"{result.key}: {result.title}"
        for m in result.measurements:
            panels.setdefault((result.key, m.unit), []).append(m)
    return [(titles[key], unit, ms) for (key, unit), ms in panels.items()]


def write_plot(results: Sequence[ScenarioResult], path: Path) -> None:
    """Horizontal bars of medians, one panel per scenario and unit, coloured by client
    (blue: this SDK, green: water_models, orange: MLflow, grey: raw httpx)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = _panels(results)
    if not panels:
        return
    heights = [0.26 * len(ms) + 0.9 for _, _, ms in panels]
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(10, sum(heights)), gridspec_kw={"height_ratios": heights}
    )
    axes_list = list(axes) if len(panels) > 1 else [axes]
    for ax, (title, unit, measurements) in zip(axes_list, panels, strict=True):
        medians = [m.median for m in measurements]
        ax.barh(range(len(medians)), medians, color=[_color(m.contender) for m in measurements])
        for index, median in enumerate(medians):
            ax.text(median, index, f" {format_number(median)}", va="center", fontsize=6)
        labels = [f"{m.case} | {m.contender}" for m in measurements]
        ax.set_yticks(range(len(labels)), labels, fontsize=6)
        ax.invert_yaxis()
        ax.set_xlim(0, max(medians) * 1.15 or 1)
        ax.tick_params(axis="x", labelsize=6)
        ax.set_xlabel(f"median, {unit} (lower is better)", fontsize=7)
        ax.set_title(title, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_all(
    out_dir: Path,
    meta: Mapping[str, Any],
    results: Sequence[ScenarioResult],
    outcomes: Sequence[Outcome],
) -> list[Path]:
    """Write the three files into ``out_dir`` and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "results.json"
    json_path.write_text(json.dumps(to_json(meta, results, outcomes), indent=2) + "\n")
    md_path = out_dir / "results.md"
    md_path.write_text(render_markdown(meta, results, outcomes))
    png_path = out_dir / "results.png"
    write_plot(results, png_path)
    return [json_path, md_path, png_path]
