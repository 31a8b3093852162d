"""The ``data`` object of each webhook event, as MLflow 3.17.2's server fills it in.

The shapes follow the server's handlers (``mlflow/server/handlers.py``, which build the payload
from the request it just served), not only the documented examples, because the two differ at
the edges: a registered model created without a description arrives with ``""``, a model
version without one with ``null``; a tag set without a value carries ``""``; versions are
strings (``"1"``).

The models are frozen (an event is a fact, not a form), accept numbers where strings are
expected (a future server might send a version as ``1``), and keep fields they do not know in
``model_extra``, so a newer server's additions reach the caller instead of failing validation.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
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
]


class PayloadData(BaseModel):
    """Base of every ``data`` model: frozen, lenient about numbers, keeps unknown fields."""

    model_config = ConfigDict(frozen=True, extra="allow", coerce_numbers_to_str=True)


# -- model registry -------------------------------------------------------------------------


class RegisteredModelCreatedData(PayloadData):
    """``registered_model.created``: a registered model (not a prompt) was created."""

    name: str
    tags: dict[str, str] = Field(default_factory=dict)
    description: str | None = None


class ModelVersionCreatedData(PayloadData):
    """``model_version.created``: a new version of a registered model."""

    name: str
    version: str
    source: str
    run_id: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    description: str | None = None


class ModelVersionTagSetData(PayloadData):
    """``model_version_tag.set``: a tag was set (or overwritten) on a model version."""

    name: str
    version: str
    key: str
    value: str = ""


class ModelVersionTagDeletedData(PayloadData):
    """``model_version_tag.deleted``: a tag was removed from a model version."""

    name: str
    version: str
    key: str


class ModelVersionAliasCreatedData(PayloadData):
    """``model_version_alias.created``: an alias now points at ``version``.

    MLflow sends this both when the alias is new and when it is moved from another version
    (``set_registered_model_alias`` is an upsert): there is no ``updated`` action.
    """

    name: str
    alias: str
    version: str


class ModelVersionAliasDeletedData(PayloadData):
    """``model_version_alias.deleted``: the alias was removed (the payload has no version)."""

    name: str
    alias: str


# -- prompt registry (prompts are registered models tagged as prompts) --------------------


class PromptCreatedData(PayloadData):
    """``prompt.created``: a prompt was created (MLflow's internal prompt tags are left out)."""

    name: str
    tags: dict[str, str] = Field(default_factory=dict)
    description: str | None = None


class PromptVersionCreatedData(PayloadData):
    """``prompt_version.created``: a new prompt version; ``template`` is its text."""

    name: str
    version: str
    template: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    description: str | None = None


class PromptTagSetData(PayloadData):
    """``prompt_tag.set``: a tag was set on a prompt."""

    name: str
    key: str
    value: str = ""


class PromptTagDeletedData(PayloadData):
    """``prompt_tag.deleted``: a tag was removed from a prompt."""

    name: str
    key: str


class PromptVersionTagSetData(PayloadData):
    """``prompt_version_tag.set``: a tag was set on a prompt version."""

    name: str
    version: str
    key: str
    value: str = ""


class PromptVersionTagDeletedData(PayloadData):
    """``prompt_version_tag.deleted``: a tag was removed from a prompt version."""

    name: str
    version: str
    key: str


class PromptAliasCreatedData(PayloadData):
    """``prompt_alias.created``: a prompt alias now points at ``version``."""

    name: str
    alias: str
    version: str


class PromptAliasDeletedData(PayloadData):
    """``prompt_alias.deleted``: a prompt alias was removed."""

    name: str
    alias: str


# -- AI gateway ---------------------------------------------------------------------------


class BudgetPolicyExceededData(PayloadData):
    """``budget_policy.exceeded``: spending in a gateway budget window passed its limit.

    The unit, duration and scope fields are plain strings (MLflow 3.17.2 sends ``"USD"``,
    ``"MINUTES"``..``"MONTHS"`` and ``"GLOBAL"``/``"WORKSPACE"``/``"ENDPOINT"``/``"USER"``), so a
    new value from a later server does not make an authentic delivery unreadable.
    ``window_start`` is in milliseconds since the epoch.
    """

    budget_policy_id: str
    budget_unit: str
    budget_amount: float
    current_spend: float
    duration_unit: str
    duration_value: int
    target_scope: str
    workspace: str | None = None
    target_value: str | None = None
    window_start: int
