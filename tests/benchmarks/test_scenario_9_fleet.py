"""Scenario 9 (the fleet) at its quick size: what it reports, never how fast anything was.

The scenario starts its own MLflow server and ``water-models serve`` process; it runs once for
the module and each test reads one part of its result.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks.config import QUICK
from benchmarks.context import Context
from benchmarks.results import ScenarioResult
from benchmarks.targets import evaluate_all

from benchmarks import scenario_9_fleet as fleet

pytestmark = [pytest.mark.live, pytest.mark.xdist_group("bench-fleet")]


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fleet-out")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory, out_dir: Path) -> Iterator[ScenarioResult]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
        env.setenv("DO_NOT_TRACK", "true")
        ctx = Context(
            sizes=QUICK, quick=True, work_dir=tmp_path_factory.mktemp("fleet"), out_dir=out_dir
        )
        yield fleet.run(ctx)


def _samples(result: ScenarioResult, case: str, contender: str) -> list[float]:
    found = result.find(case, contender)
    assert found is not None, f"{case} / {contender} not measured"
    return found.samples


def test_the_scenario_finishes_without_an_error(result: ScenarioResult) -> None:
    assert result.error is None
    assert result.key == fleet.KEY


@pytest.mark.parametrize("n", QUICK.fleet_models)
def test_each_fleet_size_counts_requests_for_both_sides(result: ScenarioResult, n: int) -> None:
    for contender in (fleet.OURS, fleet.THEIRS):
        measured = result.find(f"requests per minute, N={n}", contender)
        assert measured is not None and len(measured.samples) == 1
        assert measured.unit == "requests/min" and measured.extra["requests"] > 0


@pytest.mark.parametrize("n", QUICK.fleet_models)
def test_each_fleet_size_times_a_full_check_of_every_champion_for_both_sides(
    result: ScenarioResult, n: int
) -> None:
    for contender in (fleet.OURS, fleet.THEIRS):
        assert _samples(result, f"{fleet.PASS}, N={n}", contender)


def test_a_refresh_of_the_fleet_cache_is_one_listing_request_per_page(
    result: ScenarioResult,
) -> None:
    for n in QUICK.fleet_models:
        measured = result.find(f"requests per minute, N={n}", fleet.OURS)
        assert measured is not None and measured.extra["requests_per_pass"] == 1


def test_the_replicas_of_the_fleet_cache_download_nothing_while_nothing_changes(
    result: ScenarioResult,
) -> None:
    for n in QUICK.fleet_models:
        measured = result.find(f"requests per minute, N={n}", fleet.OURS)
        assert measured is not None and measured.extra["downloads"] == 0


def test_the_growth_in_n_is_reported_for_both_sides(result: ScenarioResult) -> None:
    for contender in (fleet.OURS, fleet.THEIRS):
        assert len(_samples(result, fleet.GROWTH, contender)) == 1


def test_every_promotion_is_timed_through_the_webhook_and_through_the_listing(
    result: ScenarioResult,
) -> None:
    for contender in (fleet.PUSH, fleet.LISTING):
        assert len(_samples(result, fleet.PROMOTION_P50, contender)) == QUICK.fleet_promotions
        assert len(_samples(result, fleet.PROMOTION_P95, contender)) == 1
    assert result.facts["webhook deliveries accepted during the push promotions"].startswith(
        f"{QUICK.fleet_promotions} for"
    )


def test_predict_is_measured_with_mlflow_up_and_with_mlflow_stopped(
    result: ScenarioResult,
) -> None:
    for contender in (fleet.UP, fleet.DOWN):
        assert _samples(result, fleet.PREDICT_P50, contender)
        for case in (fleet.PREDICT_P99, fleet.PREDICT_COST, fleet.PREDICT_FAILED):
            assert len(_samples(result, case, contender)) == 1
    assert result.facts["health while MLflow was stopped"] == "degraded"


def test_the_extrapolation_is_labelled_as_such(result: ScenarioResult) -> None:
    facts = [value for key, value in result.facts.items() if key.startswith("extrapolation")]
    assert len(facts) == 1 and facts[0].startswith("EXTRAPOLATED from")


def test_the_plot_of_requests_per_minute_against_n_is_written(
    result: ScenarioResult, out_dir: Path
) -> None:
    plot = out_dir / result.facts["plot"]
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_target_of_the_scenario_finds_what_it_needs_but_the_largest_fleet(
    result: ScenarioResult,
) -> None:
    outcomes = evaluate_all(fleet.TARGETS, [result])
    unmeasured = [o.target.case for o in outcomes if o.met is None]
    # The quick size stops at N=100: only the N=1000 target has nothing to judge.
    assert unmeasured == ["requests per minute, N=1000"]
