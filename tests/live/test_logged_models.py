"""Logged models (MLflow 3): create, read, search, finalize, tags, params, delete."""

from __future__ import annotations

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.errors import ResourceDoesNotExist
from mlflow_rest_sdk.models import LoggedModel, LoggedModelStatus


def _create(api: MlflowClient, experiment_id: str, name: str = "xgb-st042") -> str:
    created = api.create_logged_model(experiment_id=experiment_id, name=name).model
    assert created is not None and created.info is not None and created.info.model_id
    return created.info.model_id


def _get(api: MlflowClient, model_id: str) -> LoggedModel:
    found = api.get_logged_model(model_id=model_id).model
    assert found is not None and found.info is not None
    return found


def _tags(model: LoggedModel) -> dict[str | None, str | None]:
    assert model.info is not None
    return {tag.key: tag.value for tag in model.info.tags}


def _params(model: LoggedModel) -> dict[str | None, str | None]:
    assert model.data is not None
    return {param.key: param.value for param in model.data.params}


def test_created_logged_model_can_be_fetched(
    api: MlflowClient, experiment_id: str, run_id: str
) -> None:
    created = api.create_logged_model(
        experiment_id=experiment_id,
        name="xgb-st042",
        model_type="xgboost",
        source_run_id=run_id,
        params=[{"key": "max_depth", "value": "6"}],
        tags=[{"key": "station", "value": "ST-042"}],
    ).model
    assert created is not None and created.info is not None and created.info.model_id

    fetched = _get(api, created.info.model_id)

    assert fetched.info is not None
    assert fetched.info.model_id == created.info.model_id
    assert fetched.info.experiment_id == experiment_id
    assert (fetched.info.name, fetched.info.model_type) == ("xgb-st042", "xgboost")
    assert fetched.info.source_run_id == run_id
    assert fetched.info.status == LoggedModelStatus.LOGGED_MODEL_PENDING
    assert _params(fetched) == {"max_depth": "6"}
    assert _tags(fetched) == {"station": "ST-042"}


def test_search_logged_models_filters_by_name(api: MlflowClient, experiment_id: str) -> None:
    wanted = _create(api, experiment_id, name="xgb-st042")
    _create(api, experiment_id, name="linear-st042")

    found = api.search_logged_models(
        experiment_ids=[experiment_id], filter="name = 'xgb-st042'"
    ).models

    assert [model.info.model_id for model in found if model.info is not None] == [wanted]


def test_finalized_logged_model_is_ready(api: MlflowClient, experiment_id: str) -> None:
    model_id = _create(api, experiment_id)

    finalized = api.finalize_logged_model(
        model_id=model_id, status=LoggedModelStatus.LOGGED_MODEL_READY
    ).model

    assert finalized is not None and finalized.info is not None
    assert finalized.info.status == LoggedModelStatus.LOGGED_MODEL_READY
    info = _get(api, model_id).info
    assert info is not None and info.status == LoggedModelStatus.LOGGED_MODEL_READY


def test_logged_model_tags_are_set(api: MlflowClient, experiment_id: str) -> None:
    model_id = _create(api, experiment_id)

    api.set_logged_model_tags(
        model_id=model_id,
        tags=[{"key": "station", "value": "ST-042"}, {"key": "stage", "value": "candidate"}],
    )

    assert _tags(_get(api, model_id)) == {"station": "ST-042", "stage": "candidate"}


def test_deleted_logged_model_tag_is_gone(api: MlflowClient, experiment_id: str) -> None:
    model_id = _create(api, experiment_id)
    api.set_logged_model_tags(
        model_id=model_id,
        tags=[{"key": "station", "value": "ST-042"}, {"key": "keep", "value": "yes"}],
    )

    api.delete_logged_model_tag(model_id=model_id, tag_key="station")

    assert _tags(_get(api, model_id)) == {"keep": "yes"}


def test_logged_model_params_are_recorded(api: MlflowClient, experiment_id: str) -> None:
    model_id = _create(api, experiment_id)

    api.log_logged_model_params(
        model_id=model_id,
        params=[{"key": "max_depth", "value": "6"}, {"key": "eta", "value": "0.3"}],
    )

    assert _params(_get(api, model_id)) == {"max_depth": "6", "eta": "0.3"}


def test_deleted_logged_model_is_gone(api: MlflowClient, experiment_id: str) -> None:
    model_id = _create(api, experiment_id)

    api.delete_logged_model(model_id=model_id)

    with pytest.raises(ResourceDoesNotExist):
        api.get_logged_model(model_id=model_id)
