"""The background reloads behind webhook deliveries: merged per model, failures counted."""

from __future__ import annotations

import threading
from collections import Counter

from water_models.serving.reloader import Reloader


def test_deliveries_for_a_model_while_its_reload_waits_are_merged_into_one() -> None:
    started, release = threading.Event(), threading.Event()
    runs: Counter[str] = Counter()

    def reload(name: str) -> None:
        runs[name] += 1
        if name == "busy":
            started.set()
            release.wait(10)

    reloader = Reloader(reload, workers=1)
    assert reloader.submit("busy")
    assert started.wait(10)  # "busy" runs; the only worker is taken
    queued = [reloader.submit("a") for _ in range(5)]
    release.set()
    reloader.close()

    assert queued == [True, False, False, False, False]
    assert runs == Counter({"busy": 1, "a": 1}) and reloader.done == 2


def test_a_delivery_during_a_reload_queues_one_more_that_reads_the_newer_state() -> None:
    started, release = threading.Event(), threading.Event()
    runs: list[str] = []

    def reload(name: str) -> None:
        runs.append(name)
        if len(runs) == 1:
            started.set()
            release.wait(10)

    reloader = Reloader(reload, workers=2)
    reloader.submit("a")
    assert started.wait(10)
    again = reloader.submit("a")  # the first run has begun: its registry read may be stale
    release.set()
    reloader.close()

    assert again and runs == ["a", "a"]


def test_a_failed_reload_is_counted_and_the_next_one_still_runs() -> None:
    def reload(name: str) -> None:
        if name == "broken":
            raise RuntimeError("MLflow said no")

    reloader = Reloader(reload, workers=1)
    reloader.submit("broken")
    reloader.submit("fine")
    reloader.close()

    assert reloader.failed == 1 and reloader.done == 1
    assert not reloader.submit("late")  # closed
