"""The issue's targets as data, and their evaluation against one run's medians.

Every ratio compares two contenders measured in the same run, so machine speed cancels out.
Samples are "lower is better" (seconds, MiB), which fixes the direction of each ratio.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from benchmarks.results import Measurement, ScenarioResult

__all__ = ["Kind", "Outcome", "Target", "evaluate", "evaluate_all"]


class Kind(StrEnum):
    """How a target compares its subject with its baseline."""

    #: baseline / subject >= threshold ("3x faster", "3x smaller", "90% of capacity").
    AT_LEAST_RATIO = "at_least_ratio"
    #: subject / baseline <= threshold ("within 1.3x of", "no slower than").
    AT_MOST_RATIO = "at_most_ratio"
    #: subject's median < threshold, in the subject's unit ("< 2 ms").
    BELOW = "below"


@dataclass(frozen=True)
class Target:
    """One target: ``subject`` on ``case`` against the best (lowest median) of ``baselines``."""

    scenario: str
    case: str
    subject: str
    kind: Kind
    threshold: float
    baselines: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Outcome:
    """A target's verdict: ``met`` is None when something it needs was not measured."""

    target: Target
    value: float | None
    met: bool | None
    baseline: str | None = None

    def to_json(self) -> dict[str, Any]:
        t = self.target
        return {
            "scenario": t.scenario,
            "case": t.case,
            "subject": t.subject,
            "baseline": self.baseline,
            "kind": t.kind.value,
            "threshold": t.threshold,
            "text": t.text,
            "value": self.value,
            "met": self.met,
        }


def _best(measurements: Sequence[Measurement]) -> Measurement | None:
    return min(measurements, key=lambda m: m.median, default=None)


def evaluate(target: Target, measurements: Iterable[Measurement]) -> Outcome:
    """Judge ``target`` on the measurements of its scenario."""
    on_case = [m for m in measurements if m.case == target.case]
    subject = next((m for m in on_case if m.contender == target.subject), None)
    if subject is None:
        return Outcome(target, None, None)
    if target.kind is Kind.BELOW:
        return Outcome(target, subject.median, subject.median < target.threshold)
    baseline = _best([m for m in on_case if m.contender in target.baselines])
    if baseline is None or subject.median <= 0 or baseline.median <= 0:
        return Outcome(target, None, None)
    if target.kind is Kind.AT_LEAST_RATIO:
        ratio = baseline.median / subject.median
        return Outcome(target, ratio, ratio >= target.threshold, baseline.contender)
    ratio = subject.median / baseline.median
    return Outcome(target, ratio, ratio <= target.threshold, baseline.contender)


def evaluate_all(targets: Iterable[Target], results: Iterable[ScenarioResult]) -> list[Outcome]:
    """Every target whose scenario ran, in the order given."""
    by_key = {r.key: r for r in results}
    return [evaluate(t, by_key[t.scenario].measurements) for t in targets if t.scenario in by_key]
