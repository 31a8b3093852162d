"""Typed webhook events: a class per ``entity.action`` MLflow sends; :data:`Event`, their union.

MLflow posts ``{"entity": ..., "action": ..., "timestamp": <ISO 8601>, "data": {...}}`` (plus
``"workspace"`` when the server runs with workspaces). The event type is the *pair* of entity
and action (``model_version_alias`` + ``created``), so :data:`Event` is a pydantic union with a
callable discriminator on ``"{entity}.{action}"``, and ``match``/``isinstance`` on the returned
object narrows ``event.data`` for the type checker.

An authentic delivery of a type this SDK does not know (a newer server's) becomes an
:class:`UnknownEvent` with its ``data`` as a plain dict rather than an error: a receiver that
only cares about alias changes must not start failing, and be retried by MLflow, when the server
is upgraded.

Each event also carries the delivery's ``delivery_id`` and ``signed_at`` (from the
``X-MLflow-Delivery-Id`` and ``X-MLflow-Timestamp`` headers), which the body does not hold: with
them an event is enough to log, de-duplicate or queue for later.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, ClassVar, Final, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Discriminator, Tag, TypeAdapter, ValidationError

from mlflow_rest_sdk.webhooks.errors import Reason, WebhookVerificationError
from mlflow_rest_sdk.webhooks.payloads import (
    BudgetPolicyExceededData,
    ModelVersionAliasCreatedData,
    ModelVersionAliasDeletedData,
    ModelVersionCreatedData,
    ModelVersionTagDeletedData,
    ModelVersionTagSetData,
    PromptAliasCreatedData,
    PromptAliasDeletedData,
    PromptCreatedData,
    PromptTagDeletedData,
    PromptTagSetData,
    PromptVersionCreatedData,
    PromptVersionTagDeletedData,
    PromptVersionTagSetData,
    RegisteredModelCreatedData,
)

__all__ = [
    "EVENT_TYPES",
    "BudgetPolicyExceeded",
    "Event",
    "EventBase",
    "KnownEvent",
    "ModelVersionAliasCreated",
    "ModelVersionAliasDeleted",
    "ModelVersionCreated",
    "ModelVersionTagDeleted",
    "ModelVersionTagSet",
    "PromptAliasCreated",
    "PromptAliasDeleted",
    "PromptCreated",
    "PromptTagDeleted",
    "PromptTagSet",
    "PromptVersionCreated",
    "PromptVersionTagDeleted",
    "PromptVersionTagSet",
    "RegisteredModelCreated",
    "UnknownEvent",
    "parse_event",
]


class EventBase(BaseModel):
    """What every delivery has: who sent it when, and the event's own timestamp.

    ``timestamp`` is when the server built the event (timezone-aware, UTC); ``signed_at`` is
    when it signed this delivery (whole seconds; a retry keeps it). Unknown top-level fields are
    kept in ``model_extra``.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    #: ``"entity.action"``, e.g. ``"model_version_alias.created"``; empty on :class:`UnknownEvent`.
    EVENT_TYPE: ClassVar[str] = ""

    delivery_id: str
    signed_at: datetime
    timestamp: datetime
    workspace: str | None = None

    @property
    def event_type(self) -> str:
        """``"entity.action"`` of this delivery, also for an :class:`UnknownEvent`."""
        return f"{getattr(self, 'entity', '')}.{getattr(self, 'action', '')}"

    @classmethod
    def subscription(cls) -> dict[str, str]:
        """This event type as ``create_webhook(events=[...])`` takes it.

        The REST API names events by their proto enum names (``MODEL_VERSION_ALIAS`` /
        ``CREATED``) while deliveries use lower case; this does the conversion.
        """
        if not cls.EVENT_TYPE:
            raise TypeError(f"{cls.__name__} is not one event type")
        entity, _, action = cls.EVENT_TYPE.partition(".")
        return {"entity": entity.upper(), "action": action.upper()}


class RegisteredModelCreated(EventBase):
    EVENT_TYPE: ClassVar[str] = "registered_model.created"
    entity: Literal["registered_model"]
    action: Literal["created"]
    data: RegisteredModelCreatedData


class ModelVersionCreated(EventBase):
    EVENT_TYPE: ClassVar[str] = "model_version.created"
    entity: Literal["model_version"]
    action: Literal["created"]
    data: ModelVersionCreatedData


