"""Target evaluation: ratio direction, best baseline, absolute limits, missing data."""

from __future__ import annotations

from benchmarks.results import Measurement
from benchmarks.targets import Kind, Target, evaluate


def _m(contender: str, median: float, case: str = "c") -> Measurement:
    return Measurement(case, contender, "s", [median])


def test_speedup_is_baseline_over_subject_and_met_at_the_threshold() -> None:
    target = Target("s", "c", "sdk", Kind.AT_LEAST_RATIO, 2.5, ("mlflow",))
    outcome = evaluate(target, [_m("sdk", 2.0), _m("mlflow", 5.0)])
    assert (outcome.value, outcome.met) == (2.5, True)


def test_at_most_ratio_is_missed_when_the_subject_is_slower_than_allowed() -> None:
    target = Target("s", "c", "sdk", Kind.AT_MOST_RATIO, 1.3, ("raw",))
    outcome = evaluate(target, [_m("sdk", 1.4), _m("raw", 1.0)])
    assert outcome.met is False


def test_several_baselines_compare_against_the_fastest() -> None:
    target = Target("s", "c", "sdk", Kind.AT_LEAST_RATIO, 0.9, ("raw x1", "raw x2"))
    outcome = evaluate(target, [_m("sdk", 4.0), _m("raw x1", 3.0), _m("raw x2", 2.0)])
    assert outcome.baseline == "raw x2"


def test_below_compares_the_subject_median_with_an_absolute_limit() -> None:
    target = Target("s", "c", "sdk", Kind.BELOW, 2.0)
    assert evaluate(target, [_m("sdk", 2.0)]).met is False


def test_a_target_whose_subject_was_not_measured_has_no_verdict() -> None:
    target = Target("s", "c", "sdk", Kind.AT_LEAST_RATIO, 2.0, ("mlflow",))
    assert evaluate(target, [_m("mlflow", 1.0)]).met is None


def test_measurements_of_another_case_are_ignored() -> None:
    target = Target("s", "c", "sdk", Kind.AT_LEAST_RATIO, 2.0, ("mlflow",))
    outcome = evaluate(target, [_m("sdk", 1.0), _m("mlflow", 9.0, case="other")])
    assert outcome.met is None
