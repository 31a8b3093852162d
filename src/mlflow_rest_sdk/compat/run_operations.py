"""``RunOperations``: what a logging call made with ``synchronous=False`` returns.

In MLflow it holds the futures of queued requests. The compat client sends every logging call
before it returns (see docs/migrating.md), so the operations it hands back are already done and
``wait()`` returns at once; code that calls ``wait()`` works unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future
from typing import Any

from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = ["RunOperations"]


class RunOperations:
    """Logging operations that may still be in flight; :meth:`wait` blocks until they are not."""

    def __init__(self, operation_futures: Iterable[Future[Any]] | None = None) -> None:
        self._operation_futures = list(operation_futures or ())

    def wait(self) -> None:
        """Block until every operation is done; one ``MlflowException`` names all failures."""
        failures = []
        for future in self._operation_futures:
            try:
                future.result()
            except Exception as error:
                failures.append(error)
        if failures:
            raise MlflowException(
                "The following failures occurred while performing one or more async logging "
                f"operations: {failures}"
            )
