"""The OpenAPI document as committed, and a validator for values against its schemas."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
OPENAPI_PATH = ROOT / "spec" / "openapi.json"
PACKAGE_COPY = ROOT / "src" / "mlflow_rest_sdk" / "_generated" / "openapi.json"
SPEC_PATH = ROOT / "spec" / "mlflow_api.yaml"

Validator = Callable[[dict[str, Any]], Draft202012Validator]


@pytest.fixture(scope="session")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="session")
def spec_data() -> dict[str, Any]:
    """spec/mlflow_api.yaml as plain data (libyaml's loader when there is one: it is 20k lines)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: dict[str, Any] = yaml.load(SPEC_PATH.read_text(encoding="utf-8"), Loader=loader)
    return loaded


@pytest.fixture(scope="session")
def validator(document: dict[str, Any]) -> Validator:
    """A JSON Schema 2020-12 validator for a schema of the document (``$ref``s resolve into the
    document's components)."""

    def make(schema: dict[str, Any]) -> Draft202012Validator:
        return Draft202012Validator({**schema, "components": document["components"]})

    return make
