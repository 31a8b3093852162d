"""Optional pyinstrument profiles of a scenario's client process (``--profile``).

A profile shows where the client's time goes when a target is missed; it slows the run, so
profiled figures are not the ones to quote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = ["profiled"]

T = TypeVar("T")


def profiled(name: str, profile_dir: Path | None, work: Callable[[], T]) -> T:
    """Run ``work``; with ``profile_dir``, under pyinstrument, writing ``name``.html and .txt."""
    if profile_dir is None:
        return work()
    from pyinstrument import Profiler

    profile_dir.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        return work()
    finally:
        profiler.stop()
        (profile_dir / f"{name}.html").write_text(profiler.output_html())
        (profile_dir / f"{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
