"""Model versions: create, read, search, update, tags, download URI, stages, delete, latest."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk._runtime.recovery import IDEMPOTENCY_TAG
from mlflow_rest_sdk.errors import ResourceDoesNotExist
from mlflow_rest_sdk.models import ModelVersion, ModelVersionStatus, Run


def _get(api: MlflowClient, name: str, version: str) -> ModelVersion:
    found = api.get_model_version(name=name, version=version).model_version
    assert found is not None
    return found


def _key(model_version: ModelVersion) -> tuple[str, str]:
    assert model_version.name is not None and model_version.version is not None
    return model_version.name, model_version.version


def _tags(model_version: ModelVersion) -> dict[str | None, str | None]:
    """The version's tags, less the SDK's own idempotency tag (see docs/configuration.md)."""
    return {tag.key: tag.value for tag in model_version.tags if tag.key != IDEMPOTENCY_TAG}


def _new_version(api: MlflowClient, name: str, run: Run) -> str:
    assert run.info is not None
    created = api.create_model_version(
        name=name, source=f"{run.info.artifact_uri}/model", run_id=run.info.run_id
    ).model_version
    assert created is not None and created.version is not None
    return created.version


def test_created_model_version_records_its_source_and_run(
    api: MlflowClient, registered_model_name: str, run: Run
) -> None:
    assert run.info is not None
    source = f"{run.info.artifact_uri}/model"

    created = api.create_model_version(
        name=registered_model_name,
        source=source,
        run_id=run.info.run_id,
        description="first cut",
        tags=[{"key": "station", "value": "ST-042"}],
    ).model_version

    assert created is not None
    assert (created.name, created.version) == (registered_model_name, "1")
    assert (created.source, created.run_id) == (source, run.info.run_id)
    assert created.description == "first cut"
    assert _tags(created) == {"station": "ST-042"}


def test_model_version_can_be_fetched(api: MlflowClient, model_version: ModelVersion) -> None:
    fetched = _get(api, *_key(model_version))

    assert _key(fetched) == _key(model_version)
    assert fetched.source == model_version.source
    assert fetched.run_id == model_version.run_id
    assert fetched.status == ModelVersionStatus.READY
    assert fetched.current_stage == "None"


def test_search_model_versions_filters_by_model_name(
    api: MlflowClient, registered_model_name: str, run: Run, unique_name: Callable[[str], str]
) -> None:
    other_model = unique_name("model")
    api.create_registered_model(name=other_model)
    _new_version(api, other_model, run)
    _new_version(api, registered_model_name, run)
    _new_version(api, registered_model_name, run)

    found = api.search_model_versions(filter=f"name = '{registered_model_name}'").model_versions

    assert sorted(_key(mv) for mv in found) == [
        (registered_model_name, "1"),
        (registered_model_name, "2"),
    ]


def test_update_model_version_changes_its_description(
    api: MlflowClient, model_version: ModelVersion
) -> None:
    name, version = _key(model_version)

    updated = api.update_model_version(
        name=name, version=version, description="validated on 2024 data"
    ).model_version

    assert updated is not None and updated.description == "validated on 2024 data"
    assert _get(api, name, version).description == "validated on 2024 data"


def test_model_version_tag_is_set(api: MlflowClient, model_version: ModelVersion) -> None:
    name, version = _key(model_version)

    api.set_model_version_tag(name=name, version=version, key="validated", value="true")

    assert _tags(_get(api, name, version)) == {"validated": "true"}


def test_deleted_model_version_tag_is_gone(api: MlflowClient, model_version: ModelVersion) -> None:
    name, version = _key(model_version)
    api.set_model_version_tag(name=name, version=version, key="validated", value="true")
    api.set_model_version_tag(name=name, version=version, key="keep", value="yes")

    api.delete_model_version_tag(name=name, version=version, key="validated")

    assert _tags(_get(api, name, version)) == {"keep": "yes"}


def test_download_uri_is_the_versions_source(
    api: MlflowClient, model_version: ModelVersion
) -> None:
    name, version = _key(model_version)

    answer = api.get_model_version_download_uri(name=name, version=version)

    assert answer.artifact_uri == model_version.source


def test_transition_stage_moves_the_version_to_the_new_stage(
    api: MlflowClient, model_version: ModelVersion
) -> None:
    name, version = _key(model_version)

    moved = api.transition_model_version_stage(
        name=name, version=version, stage="Staging", archive_existing_versions=False
    ).model_version

    assert moved is not None and moved.current_stage == "Staging"
    assert _get(api, name, version).current_stage == "Staging"


def test_deleted_model_version_is_gone(api: MlflowClient, model_version: ModelVersion) -> None:
    name, version = _key(model_version)

    api.delete_model_version(name=name, version=version)

    with pytest.raises(ResourceDoesNotExist):
        api.get_model_version(name=name, version=version)


def test_get_latest_versions_returns_the_newest_version_of_each_stage(
    api: MlflowClient, registered_model_name: str, run: Run
) -> None:
    first = _new_version(api, registered_model_name, run)
    second = _new_version(api, registered_model_name, run)
    third = _new_version(api, registered_model_name, run)
    for version in (first, second):
        api.transition_model_version_stage(
            name=registered_model_name,
            version=version,
            stage="Production",
            archive_existing_versions=False,
        )

    production = api.get_latest_versions(name=registered_model_name, stages=["Production"])
    every_stage = api.get_latest_versions(name=registered_model_name)

    assert [mv.version for mv in production.model_versions] == [second]
    assert sorted((mv.current_stage, mv.version) for mv in every_stage.model_versions) == [
        ("None", third),
        ("Production", second),
    ]


def test_a_created_model_version_carries_the_sdks_idempotency_tag(
    api: MlflowClient, model_version: ModelVersion
) -> None:
    keys = [tag.key for tag in model_version.tags]
    assert IDEMPOTENCY_TAG in keys
