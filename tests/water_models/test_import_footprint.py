"""What importing water_models loads: structural checks in fresh interpreters, never timings.

``import water_models`` resolves its public names on first access, and the modules behind
``ModelManager`` import pandas, numpy, xgboost and matplotlib only in the methods that use them,
so a process that only loads models (or only asks for ``--help``) does not pay for training.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests._infra.imports import json_report, modules_after

import water_models

HEAVY = frozenset(
    {"pandas", "numpy", "xgboost", "matplotlib", "sklearn", "scipy", "joblib", "dask"}
)
SDK_CLIENT_STACK = frozenset(
    {"httpx", "tenacity", "mlflow_rest_sdk.client", "mlflow_rest_sdk._generated.sync_client"}
)


def test_importing_the_package_loads_no_heavy_library_and_no_sdk_client() -> None:
    loaded = modules_after("import water_models")
    assert loaded & (HEAVY | SDK_CLIENT_STACK | {"pydantic", "mlflow"}) == set()
    assert {m for m in loaded if m.startswith("water_models.")} == set()


def test_importing_the_manager_loads_no_heavy_library_and_no_sdk_client() -> None:
    loaded = modules_after("from water_models import ModelManager")
    assert loaded & (HEAVY | SDK_CLIENT_STACK | {"mlflow"}) == set()


def test_the_cli_parser_loads_no_heavy_library_and_no_sdk() -> None:
    loaded = modules_after("from water_models.cli import build_parser; build_parser()")
    assert loaded & (HEAVY | SDK_CLIENT_STACK | {"pydantic", "water_models.manager"}) == set()


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in water_models.__all__:
        value = getattr(water_models, name)
        assert isinstance(value, type) and value.__name__ == name
    assert set(water_models.__all__) <= set(dir(water_models))


def test_an_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'water_models' has no attribute 'NoSuch'"):
        _ = water_models.NoSuch  # type: ignore[attr-defined]


def test_submodules_still_import_through_the_package() -> None:
    from water_models import naming

    assert naming.normalize_station_id(7) == "7"


def test_training_and_loading_load_what_they_need_on_first_use(tmp_path: Path) -> None:
    """Constructing a manager loads nothing heavy; training and loading still work."""
    code = f"""
from pathlib import Path
from water_models import ModelManager

heavy = {sorted(HEAVY)!r}
root = Path({str(tmp_path)!r})
manager = ModelManager("http://127.0.0.1:1", models_dir=root / "models", cache_dir=root / "cache")
before = sorted(m for m in heavy if m in sys.modules)

from water_models.synthetic import SyntheticConfig, generate_station_data

data = generate_station_data("7", config=SyntheticConfig(days=30))
result = manager.train("7", "xgboost", data, params={{"n_estimators": 5, "max_depth": 2}})
loaded = manager.load_local_model("7", "xgboost")
assert loaded is not None and loaded.source == "local"
assert loaded.model.to_bytes() == result.model.to_bytes()
forecast = loaded.forecast(data)
manager.close()
after = sorted(m for m in heavy if m in sys.modules)
print(json.dumps({{"before": before, "after": after, "rows": len(forecast)}}))
"""
    report = json_report(code)
    assert report["before"] == []
    assert {"pandas", "numpy", "xgboost"} <= set(report["after"])
    assert report["rows"] > 0
