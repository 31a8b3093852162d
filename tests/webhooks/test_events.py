"""The typed events: every type MLflow sends parses to its class, unknown types stay readable,
and the set of types and their fields is the installed MLflow's (so an upgrade shows up here)."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from tests._infra.imports import json_report

from mlflow_rest_sdk.webhooks import (
    EVENT_TYPES,
    EventBase,
    ModelVersionAliasCreated,
    ModelVersionAliasDeleted,
    ModelVersionCreated,
    PayloadData,
    PromptVersionCreated,
    Reason,
    RegisteredModelCreated,
    UnknownEvent,
    WebhookVerificationError,
    parse_event,
    verify,
)

from ._support import NOW, SECRET, Delivery, mlflow_body

#: One data object per event type, in the shapes the server's handlers build.
DATA: dict[str, dict[str, Any]] = {
    "registered_model.created": {"name": "m", "tags": {"team": "water"}, "description": ""},
    "model_version.created": {
        "name": "m",
        "version": "3",
        "source": "mlflow-artifacts:/1/abc/artifacts/model",
        "run_id": "abc",
        "tags": {},
        "description": None,
    },
    "model_version_tag.set": {"name": "m", "version": "3", "key": "validated", "value": "yes"},
    "model_version_tag.deleted": {"name": "m", "version": "3", "key": "validated"},
    "model_version_alias.created": {"name": "m", "alias": "champion", "version": "3"},
    "model_version_alias.deleted": {"name": "m", "alias": "champion"},
    "prompt.created": {"name": "p", "tags": {}, "description": "greeting"},
    "prompt_version.created": {
        "name": "p",
        "version": "1",
        "template": "Hello {{name}}",
        "tags": {},
        "description": None,
    },
    "prompt_tag.set": {"name": "p", "key": "k", "value": "v"},
    "prompt_tag.deleted": {"name": "p", "key": "k"},
    "prompt_version_tag.set": {"name": "p", "version": "1", "key": "k", "value": "v"},
    "prompt_version_tag.deleted": {"name": "p", "version": "1", "key": "k"},
    "prompt_alias.created": {"name": "p", "alias": "prod", "version": "1"},
    "prompt_alias.deleted": {"name": "p", "alias": "prod"},
    "budget_policy.exceeded": {
        "budget_policy_id": "bp-1",
        "budget_unit": "USD",
        "budget_amount": 100.0,
        "current_spend": 100.5,
        "duration_unit": "DAYS",
        "duration_value": 1,
        "target_scope": "WORKSPACE",
        "workspace": "default",
        "target_value": None,
        "window_start": 1_796_000_000_000,
    },
}


def _parse(body: bytes) -> Any:
    return parse_event(body, delivery_id="d-1", signed_at=int(NOW))


def test_every_event_type_has_sample_data() -> None:
    assert set(DATA) == set(EVENT_TYPES)


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_each_event_type_parses_to_its_own_class(event_type: str) -> None:
    entity, _, action = event_type.partition(".")

    event = _parse(mlflow_body(entity, action, DATA[event_type]))

    assert type(event) is EVENT_TYPES[event_type]
    assert (event.entity, event.action, event.event_type) == (entity, action, event_type)
    assert event.data.model_dump() == DATA[event_type]
    assert (event.delivery_id, event.signed_at.timestamp()) == ("d-1", NOW)
    assert event.timestamp.utcoffset() is not None


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_each_class_declares_the_entity_and_action_of_its_event_type(event_type: str) -> None:
    cls = EVENT_TYPES[event_type]
    entity, _, action = event_type.partition(".")
    hints = typing.get_type_hints(cls)

    assert typing.get_args(hints["entity"]) == (entity,)
    assert typing.get_args(hints["action"]) == (action,)
    assert cls.subscription() == {"entity": entity.upper(), "action": action.upper()}


def test_an_unknown_event_type_is_kept_as_unknown_event() -> None:
    data = {"name": "m", "stage": "Production"}
    delivery = Delivery(body=mlflow_body("model_version_stage", "transitioned", data))

    event = verify(SECRET, delivery.headers(), delivery.body, now=NOW)

    assert isinstance(event, UnknownEvent)
    assert (event.entity, event.action, event.data) == ("model_version_stage", "transitioned", data)
    assert event.event_type == "model_version_stage.transitioned"
    with pytest.raises(TypeError):
        UnknownEvent.subscription()


def test_a_known_entity_with_an_unknown_action_is_unknown_too() -> None:
    event = _parse(mlflow_body("model_version_alias", "updated", {"name": "m", "alias": "a"}))

    assert isinstance(event, UnknownEvent)


def test_fields_a_newer_server_adds_are_kept() -> None:
    data = {"name": "m", "alias": "champion", "version": "3", "previous_version": "2"}

    event = _parse(mlflow_body("model_version_alias", "created", data, workspace="team-a"))

    assert isinstance(event, ModelVersionAliasCreated)
    assert event.workspace == "team-a"
    assert event.data.model_extra == {"previous_version": "2"}


def test_a_version_sent_as_a_number_reads_as_a_string() -> None:
    event = _parse(
        mlflow_body(
            "model_version_alias", "created", {**DATA["model_version_alias.created"], "version": 3}
        )
    )

    assert isinstance(event, ModelVersionAliasCreated) and event.data.version == "3"


def test_the_edge_shapes_of_the_server_handlers_parse() -> None:
    """No description on a registered model is ``""``, on a version ``null``; no template."""
    model = _parse(
        mlflow_body("registered_model", "created", {"name": "m", "tags": {}, "description": ""})
    )
    version = _parse(
        mlflow_body("model_version", "created", {**DATA["model_version.created"], "run_id": None})
    )
    prompt = _parse(
        mlflow_body(
            "prompt_version", "created", {**DATA["prompt_version.created"], "template": None}
        )
    )
    deleted = _parse(mlflow_body("model_version_alias", "deleted", {"name": "m", "alias": "a"}))

    assert isinstance(model, RegisteredModelCreated) and model.data.description == ""
    assert isinstance(version, ModelVersionCreated) and version.data.run_id is None
    assert isinstance(prompt, PromptVersionCreated) and prompt.data.template is None
    assert isinstance(deleted, ModelVersionAliasDeleted)


def test_events_are_frozen() -> None:
    event = _parse(
        mlflow_body("model_version_alias", "created", DATA["model_version_alias.created"])
    )

    with pytest.raises(ValueError, match="frozen"):
        event.data.version = "4"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "JSON list"),
        (b"\xff\xfe", "not JSON"),
        (mlflow_body("model_version_alias", "created", {"name": "m", "alias": "a"}), "version"),
        (
            json.dumps({"entity": "model_version_alias", "action": "created", "data": {}}).encode(),
            "timestamp",
        ),
        (
            json.dumps(
                {"action": "created", "timestamp": "2026-12-04T00:00:00Z", "data": {}}
            ).encode(),
            "entity",
        ),
    ],
    ids=["text", "array", "bytes", "missing-field", "missing-timestamp", "missing-entity"],
)
def test_a_body_that_is_not_a_documented_event_is_malformed(body: bytes, detail: str) -> None:
    with pytest.raises(WebhookVerificationError) as caught:
        _parse(body)

    assert caught.value.reason is Reason.MALFORMED_PAYLOAD
    assert detail in str(caught.value)


def test_an_authentic_but_malformed_body_is_refused_by_verify() -> None:
    delivery = Delivery(body=b'{"entity": "model_version_alias"}')

    with pytest.raises(WebhookVerificationError) as caught:
        verify(SECRET, delivery.headers(), delivery.body, now=NOW)

    assert caught.value.reason is Reason.MALFORMED_PAYLOAD


def _data_class(event_class: type[EventBase]) -> type[PayloadData]:
    data_class = event_class.model_fields["data"].annotation
    assert isinstance(data_class, type) and issubclass(data_class, PayloadData)
    return data_class


_INSTALLED_EVENTS = """
from mlflow.webhooks.types import EVENT_TO_PAYLOAD_CLASS
table = {
    f"{entity.value}.{action.value}": sorted(payload.__annotations__)
    for (entity, action), payload in EVENT_TO_PAYLOAD_CLASS.items()
}
print(json.dumps(table))
"""


def test_the_event_types_and_their_fields_are_those_of_the_installed_mlflow() -> None:
    """Run in a fresh interpreter: the SDK never imports MLflow, and this process should not."""
    installed: dict[str, list[str]] = json_report(_INSTALLED_EVENTS)

    ours = {name: sorted(_data_class(cls).model_fields) for name, cls in EVENT_TYPES.items()}

    assert ours == installed
