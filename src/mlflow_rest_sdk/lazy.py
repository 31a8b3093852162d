"""Package attributes imported on first access (PEP 562), for packages that must import cheaply.

Public: packages built on the SDK (``water_models``) use it for their own ``__init__``.

``mlflow_rest_sdk``, its ``batching`` package and ``water_models`` list their public names
here instead of importing them: importing a package then loads neither pydantic, httpx nor
pandas until a name that needs them is used. No ``typing`` import either: it alone would make
``import mlflow_rest_sdk`` several times slower.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any


def lazy_attributes(
    package: str, module_of: Mapping[str, str], public: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module-level ``__getattr__`` and ``__dir__`` for ``package``.

    ``module_of`` maps each lazy name to the dotted module that defines it; a name is imported
    once and then kept in the package's namespace, so later lookups skip the hook.
    """

    def __getattr__(name: str) -> Any:
        module_name = module_of.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        # __import__ with a fromlist returns the module itself; unlike importlib, it shows in
        # ``python -X importtime``.
        value = getattr(__import__(module_name, fromlist=[name]), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *public})

    return __getattr__, __dir__
