"""Load and concurrency: 8 client processes, through faulty proxies, against PostgreSQL + S3 +
4 MLflow workers; afterwards the server holds every run once and every metric exactly once.

The scenario lives in :mod:`tests.production.load` (which also runs stand-alone, at full size,
for ``docs/performance.md``); here it runs at a size that keeps ``make test`` short, writes
``build/load/report.json`` and prints its summary.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from tests._infra.topology import ProductionTopology

from .load import (
    FAULT_SHARES,
    REPORT_PATH,
    TRANSPORTS,
    LoadConfig,
    LoadReport,
    run_load,
    write_report,
)

pytestmark = pytest.mark.xdist_group("production-load")

#: 8 processes as at full size, fewer runs and batches: ~1,000 calls, so that the whole test
#: stays well under 90 s on two busy cores (the full size is the module's stand-alone default).
TEST_LOAD = LoadConfig(processes=8, runs=8, batches=15, metrics_per_batch=10, in_flight=4)


@pytest.fixture(scope="module")
def load(production_server: ProductionTopology) -> LoadReport:
    """The scenario, run once for this module; its report written and printed."""
    report = run_load(production_server.url, TEST_LOAD)
    write_report(report)
    print(report.summary())
    return report


def test_every_process_finished_every_operation(load: LoadReport) -> None:
    done = {w.index: w.operations + w.failures for w in load.workers}

    assert done == {i: TEST_LOAD.operations_per_process for i in range(TEST_LOAD.processes)}


def test_the_processes_used_both_async_transports(load: LoadReport) -> None:
    assert Counter(w.transport for w in load.workers) == {
        kind: TEST_LOAD.processes // len(TRANSPORTS) for kind in TRANSPORTS
    }


def test_every_process_met_faults_and_its_client_retried(load: LoadReport) -> None:
    quiet = [w.index for w in load.workers if w.faults_injected == 0 or w.retries == 0]

    assert quiet == [], load.summary()


def test_every_kind_of_fault_was_injected(load: LoadReport) -> None:
    injected: Counter[str] = Counter()
    for worker in load.workers:
        injected.update(worker.faults)

    assert {str(fault) for fault in FAULT_SHARES if injected[str(fault)] == 0} == set()


def test_no_failure_surfaces_to_the_callers(load: LoadReport) -> None:
    samples = [sample for w in load.workers for sample in w.failure_samples]

    assert (load.totals()["failures_surfaced"], samples) == (0, [])


def test_no_run_is_created_twice(load: LoadReport) -> None:
    assert load.verification.duplicated_runs == [], load.summary()


def test_every_run_reported_as_created_is_on_the_server(load: LoadReport) -> None:
    verification = load.verification

    assert (verification.missing_runs, verification.runs_found) == (
        [],
        TEST_LOAD.processes * TEST_LOAD.runs,
    )


def test_every_metric_is_stored_exactly_once(load: LoadReport) -> None:
    verification = load.verification

    assert (verification.wrong_points, verification.points_found) == (
        [],
        verification.points_expected,
    ), load.summary()


def test_the_report_is_written_to_build_load(load: LoadReport) -> None:
    written = json.loads(REPORT_PATH.read_text())

    assert (len(written["processes"]), written["totals"]) == (
        TEST_LOAD.processes,
        json.loads(json.dumps(load.totals())),
    )
