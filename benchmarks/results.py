"""What a scenario hands back: named series of samples, plus free-form facts about the run.

Kept as plain dataclasses so the JSON report is a direct dump and the Markdown and plot are
rendered from the same data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmarks.stats import Summary, summarize

__all__ = ["Measurement", "ScenarioResult"]


@dataclass
class Measurement:
    """Samples of one contender on one case, e.g. ``log_metric`` on ``sdk httpx-sync``.

    ``unit`` says what a sample is (``ms/call``, ``s``, ``MiB``); lower is better for every
    unit used here, so ratios read the same way everywhere.
    """

    case: str
    contender: str
    unit: str
    samples: list[float]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> Summary:
        return summarize(self.samples)

    @property
    def median(self) -> float:
        return self.summary.median

    def to_json(self) -> dict[str, Any]:
        s = self.summary
        return {
            "case": self.case,
            "contender": self.contender,
            "unit": self.unit,
            "median": s.median,
            "p25": s.p25,
            "p75": s.p75,
            "min": s.minimum,
            "max": s.maximum,
            "n": s.n,
            "samples": self.samples,
            "extra": self.extra,
        }


@dataclass
class ScenarioResult:
    """Everything one scenario measured, or why it could not."""

    key: str
    title: str
    measurements: list[Measurement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0

    def add(
        self,
        case: str,
        contender: str,
        unit: str,
        samples: list[float],
        **extra: Any,
    ) -> Measurement:
        measurement = Measurement(case, contender, unit, list(samples), dict(extra))
        self.measurements.append(measurement)
        return measurement

    def find(self, case: str, contender: str) -> Measurement | None:
        for measurement in self.measurements:
            if measurement.case == case and measurement.contender == contender:
                return measurement
        return None