class ModelVersionTagSet(EventBase):
    EVENT_TYPE: ClassVar[str] = "model_version_tag.set"
    entity: Literal["model_version_tag"]
    action: Literal["set"]
    data: ModelVersionTagSetData


class ModelVersionTagDeleted(EventBase):
    EVENT_TYPE: ClassVar[str] = "model_version_tag.deleted"
    entity: Literal["model_version_tag"]
    action: Literal["deleted"]
    data: ModelVersionTagDeletedData


class ModelVersionAliasCreated(EventBase):
    """An alias was set: new, or moved to another version (the event a serving cache wants)."""

    EVENT_TYPE: ClassVar[str] = "model_version_alias.created"
    entity: Literal["model_version_alias"]
    action: Literal["created"]
    data: ModelVersionAliasCreatedData


class ModelVersionAliasDeleted(EventBase):
    EVENT_TYPE: ClassVar[str] = "model_version_alias.deleted"
    entity: Literal["model_version_alias"]
    action: Literal["deleted"]
    data: ModelVersionAliasDeletedData


class PromptCreated(EventBase):
    EVENT_TYPE: ClassVar[str] = "prompt.created"
    entity: Literal["prompt"]
    action: Literal["created"]
    data: PromptCreatedData


class PromptVersionCreated(EventBase):
    EVENT_TYPE: ClassVar[str] = "prompt_version.created"
    entity: Literal["prompt_version"]
    action: Literal["created"]
    data: PromptVersionCreatedData


class PromptTagSet(EventBase):
    EVENT_TYPE: ClassVar[str] = "prompt_tag.set"
    entity: Literal["prompt_tag"]
    action: Literal["set"]
    data: PromptTagSetData


class PromptTagDeleted(EventBase):
    EVENT_TYPE: ClassVar[str] = "prompt_tag.deleted"
    entity: Literal["prompt_tag"]
    action: Literal["deleted"]
    data: PromptTagDeletedData


class PromptVersionTagSet(EventBase):
    EVENT_TYPE: ClassVar[str] = "prompt_version_tag.set"
    entity: Literal["prompt_version_tag"]
    action: Literal["set"]
    data: PromptVersionTagSetData


class PromptVersionTagDeleted(EventBase):
    EVENT_TYPE: ClassVar[str] = "prompt_version_tag.deleted"
    entity: Literal["prompt_version_tag"]
    action: Literal["deleted"]
    data: PromptVersionTagDeletedData


class PromptAliasCreated(EventBase):
    EVENT_TYPE: ClassVar[str] = "prompt_alias.created"
    entity: Literal["prompt_alias"]
    action: Literal["created"]
    data: PromptAliasCreatedData


class PromptAliasDeleted(EventBase):
    EVENT_TYPE: ClassVar[str] = "prompt_alias.deleted"
    entity: Literal["prompt_alias"]
    action: Literal["deleted"]
    data: PromptAliasDeletedData


class BudgetPolicyExceeded(EventBase):
    EVENT_TYPE: ClassVar[str] = "budget_policy.exceeded"
    entity: Literal["budget_policy"]
    action: Literal["exceeded"]
    data: BudgetPolicyExceededData


class UnknownEvent(EventBase):
    """An authentic delivery of an event type this SDK does not model (from a newer server)."""

    entity: str
    action: str
    data: dict[str, Any]


KnownEvent: TypeAlias = (
    RegisteredModelCreated
    | ModelVersionCreated
    | ModelVersionTagSet
    | ModelVersionTagDeleted
    | ModelVersionAliasCreated
    | ModelVersionAliasDeleted
    | PromptCreated
    | PromptVersionCreated
    | PromptTagSet
    | PromptTagDeleted
    | PromptVersionTagSet
    | PromptVersionTagDeleted
    | PromptAliasCreated
    | PromptAliasDeleted
    | BudgetPolicyExceeded
)

#: Every event type MLflow 3.17.2 sends, by ``"entity.action"``.
EVENT_TYPES: Final[Mapping[str, type[KnownEvent]]] = {
    cls.EVENT_TYPE: cls
    for cls in (
        RegisteredModelCreated,
        ModelVersionCreated,
        ModelVersionTagSet,
        ModelVersionTagDeleted,
        ModelVersionAliasCreated,
        ModelVersionAliasDeleted,
        PromptCreated,
        PromptVersionCreated,
        PromptTagSet,
        PromptTagDeleted,
        PromptVersionTagSet,
        PromptVersionTagDeleted,
        PromptAliasCreated,
        PromptAliasDeleted,
        BudgetPolicyExceeded,
    )
}
_UNKNOWN: Final = "unknown"


