"""Registered models: create, read, search, rename, update, tags, aliases, delete."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.errors import InvalidParameterValue, ResourceDoesNotExist
from mlflow_rest_sdk.models import ModelVersion, RegisteredModel


def _get(api: MlflowClient, name: str) -> RegisteredModel:
    model = api.get_registered_model(name=name).registered_model
    assert model is not None
    return model


def _tags(model: RegisteredModel) -> dict[str | None, str | None]:
    return {tag.key: tag.value for tag in model.tags}


def test_created_registered_model_can_be_fetched(
    api: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("model")

    created = api.create_registered_model(
        name=name, description="XGBoost per station", tags=[{"key": "kind", "value": "xgb"}]
    ).registered_model

    assert created is not None and created.name == name
    fetched = _get(api, name)
    assert (fetched.name, fetched.description) == (name, "XGBoost per station")
    assert _tags(fetched) == {"kind": "xgb"}
    assert fetched.latest_versions == []


def test_search_registered_models_filters_by_name(
    api: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    wanted, other = unique_name("model"), unique_name("model")
    api.create_registered_model(name=wanted)
    api.create_registered_model(name=other)

    found = api.search_registered_models(filter=f"name = '{wanted}'").registered_models

    assert [model.name for model in found] == [wanted]


def test_renamed_registered_model_answers_under_its_new_name_only(
    api: MlflowClient, registered_model_name: str, unique_name: Callable[[str], str]
) -> None:
    new_name = unique_name("renamed")

    renamed = api.rename_registered_model(
        name=registered_model_name, new_name=new_name
    ).registered_model

    assert renamed is not None and renamed.name == new_name
    assert _get(api, new_name).name == new_name
    with pytest.raises(ResourceDoesNotExist):
        api.get_registered_model(name=registered_model_name)


def test_update_registered_model_changes_its_description(
    api: MlflowClient, registered_model_name: str
) -> None:
    updated = api.update_registered_model(
        name=registered_model_name, description="retrained weekly"
    ).registered_model

    assert updated is not None and updated.description == "retrained weekly"
    assert _get(api, registered_model_name).description == "retrained weekly"


def test_registered_model_tag_is_set(api: MlflowClient, registered_model_name: str) -> None:
    api.set_registered_model_tag(name=registered_model_name, key="owner", value="water-team")

    assert _tags(_get(api, registered_model_name)) == {"owner": "water-team"}


def test_deleted_registered_model_tag_is_gone(
    api: MlflowClient, registered_model_name: str
) -> None:
    api.set_registered_model_tag(name=registered_model_name, key="owner", value="water-team")
    api.set_registered_model_tag(name=registered_model_name, key="keep", value="yes")

    api.delete_registered_model_tag(name=registered_model_name, key="owner")

    assert _tags(_get(api, registered_model_name)) == {"keep": "yes"}


def test_alias_resolves_to_its_model_version(
    api: MlflowClient, model_version: ModelVersion
) -> None:
    assert model_version.name is not None and model_version.version is not None

    api.set_registered_model_alias(
        name=model_version.name, alias="champion", version=model_version.version
    )

    resolved = api.get_model_version_by_alias(name=model_version.name, alias="champion")
    assert resolved.model_version is not None
    assert resolved.model_version.version == model_version.version
    assert resolved.model_version.aliases == ["champion"]
    aliases = _get(api, model_version.name).aliases
    assert [(a.alias, a.version) for a in aliases] == [("champion", model_version.version)]


def test_deleted_alias_no_longer_resolves(api: MlflowClient, model_version: ModelVersion) -> None:
    assert model_version.name is not None and model_version.version is not None
    api.set_registered_model_alias(
        name=model_version.name, alias="champion", version=model_version.version
    )

    api.delete_registered_model_alias(name=model_version.name, alias="champion")

    # MLflow 3.17.2 answers an unknown alias with 400 INVALID_PARAMETER_VALUE, not a 404.
    with pytest.raises(InvalidParameterValue) as raised:
        api.get_model_version_by_alias(name=model_version.name, alias="champion")
    assert raised.value.status_code == 400
    assert _get(api, model_version.name).aliases == []


def test_deleted_registered_model_is_gone(api: MlflowClient, registered_model_name: str) -> None:
    api.delete_registered_model(name=registered_model_name)

    with pytest.raises(ResourceDoesNotExist):
        api.get_registered_model(name=registered_model_name)
