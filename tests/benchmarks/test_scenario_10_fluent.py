"""Scenario 10 (the fluent training loop) at its quick size: what it reports, never how fast."""

from __future__ import annotations

import pytest
from benchmarks.config import QUICK
from benchmarks.context import Context
from benchmarks.results import ScenarioResult
from benchmarks.targets import evaluate_all

from benchmarks import scenario_10_fluent as fluent

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("bench-fluent")]


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ScenarioResult:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
        ctx = Context(sizes=QUICK, quick=True, work_dir=tmp_path_factory.mktemp("fluent"))
        return fluent.run(ctx)


def test_every_contender_runs_the_loop_once(result: ScenarioResult) -> None:
    contenders = {m.contender for m in result.measurements if m.case == fluent.CASE}
    assert contenders == {*fluent.LOOPS, fluent.FLOOR}
    assert all(len(m.samples) == 1 and m.samples[0] > 0 for m in result.measurements)


def test_every_contenders_run_holds_every_value(result: ScenarioResult) -> None:
    assert all(m.extra["complete"] for m in result.measurements)


def test_every_target_is_judged(result: ScenarioResult) -> None:
    outcomes = evaluate_all(fluent.TARGETS, [result])
    assert len(outcomes) == 3 and all(o.value is not None for o in outcomes)
