# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/_runtime/_async/closing.py
"""One context-manager protocol for everything that holds connections, files or workers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Closing(ABC):
    """Leaving a ``with`` block over the object closes it; subclasses implement ``close``."""

    @abstractmethod
    def close(self) -> None:
        """Release what the object holds (connections, files, workers)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
