"""Every request and response model and enum of the MLflow REST API (generated).

Names resolve on first access (PEP 562): ``from mlflow_rest_sdk.models import Run`` imports only
the generated module that defines ``Run``, not all ~500 models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlflow_rest_sdk._generated import models as _generated
from mlflow_rest_sdk._generated.models import __all__ as __all__

if TYPE_CHECKING:
    from mlflow_rest_sdk._generated.models import *  # noqa: F403

_NAMES = frozenset(__all__)

if not TYPE_CHECKING:  # type checkers see the star import above instead

    def __getattr__(name: str) -> Any:
        if name not in _NAMES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(_generated, name)
        globals()[name] = value  # cached: later lookups skip this hook
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
