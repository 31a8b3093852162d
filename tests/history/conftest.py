"""Real ``mlflow-skinny`` wheels for the history tests: downloaded once per machine, then cached.

Two releases on either side of the 3.0 line are enough to check the history against real
descriptors: 2.22.5 (the last 2.x, what old servers run) and 3.0.1 (logged models, the V3 trace
RPCs declared but not yet served). The cache is the git-ignored ``build/wheels`` that
``python -m codegen history`` uses, so a machine that ran the history downloads nothing here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.history._releases import EARLY_3X, OLD_RELEASE

from codegen.proto_pool import ProtoPool
from codegen.wheels import DEFAULT_CACHE, ensure_wheel


@pytest.fixture(scope="session")
def old_wheel() -> Path:
    return ensure_wheel(OLD_RELEASE, DEFAULT_CACHE)


@pytest.fixture(scope="session")
def early_3x_wheel() -> Path:
    return ensure_wheel(EARLY_3X, DEFAULT_CACHE)


@pytest.fixture(scope="session")
def old_pool(old_wheel: Path) -> ProtoPool:
    return ProtoPool.from_wheel(old_wheel, OLD_RELEASE)


@pytest.fixture(scope="session")
def early_3x_pool(early_3x_wheel: Path) -> ProtoPool:
    return ProtoPool.from_wheel(early_3x_wheel, EARLY_3X)
