"""What receiving webhooks loads: no client, transport or generated code, and not eagerly."""

from __future__ import annotations

from types import ModuleType

from tests._infra.imports import modules_after

import mlflow_rest_sdk.webhooks as webhooks

_VERIFY_ONE = """
import json, time
from mlflow_rest_sdk.webhooks import DeliveryFilter, ModelVersionAliasCreated, sign, verify

data = {"name": "m", "alias": "a", "version": "1"}
body = json.dumps(
    {"entity": "model_version_alias", "action": "created", "timestamp": "2026-12-04T13:06:34Z",
     "data": data}
).encode()
stamp = str(int(time.time()))
headers = {
    "X-MLflow-Delivery-Id": "d", "X-MLflow-Timestamp": stamp,
    "X-MLflow-Signature": sign("s", "d", stamp, body),
}
event = verify("s", headers, body, deliveries=DeliveryFilter())
assert isinstance(event, ModelVersionAliasCreated)
"""
_CLIENT_STACK = {
    "httpx",
    "httpcore",
    "tenacity",
    "aiohttp",
    "mlflow",
    "mlflow_rest_sdk.client",
    "mlflow_rest_sdk._generated.sync_client",
}


def test_importing_the_sdk_does_not_import_webhooks() -> None:
    loaded = modules_after("import mlflow_rest_sdk")

    assert not {name for name in loaded if name.startswith("mlflow_rest_sdk.webhooks")}


def test_verifying_a_delivery_loads_no_client_stack_and_no_generated_models() -> None:
    loaded = modules_after(_VERIFY_ONE)

    assert "pydantic" in loaded  # the typed event was built
    assert loaded & _CLIENT_STACK == set()
    # The package's own __init__ reads the MLflow version from _generated; nothing below it.
    assert {
        name
        for name in loaded
        if name.startswith(("mlflow_rest_sdk._generated.", "mlflow_rest_sdk._runtime"))
    } == set()


def test_the_filter_and_sign_alone_do_not_load_pydantic() -> None:
    loaded = modules_after("from mlflow_rest_sdk.webhooks import DeliveryFilter, sign")

    assert "pydantic" not in loaded


def test_every_public_name_resolves_to_what_it_names() -> None:
    for name in webhooks.__all__:
        value = getattr(webhooks, name)
        assert not isinstance(value, ModuleType), name
    assert set(webhooks.__all__) <= set(dir(webhooks))
