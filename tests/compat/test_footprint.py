"""The compat layer stays light: importing it, its entities or its client never imports
``mlflow`` (nor numpy, matplotlib or PIL, which only the image and figure calls need)."""

from __future__ import annotations

from tests._infra.imports import modules_after

#: What moved-over code must not pay for by importing the compat layer.
HEAVY = {"mlflow", "numpy", "matplotlib", "PIL", "yaml", "pandas"}


def _top_level(modules: set[str]) -> set[str]:
    return {module.partition(".")[0] for module in modules}


def test_importing_the_package_loads_no_mlflow_no_client_and_no_http_library() -> None:
    loaded = modules_after("import mlflow_rest_sdk.compat")

    assert (HEAVY | {"httpx", "pydantic", "tenacity"}) & _top_level(loaded) == set()
    assert "mlflow_rest_sdk.client" not in loaded


def test_importing_the_entities_loads_neither_mlflow_nor_pydantic() -> None:
    loaded = modules_after("import mlflow_rest_sdk.compat.entities")

    assert (HEAVY | {"pydantic", "httpx"}) & _top_level(loaded) == set()


def test_building_both_clients_loads_no_mlflow() -> None:
    loaded = modules_after(
        "from mlflow_rest_sdk.compat import AsyncMlflowClient, MlflowClient\n"
        "MlflowClient('http://127.0.0.1:1').close()\n"
        "AsyncMlflowClient('http://127.0.0.1:1')"
    )

    assert HEAVY & _top_level(loaded) == set()
