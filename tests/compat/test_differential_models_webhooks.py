"""Logged models and webhooks, differentially: created, read, searched, tagged, finalized and
deleted through MLflow's client and the compat client, with the same returns."""

from __future__ import annotations

from pathlib import Path

from .sides import Side, assert_same_results, run_both

#: Nothing listens here: a test delivery fails, the same way for both clients.
DEAD_RECEIVER = "http://127.0.0.1:9/hook"


def logged_model_scenario(side: Side, inputs: Path) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    experiment_id = side.new_experiment()
    run_id = alias(client.create_run(experiment_id, run_name="fit").info.run_id, "run")
    model = record(
        "create_logged_model",
        client.create_logged_model(
            experiment_id, "xgb", run_id, {"station": "s1"}, {"depth": "6"}, "regressor"
        ),
    )
    model_id = alias(model.model_id, "model")
    many = {f"p{number}": str(number) for number in range(130)}
    other = client.create_logged_model(experiment_id, "big", params=many)
    alias(other.model_id, "other")
    record("create_logged_model, over 100 params", len(other.params))
    record("get_logged_model", client.get_logged_model(model_id))
    record("set_logged_model_tags", client.set_logged_model_tags(model_id, {"a": 1, "b": "x"}))
    record("delete_logged_model_tag", client.delete_logged_model_tag(model_id, "b"))
    record("log_model_params", client.log_model_params(model_id, {"eta": "0.3"}))
    record("log_model_artifact", client.log_model_artifact(model_id, str(inputs / "m.json")))
    record("log_model_artifacts", client.log_model_artifacts(model_id, str(inputs), "files"))
    record("list_logged_model_artifacts", client.list_logged_model_artifacts(model_id))
    record(
        "list_logged_model_artifacts, a folder",
        client.list_logged_model_artifacts(model_id, "files"),
    )
    record("finalize_logged_model", client.finalize_logged_model(model_id, "READY"))
    record(
        "search_logged_models",
        client.search_logged_models(
            [experiment_id], order_by=[{"field_name": "name", "ascending": True}]
        ),
    )
    record(
        "search_logged_models, filter",
        client.search_logged_models([experiment_id], filter_string="name = 'xgb'"),
    )
    page = record(
        "search_logged_models, a page", client.search_logged_models([experiment_id], max_results=1)
    )
    record("token given", page.token is not None)
    record("delete_logged_model", client.delete_logged_model(other.model_id))
    record("search_logged_models, after delete", client.search_logged_models([experiment_id]))


def test_logged_models(sides: dict[str, Side], tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text('{"trees": 3}')
    run_both(sides, lambda side: logged_model_scenario(side, tmp_path))

    assert_same_results(sides)


def webhook_scenario(side: Side) -> None:
    client, record, alias = side.client, side.recorder.record, side.recorder.alias
    name = alias(side.name("hook"), "hook")
    hook = record(
        "create_webhook",
        client.create_webhook(
            name,
            DEAD_RECEIVER,
            ["model_version.created", side.entities.WebhookEvent("registered_model", "created")],
            "for tests",
            "s3cr3t",
        ),
    )
    webhook_id = alias(hook.webhook_id, "hook-id")
    record("get_webhook", client.get_webhook(webhook_id))
    record(
        "update_webhook",
        client.update_webhook(
            webhook_id, description="changed", events=["model_version_alias.created"]
        ),
    )
    record("update_webhook, status", client.update_webhook(webhook_id, status="DISABLED"))
    listed = client.list_webhooks(max_results=100)
    record("list_webhooks holds it", [item for item in listed if item.webhook_id == webhook_id])
    result = client.test_webhook(webhook_id)
    record("test_webhook", (result.success, result.response_status))
    record("delete_webhook", client.delete_webhook(webhook_id))


def test_webhooks(sides: dict[str, Side]) -> None:
    run_both(sides, webhook_scenario)

    assert_same_results(sides)
