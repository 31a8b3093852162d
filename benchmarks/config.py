"""Sizes of every scenario, full (the issue's figures) and quick (to check the harness).

The full sizes keep ``make bench`` near 40 minutes on two quiet cores (scenarios 1-7 about 13,
the bursts of scenario 8 about 20, whose rounds cannot shrink without losing the ranking); the
quick ones so that a whole run takes a couple of minutes on a busy machine. Quick figures only show
that everything works: their ratios are noisy.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FULL", "QUICK", "Sizes"]


@dataclass(frozen=True)
class Sizes:
    # 1. overhead: rounds x calls per contender and case
    overhead_rounds: int
    overhead_calls: int
    # 2. latency: rounds x sequential calls per contender and operation
    latency_rounds: int
    latency_calls: int
    # 3. bulk metrics
    metrics: int
    #: values per raw-capacity probe (fewer than ``metrics``: compared as time per 1000 metrics)
    capacity_metrics: int
    metric_keys: int
    metrics_rounds: int
    # 4. runs
    runs: int
    #: runs MLflow's client creates (fewer: one after another it takes ~10x longer; per run)
    runs_official: int
    runs_in_flight: int
    runs_rounds: int
    #: also time the SDK's blocking client (no target; left out of the full run for time)
    runs_blocking_sdk: bool
    # 5. station models
    stations: int
    #: models the MLflow-native side registers and loads (~15 s each: ratios are per model)
    stations_official: int
    # 6. imports
    import_repeats: int
    # 7. artifacts
    artifact_mib: int
    artifact_rounds: int
    # 8. bursts: sizes of the create_run bursts (each against both servers), and rounds per case
    #: (bursts of 100 calls or fewer; larger ones): neighbouring levels differ by less than one
    #: burst's spread (+-20 %), so one sample per contender cannot rank them
    burst_creates: tuple[int, ...]
    burst_rounds: int
    large_burst_rounds: int
    # 9. fleet: registered models per fleet (powers of ten), replicas, and the timing of each part
    fleet_models: tuple[int, ...]
    fleet_replicas: int
    #: seconds between two checks of every champion (both sides), and each counting window
    fleet_interval: float
    fleet_window: float
    fleet_promotions: int
    #: the /predict load: seconds per run and requests in flight
    fleet_load_seconds: float
    fleet_load_in_flight: int
    # 10. a fluent training loop: log_metric calls (one per step) in one run of 20 params
    fluent_steps: int


FULL = Sizes(
    overhead_rounds=5,
    overhead_calls=200,
    latency_rounds=4,
    latency_calls=20,
    metrics=100_000,
    capacity_metrics=30_000,
    metric_keys=10,
    metrics_rounds=1,
    runs=1000,
    runs_official=250,
    runs_in_flight=8,
    runs_rounds=1,
    runs_blocking_sdk=False,
    stations=50,
    stations_official=6,
    import_repeats=9,
    artifact_mib=120,
    artifact_rounds=3,
    burst_creates=(100, 1000),
    burst_rounds=5,
    large_burst_rounds=3,
    fleet_models=(10, 100, 1000),
    fleet_replicas=20,
    fleet_interval=5.0,
    fleet_window=20.0,
    fleet_promotions=20,
    fleet_load_seconds=10.0,
    fleet_load_in_flight=8,
    fluent_steps=2000,
)

QUICK = Sizes(
    overhead_rounds=5,
    overhead_calls=100,
    latency_rounds=3,
    latency_calls=10,
    metrics=5_000,
    capacity_metrics=5_000,
    metric_keys=5,
    metrics_rounds=1,
    runs=60,
    runs_official=30,
    runs_in_flight=8,
    runs_rounds=1,
    runs_blocking_sdk=True,
    stations=3,
    stations_official=2,
    import_repeats=3,
    artifact_mib=16,
    artifact_rounds=1,
    burst_creates=(30,),
    burst_rounds=2,
    large_burst_rounds=1,
    fleet_models=(10, 100),
    fleet_replicas=2,
    fleet_interval=2.0,
    fleet_window=3.0,
    fleet_promotions=4,
    fleet_load_seconds=1.5,
    fleet_load_in_flight=4,
    fluent_steps=40,
)
