"""Report rendering: the Markdown carries verdicts and same-run ratios."""

from __future__ import annotations

from benchmarks.report import (
    MLFLOW,
    _panels,
    format_number,
    from_json,
    render_markdown,
    to_json,
)
from benchmarks.results import ScenarioResult
from benchmarks.targets import Kind, Target, evaluate


def _result() -> ScenarioResult:
    result = ScenarioResult("1-x", "title")
    result.add("op", "sdk httpx-sync", "ms/call", [1.0, 1.0, 1.0])
    result.add("op", MLFLOW, "ms/call", [4.0, 4.0, 4.0])
    return result


def test_markdown_marks_a_missed_target_with_its_measured_ratio() -> None:
    result = _result()
    target = Target("1-x", "op", "sdk httpx-sync", Kind.AT_LEAST_RATIO, 5.0, (MLFLOW,), ">= 5x")
    text = render_markdown({}, [result], [evaluate(target, result.measurements)])
    assert "| 4.00x | **missed** |" in text


def test_markdown_shows_each_contender_against_mlflow_in_the_same_run() -> None:
    text = render_markdown({}, [_result()], [])
    assert "| op | sdk httpx-sync | 1.00 | 1.00-1.00 | 3 | ms/call | 4.00x |" in text


def test_markdown_reports_a_failed_scenario_instead_of_a_table() -> None:
    failed = ScenarioResult("2-y", "title", error="RuntimeError: no server")
    assert "**Failed:** `RuntimeError: no server`" in render_markdown({}, [failed], [])


def test_numbers_are_shown_with_three_significant_digits() -> None:
    assert [format_number(v) for v in (1234.5, 12.345, 1.2345, 0.012345)] == [
        "1,234",
        "12.3",
        "1.23",
        "0.012",
    ]


def test_results_read_back_from_json_render_the_same_markdown() -> None:
    result = _result()
    meta, results = from_json(to_json({"mode": "quick"}, [result], []))
    assert render_markdown(meta, results, []) == render_markdown({"mode": "quick"}, [result], [])


def test_plot_panels_never_put_two_units_on_one_axis() -> None:
    result = _result()
    result.add("rss", "sdk httpx-sync", "MiB", [5.0])
    assert [(unit, len(ms)) for _, unit, ms in _panels([result])] == [("ms/call", 2), ("MiB", 1)]
