"""What every scenario is given: sizes, a scratch folder, and where profiles go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from benchmarks.config import Sizes

__all__ = ["SDK_TRANSPORTS", "Context"]

#: The SDK's three transports, named as in the report.
SDK_TRANSPORTS = ("httpx-sync", "httpx-async", "aiohttp")


@dataclass(frozen=True)
class Context:
    sizes: Sizes
    quick: bool
    work_dir: Path
    profile_dir: Path | None = None
    #: where the report goes (scenarios with a plot of their own write it there)
    out_dir: Path | None = None

    def scratch(self, name: str) -> Path:
        """A fresh folder under the work folder for one scenario."""
        path = self.work_dir / name
        path.mkdir(parents=True, exist_ok=True)
        return path
