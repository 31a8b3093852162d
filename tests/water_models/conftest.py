"""Fixtures for water_models: small data, a unique station per test, managers on the live server."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from station_models_support import SMALL

from water_models import ModelManager
from water_models.data import validate_station_frame
from water_models.synthetic import generate_station_data


@pytest.fixture
def station() -> str:
    """A station id no other test uses (experiments and models outlive tests on the server)."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def station_data(station: str) -> pd.DataFrame:
    return validate_station_frame(generate_station_data(station, config=SMALL), station)


@pytest.fixture
def make_manager(tracking_uri: str, tmp_path: Path) -> Iterator[Callable[..., ModelManager]]:
    """Managers sharing one local model store; each gets its own cache unless told otherwise."""
    made: list[ModelManager] = []

    def make(
        *, uri: str | None = None, cache: str = "cache", cache_ttl: float = 0.0
    ) -> ModelManager:
        manager = ModelManager(
            uri or tracking_uri,
            models_dir=tmp_path / "models",
            cache_dir=tmp_path / cache,
            cache_ttl=cache_ttl,
        )
        made.append(manager)
        return manager

    yield make
    for manager in made:
        manager.close()