def _event_tag(value: Any) -> str:
    """The union member for a raw body (a dict) or an already built event."""
    if isinstance(value, Mapping):
        entity, action = value.get("entity"), value.get("action")
    else:
        entity, action = getattr(value, "entity", None), getattr(value, "action", None)
    tag = f"{entity}.{action}"
    return tag if tag in EVENT_TYPES else _UNKNOWN


#: Any delivery: a :data:`KnownEvent` class picked by ``"entity.action"``, else
#: :class:`UnknownEvent`.
Event: TypeAlias = Annotated[
    Annotated[RegisteredModelCreated, Tag(RegisteredModelCreated.EVENT_TYPE)]
    | Annotated[ModelVersionCreated, Tag(ModelVersionCreated.EVENT_TYPE)]
    | Annotated[ModelVersionTagSet, Tag(ModelVersionTagSet.EVENT_TYPE)]
    | Annotated[ModelVersionTagDeleted, Tag(ModelVersionTagDeleted.EVENT_TYPE)]
    | Annotated[ModelVersionAliasCreated, Tag(ModelVersionAliasCreated.EVENT_TYPE)]
    | Annotated[ModelVersionAliasDeleted, Tag(ModelVersionAliasDeleted.EVENT_TYPE)]
    | Annotated[PromptCreated, Tag(PromptCreated.EVENT_TYPE)]
    | Annotated[PromptVersionCreated, Tag(PromptVersionCreated.EVENT_TYPE)]
    | Annotated[PromptTagSet, Tag(PromptTagSet.EVENT_TYPE)]
    | Annotated[PromptTagDeleted, Tag(PromptTagDeleted.EVENT_TYPE)]
    | Annotated[PromptVersionTagSet, Tag(PromptVersionTagSet.EVENT_TYPE)]
    | Annotated[PromptVersionTagDeleted, Tag(PromptVersionTagDeleted.EVENT_TYPE)]
    | Annotated[PromptAliasCreated, Tag(PromptAliasCreated.EVENT_TYPE)]
    | Annotated[PromptAliasDeleted, Tag(PromptAliasDeleted.EVENT_TYPE)]
    | Annotated[BudgetPolicyExceeded, Tag(BudgetPolicyExceeded.EVENT_TYPE)]
    | Annotated[UnknownEvent, Tag(_UNKNOWN)],
    Discriminator(_event_tag),
]

_EVENT_ADAPTER: Final[TypeAdapter[Event]] = TypeAdapter(Event)


def _summary(error: ValidationError) -> str:
    # Field locations and messages only: pydantic's full text repeats the input values.
    problems = [
        f"{'.'.join(str(part) for part in item['loc']) or 'body'}: {item['msg']}"
        for item in error.errors(include_url=False, include_input=False)[:3]
    ]
    more = error.error_count() - len(problems)
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def parse_event(body: bytes | str, *, delivery_id: str, signed_at: int | datetime) -> Event:
    """Build the typed event of a delivery body, *without* checking its signature.

    For bodies already verified (say, queued by the receiver and handled later) and for tests;
    a receiver calls ``verify``, which calls this after the signature and time checks. Raises
    :class:`WebhookVerificationError` with :attr:`Reason.MALFORMED_PAYLOAD` when the body is not
    a JSON object of the documented shape.
    """
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise WebhookVerificationError(
            Reason.MALFORMED_PAYLOAD, f"the body is not JSON ({error})"
        ) from None
    if not isinstance(document, dict):
        raise WebhookVerificationError(
            Reason.MALFORMED_PAYLOAD, f"the body is a JSON {type(document).__name__}, not an object"
        )
    document = {**document, "delivery_id": delivery_id, "signed_at": signed_at}
    try:
        return _EVENT_ADAPTER.validate_python(document)
    except ValidationError as error:
        event_type = f"{document.get('entity')}.{document.get('action')}"
        raise WebhookVerificationError(
            Reason.MALFORMED_PAYLOAD, f"{event_type} event: {_summary(error)}"
        ) from None
