"""What importing the SDK loads: structural checks in fresh interpreters, never timings.

The package, its models and its clients import their parts on first use, so that
``import mlflow_rest_sdk`` stays cheap and one call loads only the models it needs.
"""

from __future__ import annotations

import pickle
from types import ModuleType

import pytest
from tests._infra.imports import json_report, modules_after

import mlflow_rest_sdk
from mlflow_rest_sdk import models
from mlflow_rest_sdk._generated import models as generated_models

MODELS_PACKAGE = "mlflow_rest_sdk._generated.models"

_FAKE_TRANSPORT = """
from mlflow_rest_sdk._runtime.transport import HttpResponse

class Answer:
    def send(self, request):
        return HttpResponse(200, {}, b'{"experiment": {"experiment_id": "1", "name": "x"}}')

    def close(self):
        pass
"""


def _models_modules(loaded: set[str]) -> set[str]:
    return {name for name in loaded if name.startswith(f"{MODELS_PACKAGE}.")}


def test_importing_the_package_loads_no_models_clients_or_third_party_stack() -> None:
    loaded = modules_after("import mlflow_rest_sdk")
    assert _models_modules(loaded) == set()
    unwanted = {
        "mlflow_rest_sdk._generated.sync_client",
        "mlflow_rest_sdk._generated.async_client",
        "mlflow_rest_sdk.client",
        "pydantic",
        "httpx",
        "tenacity",
        "aiohttp",
        "mlflow",
    }
    assert loaded & unwanted == set()


def test_importing_the_clients_loads_neither_mlflow_nor_aiohttp_nor_unrelated_models() -> None:
    loaded = modules_after("from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient")
    assert {"mlflow", "aiohttp"} & loaded == set()
    unrelated = {f"{MODELS_PACKAGE}.{name}" for name in ("gateway", "traces", "experiments")}
    assert _models_modules(loaded) & unrelated == set()


def test_importing_the_clients_loads_no_http_library_and_no_retry_library() -> None:
    """httpx is loaded by the default transport, tenacity by the first call that is retried."""
    loaded = modules_after("from mlflow_rest_sdk import AsyncMlflowClient, MlflowClient")
    assert {"httpx", "httpcore", "tenacity"} & loaded == set()


def test_a_call_that_succeeds_at_once_needs_neither_httpx_nor_tenacity() -> None:
    code = f"""
{_FAKE_TRANSPORT}
from mlflow_rest_sdk import MlflowClient

client = MlflowClient("http://127.0.0.1:1", transport=Answer())
assert client.get_experiment(experiment_id="1").experiment.name == "x"
"""
    loaded = modules_after(code)
    assert {"httpx", "tenacity"} & loaded == set()


def test_importing_the_aiohttp_transport_loads_neither_httpx_nor_httpcore() -> None:
    loaded = modules_after("import mlflow_rest_sdk._runtime.aiohttp_transport")
    assert "aiohttp" in loaded
    assert {"httpx", "httpcore"} & loaded == set()


def test_redact_url_lives_in_the_http_free_urls_module() -> None:
    from mlflow_rest_sdk._runtime import urls

    assert urls.redact_url("https://u:p@host:9000/a/b?sig=secret#f") == "https://host:9000/a/b"


def test_a_first_call_loads_only_the_models_modules_of_its_resource() -> None:
    code = f"""
{_FAKE_TRANSPORT}
from mlflow_rest_sdk import MlflowClient

client = MlflowClient("http://127.0.0.1:1", transport=Answer())
before = {{m for m in sys.modules if m.startswith("{MODELS_PACKAGE}.")}}
assert client.get_experiment(experiment_id="1").experiment.name == "x"
after = {{m for m in sys.modules if m.startswith("{MODELS_PACKAGE}.")}}
print(json.dumps({{"before": sorted(before), "new": sorted(after - before)}}))
"""
    report = json_report(code)
    needed = {f"{MODELS_PACKAGE}.experiments", f"{MODELS_PACKAGE}.common"}
    assert set(report["new"]) == needed - set(report["before"])


def test_every_public_model_name_resolves_and_is_listed() -> None:
    assert models.__all__ == generated_models.__all__
    for name in models.__all__:
        value = getattr(models, name)
        if isinstance(value, type):  # the lenient enum aliases are Annotated[...] forms
            assert value.__name__ == name
    assert set(models.__all__) <= set(dir(models))


def test_every_top_level_name_resolves_and_is_listed() -> None:
    for name in mlflow_rest_sdk.__all__:
        assert getattr(mlflow_rest_sdk, name) is not None
    assert set(mlflow_rest_sdk.__all__) <= set(dir(mlflow_rest_sdk))


@pytest.mark.parametrize("module", [mlflow_rest_sdk, models, generated_models])
def test_an_unknown_name_raises_attribute_error(module: ModuleType) -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        _ = module.NoSuchThing


def test_models_from_lazily_imported_modules_pickle_and_compare_equal() -> None:
    run = models.Run.model_validate(
        {"info": {"run_id": "r1", "status": "FINISHED"}, "data": {"tags": [{"key": "k"}]}}
    )
    copy = pickle.loads(pickle.dumps(run))
    assert copy == run
    assert type(copy) is models.Run
    assert copy.info is not None and copy.info.status is models.RunStatus.FINISHED


def test_pickles_naming_the_flat_models_module_still_load() -> None:
    run = models.Run.model_validate({"info": {"run_id": "r1"}})
    data = pickle.dumps(run, protocol=2)  # names classes as text lines: "c<module>\n<name>\n"
    old_style = data.replace(f"{MODELS_PACKAGE}.runs\n".encode(), f"{MODELS_PACKAGE}\n".encode())
    assert old_style != data
    assert pickle.loads(old_style) == run
