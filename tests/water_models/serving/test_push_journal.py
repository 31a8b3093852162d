"""The journal that carries a verified alias change from the worker that got it to all workers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from water_models import naming
from water_models.serving.journal import PushJournal

NAMES = [naming.registered_model_name(f"jr-{i}", "xgboost") for i in range(40)]


class Worker:
    """One process's follower: the names it was told to reload, in order."""

    def __init__(self, path: Path, **options: float) -> None:
        self.names: list[str] = []
        self._lock = threading.Lock()
        self.journal = PushJournal(path, self._got, accept=lambda n: n in NAMES, **options)

    def _got(self, name: str) -> None:
        with self._lock:
            self.names.append(name)

    def seen(self) -> list[str]:
        with self._lock:
            return list(self.names)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    made: list[Worker] = []

    def make(**options: float) -> Worker:
        worker = Worker(tmp_path / "journal.log", **options)
        worker.journal.start()
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.journal.close()


def _until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.01)


def test_a_name_published_by_one_worker_reaches_every_worker_once(
    workers: Callable[..., Worker],
) -> None:
    first, second = workers(), workers()

    first.journal.publish(NAMES[0])
    second.journal.publish(NAMES[1])

    _until(lambda: len(first.seen()) == 2 and len(second.seen()) == 2)
    time.sleep(0.2)
    assert first.seen() == second.seen() == NAMES[:2]


def test_what_was_published_before_a_worker_started_is_left_to_its_first_listing(
    workers: Callable[..., Worker], tmp_path: Path
) -> None:
    early = workers()
    early.journal.publish(NAMES[0])
    late = workers()

    early.journal.publish(NAMES[1])

    _until(lambda: late.seen() == [NAMES[1]] and early.seen() == NAMES[:2])


def test_followers_go_on_after_the_file_is_renamed_aside(workers: Callable[..., Worker]) -> None:
    follower = workers(max_bytes=250)  # lines of 35-36 bytes: renamed every 7-8 lines
    batches = [NAMES[i : i + 8] for i in range(0, 32, 8)]

    for done, batch in enumerate(batches):
        follower.journal.publish(batch[0])  # a new file after the rename: the follower opens it
        _until(lambda n=done: len(follower.seen()) == 8 * n + 1)
        for name in batch[1:]:  # the last of these renames it, likely before it was read
            follower.journal.publish(name)
        _until(lambda n=done: len(follower.seen()) == 8 * (n + 1))

    assert follower.seen() == NAMES[:32]
    assert (follower.journal.path.parent / "journal.log.old").exists()


def test_a_line_that_names_no_model_of_ours_is_ignored(
    workers: Callable[..., Worker], tmp_path: Path
) -> None:
    follower = workers()
    with (tmp_path / "journal.log").open("ab") as raw:
        raw.write(b"water-quality-station-elsewhere-xgboost\n" + b"x" * 2000 + b"\n")
    follower.journal.publish(NAMES[3])

    _until(lambda: follower.seen() == [NAMES[3]])


def test_a_name_with_a_line_break_is_never_written() -> None:
    journal = PushJournal(Path("/nonexistent/j.log"), print, accept=lambda n: True)

    with pytest.raises(ValueError, match="not a model name"):
        journal.publish("a\nb")
