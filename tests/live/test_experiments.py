"""Experiments: create, read, search, rename, delete, restore and tag, on every transport."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk.errors import ResourceDoesNotExist
from mlflow_rest_sdk.models import Experiment, ViewType


def _get(api: MlflowClient, experiment_id: str) -> Experiment:
    experiment = api.get_experiment(experiment_id=experiment_id).experiment
    assert experiment is not None
    return experiment


def _tags(experiment: Experiment) -> dict[str | None, str | None]:
    return {tag.key: tag.value for tag in experiment.tags}


def test_created_experiment_can_be_fetched_by_id(
    api: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("exp")

    experiment_id = api.create_experiment(
        name=name, tags=[{"key": "team", "value": "water"}]
    ).experiment_id

    assert experiment_id
    experiment = _get(api, experiment_id)
    assert experiment.experiment_id == experiment_id
    assert experiment.name == name
    assert experiment.lifecycle_stage == "active"
    assert _tags(experiment)["team"] == "water"


def test_experiment_can_be_fetched_by_name(api: MlflowClient, experiment_id: str) -> None:
    name = _get(api, experiment_id).name
    assert name is not None

    found = api.get_experiment_by_name(experiment_name=name).experiment

    assert found is not None
    assert found.experiment_id == experiment_id


def test_search_experiments_filters_by_name(
    api: MlflowClient, unique_name: Callable[[str], str]
) -> None:
    wanted, other = unique_name("exp"), unique_name("exp")
    wanted_id = api.create_experiment(name=wanted).experiment_id
    api.create_experiment(name=other)

    found = api.search_experiments(filter=f"name = '{wanted}'", max_results=10).experiments

    assert [(e.experiment_id, e.name) for e in found] == [(wanted_id, wanted)]


def test_search_experiments_without_max_results_returns_matches(
    api: MlflowClient, experiment_id: str
) -> None:
    # MLflow's protos give SearchExperiments.max_results no default and the server rejects the
    # resulting 0 (400 INVALID_PARAMETER_VALUE), so the SDK must send a default page size itself,
    # as every other search endpoint has one (SearchRuns: 1000).
    name = _get(api, experiment_id).name

    found = api.search_experiments(filter=f"name = '{name}'").experiments

    assert [experiment.experiment_id for experiment in found] == [experiment_id]


def test_renamed_experiment_is_found_under_its_new_name_only(
    api: MlflowClient, experiment_id: str, unique_name: Callable[[str], str]
) -> None:
    old_name = _get(api, experiment_id).name
    assert old_name is not None
    new_name = unique_name("renamed")

    api.update_experiment(experiment_id=experiment_id, new_name=new_name)

    renamed = api.get_experiment_by_name(experiment_name=new_name).experiment
    assert renamed is not None
    assert renamed.experiment_id == experiment_id
    with pytest.raises(ResourceDoesNotExist):
        api.get_experiment_by_name(experiment_name=old_name)


def test_deleted_experiment_is_marked_deleted_and_left_out_of_active_search(
    api: MlflowClient, experiment_id: str
) -> None:
    name = _get(api, experiment_id).name

    api.delete_experiment(experiment_id=experiment_id)

    assert _get(api, experiment_id).lifecycle_stage == "deleted"
    active = api.search_experiments(
        filter=f"name = '{name}'", view_type=ViewType.ACTIVE_ONLY, max_results=10
    )
    deleted = api.search_experiments(
        filter=f"name = '{name}'", view_type=ViewType.DELETED_ONLY, max_results=10
    )
    assert active.experiments == []
    assert [e.experiment_id for e in deleted.experiments] == [experiment_id]


def test_deleted_experiment_can_be_restored(api: MlflowClient, experiment_id: str) -> None:
    api.delete_experiment(experiment_id=experiment_id)

    api.restore_experiment(experiment_id=experiment_id)

    assert _get(api, experiment_id).lifecycle_stage == "active"


def test_experiment_tag_is_set(api: MlflowClient, experiment_id: str) -> None:
    api.set_experiment_tag(experiment_id=experiment_id, key="station", value="ST-042")

    assert _tags(_get(api, experiment_id))["station"] == "ST-042"


def test_deleted_experiment_tag_is_gone(api: MlflowClient, experiment_id: str) -> None:
    api.set_experiment_tag(experiment_id=experiment_id, key="station", value="ST-042")
    api.set_experiment_tag(experiment_id=experiment_id, key="keep", value="yes")

    api.delete_experiment_tag(experiment_id=experiment_id, key="station")

    tags = _tags(_get(api, experiment_id))
    assert "station" not in tags
    assert tags["keep"] == "yes"
