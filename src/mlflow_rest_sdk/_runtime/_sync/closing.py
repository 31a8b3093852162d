# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/_runtime/_async/closing.py
"""One context-manager protocol for everything that holds connections, files or workers."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closing:
    """Leaving a ``with`` block over the object closes it; subclasses implement ``close``."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
