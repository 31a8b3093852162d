"""One context-manager protocol for everything that holds connections, files or workers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class AsyncClosing(ABC):
    """Leaving a ``with`` block over the object closes it; subclasses implement ``aclose``."""

    @abstractmethod
    async def aclose(self) -> None:
        """Release what the object holds (connections, files, workers)."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
