"""Receiving MLflow webhooks in any service: verify a delivery and get a typed event.

>>> from mlflow_rest_sdk.webhooks import DeliveryFilter, ModelVersionAliasCreated, verify
>>> deliveries = DeliveryFilter()
>>> def handle(headers, body: bytes) -> None:  # your framework's request, in any framework
...     event = verify(SECRET, headers, body, deliveries=deliveries)
...     if isinstance(event, ModelVersionAliasCreated):
...         reload(event.data.name, event.data.alias, event.data.version)

:func:`verify` checks ``X-MLflow-Signature`` (HMAC-SHA256 over the raw body, in constant time),
refuses timestamps outside a tolerance and, with a :class:`DeliveryFilter`, deliveries seen
before; it raises :class:`WebhookVerificationError` with a :class:`Reason`. The event classes
(:data:`Event`, one per ``entity.action`` of MLflow 3.17.2) are pydantic models. See
``docs/webhooks.md``.

This package needs neither the clients nor httpx: a service that only receives webhooks loads
pydantic and the standard library. Its names are imported on first access (PEP 562), like the
SDK's other packages, so ``DeliveryFilter`` or ``sign`` alone do not load pydantic either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlflow_rest_sdk.lazy import lazy_attributes

if TYPE_CHECKING:
    from mlflow_rest_sdk.webhooks.dedup import DEFAULT_FILTER_TTL, DeliveryFilter
    from mlflow_rest_sdk.webhooks.errors import (
        DuplicateDeliveryError,
        Reason,
        WebhookVerificationError,
    )
    from mlflow_rest_sdk.webhooks.events import (
        EVENT_TYPES,
        BudgetPolicyExceeded,
        Event,
        EventBase,
        KnownEvent,
        ModelVersionAliasCreated,
        ModelVersionAliasDeleted,
        ModelVersionCreated,
        ModelVersionTagDeleted,
        ModelVersionTagSet,
        PromptAliasCreated,
        PromptAliasDeleted,
        PromptCreated,
        PromptTagDeleted,
        PromptTagSet,
        PromptVersionCreated,
        PromptVersionTagDeleted,
        PromptVersionTagSet,
        RegisteredModelCreated,
        UnknownEvent,
        parse_event,
    )
    from mlflow_rest_sdk.webhooks.headers import (
        DELIVERY_ID_HEADER,
        SIGNATURE_HEADER,
        TIMESTAMP_HEADER,
        HeaderSource,
        SupportsHeaderItems,
        read_header,
    )
    from mlflow_rest_sdk.webhooks.payloads import (
        BudgetPolicyExceededData,
        ModelVersionAliasCreatedData,
        ModelVersionAliasDeletedData,
        ModelVersionCreatedData,
        ModelVersionTagDeletedData,
        ModelVersionTagSetData,
        PayloadData,
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
    from mlflow_rest_sdk.webhooks.signing import SIGNATURE_VERSION, sign
    from mlflow_rest_sdk.webhooks.verification import DEFAULT_TOLERANCE, verify

_NAMES_BY_MODULE: dict[str, tuple[str, ...]] = {
    "dedup": ("DEFAULT_FILTER_TTL", "DeliveryFilter"),
    "errors": ("DuplicateDeliveryError", "Reason", "WebhookVerificationError"),
    "events": (
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
    ),
    "headers": (
        "DELIVERY_ID_HEADER",
        "SIGNATURE_HEADER",
        "TIMESTAMP_HEADER",
        "HeaderSource",
        "SupportsHeaderItems",
        "read_header",
    ),
    "payloads": (
        "BudgetPolicyExceededData",
        "ModelVersionAliasCreatedData",
        "ModelVersionAliasDeletedData",
        "ModelVersionCreatedData",
        "ModelVersionTagDeletedData",
        "ModelVersionTagSetData",
        "PayloadData",
        "PromptAliasCreatedData",
        "PromptAliasDeletedData",
        "PromptCreatedData",
        "PromptTagDeletedData",
        "PromptTagSetData",
        "PromptVersionCreatedData",
        "PromptVersionTagDeletedData",
        "PromptVersionTagSetData",
        "RegisteredModelCreatedData",
    ),
    "signing": ("SIGNATURE_VERSION", "sign"),
    # Not `verify.py`: importing that submodule would make `webhooks.verify` the module.
    "verification": ("DEFAULT_TOLERANCE", "verify"),
}
_MODULE_OF: dict[str, str] = {
    name: f"{__name__}.{module}" for module, names in _NAMES_BY_MODULE.items() for name in names
}

__all__ = [
    "DEFAULT_FILTER_TTL",
    "DEFAULT_TOLERANCE",
    "DELIVERY_ID_HEADER",
    "EVENT_TYPES",
    "SIGNATURE_HEADER",
    "SIGNATURE_VERSION",
    "TIMESTAMP_HEADER",
    "BudgetPolicyExceeded",
    "BudgetPolicyExceededData",
    "DeliveryFilter",
    "DuplicateDeliveryError",
    "Event",
    "EventBase",
    "HeaderSource",
    "KnownEvent",
    "ModelVersionAliasCreated",
    "ModelVersionAliasCreatedData",
    "ModelVersionAliasDeleted",
    "ModelVersionAliasDeletedData",
    "ModelVersionCreated",
    "ModelVersionCreatedData",
    "ModelVersionTagDeleted",
    "ModelVersionTagDeletedData",
    "ModelVersionTagSet",
    "ModelVersionTagSetData",
    "PayloadData",
    "PromptAliasCreated",
    "PromptAliasCreatedData",
    "PromptAliasDeleted",
    "PromptAliasDeletedData",
    "PromptCreated",
    "PromptCreatedData",
    "PromptTagDeleted",
    "PromptTagDeletedData",
    "PromptTagSet",
    "PromptTagSetData",
    "PromptVersionCreated",
    "PromptVersionCreatedData",
    "PromptVersionTagDeleted",
    "PromptVersionTagDeletedData",
    "PromptVersionTagSet",
    "PromptVersionTagSetData",
    "Reason",
    "RegisteredModelCreated",
    "RegisteredModelCreatedData",
    "SupportsHeaderItems",
    "UnknownEvent",
    "WebhookVerificationError",
    "parse_event",
    "read_header",
    "sign",
    "verify",
]

if not TYPE_CHECKING:  # type checkers see the imports above instead
    __getattr__, __dir__ = lazy_attributes(__name__, _MODULE_OF, __all__)
