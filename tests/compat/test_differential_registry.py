"""The model registry, differentially: registered models, versions, tags, aliases, stages,
searches and copies through MLflow's client and the compat client; the same returns, and the
same registry afterwards."""

from __future__ import annotations

from collections.abc import Callable

import mlflow
import pytest

import mlflow_rest_sdk.compat
from mlflow_rest_sdk.compat import MlflowException

from .sides import Side, assert_same_results, run_both


def registry_state(reader: mlflow.MlflowClient, side: Side, names: list[str]) -> object:
    """What the server holds for the side's registered models, read by MLflow's client."""
    state = []
    for name in names:
        found = reader.search_registered_models(filter_string=f"name = '{name}'")
        versions = reader.search_model_versions(f"name = '{name}'", order_by=["version_number"])
        state.append({"models": found, "versions": versions})
    return side.recorder.plain(state)


def registry_lifecycle(side: Side) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    experiment_id = side.new_experiment()
    run = client.create_run(experiment_id, run_name="train")
    run_id = alias(run.info.run_id, "run")
    source = f"{run.info.artifact_uri}/model"
    name = alias(side.name("model"), "model")
    record(
        "create_registered_model",
        client.create_registered_model(name, {"team": "water"}, "station models"),
    )
    record(
        "create_model_version",
        client.create_model_version(name, source, run_id, {"fit": "1"}, description="first"),
    )
    record("create_model_version, positional", client.create_model_version(name, source, run_id))
    record("get_model_version", client.get_model_version(name, "1"))
    record("update_model_version", client.update_model_version(name, "1", "better"))
    record("set_model_version_tag", client.set_model_version_tag(name, "1", "checked", 1))
    record("set_model_version_tag, kept", client.set_model_version_tag(name, "2", "gone", "x"))
    record("delete_model_version_tag", client.delete_model_version_tag(name, "2", "gone"))
    record("set_registered_model_alias", client.set_registered_model_alias(name, "champion", "1"))
    record("set_registered_model_alias, int", client.set_registered_model_alias(name, "next", 2))
    record("get_model_version_by_alias", client.get_model_version_by_alias(name, "champion"))
    record("get_registered_model", client.get_registered_model(name))
    record("set_registered_model_tag", client.set_registered_model_tag(name, "tier", 2))
    record("delete_registered_model_tag", client.delete_registered_model_tag(name, "team"))
    record("update_registered_model", client.update_registered_model(name, "updated"))
    with pytest.warns(FutureWarning) if side.label == "mlflow" else _nothing():
        record(
            "transition_model_version_stage",
            client.transition_model_version_stage(name, "2", "Staging"),
        )
        record("get_latest_versions", client.get_latest_versions(name, ["Staging"]))
        record("get_latest_versions, all stages", client.get_latest_versions(name))
        record("get_model_version_stages", client.get_model_version_stages(name, "1"))
    with pytest.warns(FutureWarning) if side.label == "mlflow" else _nothing():
        record(
            "set_model_version_tag by stage",
            client.set_model_version_tag(name, key="staged", value="yes", stage="Staging"),
        )
    record("get_model_version_download_uri", client.get_model_version_download_uri(name, "1"))
    record("search_registered_models", client.search_registered_models(f"name = '{name}'"))
    record(
        "search_model_versions",
        client.search_model_versions(f"name = '{name}'", order_by=["version_number DESC"]),
    )
    first = record(
        "search_model_versions, a page",
        client.search_model_versions(f"name = '{name}'", 1, ["version_number"]),
    )
    record(
        "search_model_versions, next page",
        client.search_model_versions(f"name = '{name}'", 1, ["version_number"], first.token),
    )
    copy = alias(side.name("copy"), "copy")
    record(
        "copy_model_version, by alias", client.copy_model_version(f"models:/{name}@champion", copy)
    )
    record("copy_model_version, by number", client.copy_model_version(f"models:/{name}/2", copy))
    renamed = alias(side.name("renamed"), "renamed")
    # Not recorded: MLflow's client returns None despite its annotation; the compat client
    # returns the renamed model (test_rename_returns_the_renamed_model).
    client.rename_registered_model(name, renamed)
    record("delete_registered_model_alias", client.delete_registered_model_alias(renamed, "next"))
    record("delete_model_version", client.delete_model_version(renamed, "2"))
    record("get_registered_model, after", client.get_registered_model(renamed))
    record("delete_registered_model", client.delete_registered_model(copy))
    record("search_registered_models, deleted", client.search_registered_models(f"name = '{copy}'"))


class _nothing:
    """A context manager that checks nothing: the compat client warns of no deprecations."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_registry_lifecycle(sides: dict[str, Side], mlflow_client: mlflow.MlflowClient) -> None:
    run_both(sides, registry_lifecycle)

    assert_same_results(sides)
    names = {label: [side.name("renamed"), side.name("copy")] for label, side in sides.items()}
    assert registry_state(mlflow_client, sides["compat"], names["compat"]) == registry_state(
        mlflow_client, sides["mlflow"], names["mlflow"]
    )


def test_rename_returns_the_renamed_model(
    compat_client: mlflow_rest_sdk.compat.MlflowClient, unique_name: Callable[[str], str]
) -> None:
    name = unique_name("rename")
    compat_client.create_registered_model(name, {"team": "water"})

    renamed = compat_client.rename_registered_model(name, f"{name}-new")

    assert (renamed.name, renamed.tags) == (f"{name}-new", {"team": "water"})


def test_update_model_version_without_a_description_is_refused(
    compat_client: mlflow_rest_sdk.compat.MlflowClient,
) -> None:
    with pytest.raises(MlflowException, match="no new field values"):
        compat_client.update_model_version("any", "1")
