"""The registry of model types, by name (``xgboost``, ``baseline``, ...)."""

from __future__ import annotations

from typing import TypeVar

from water_models.model_types.base import StationModel

_TYPES: dict[str, type[StationModel]] = {}
M = TypeVar("M", bound=type[StationModel])


class UnknownModelTypeError(ValueError):
    """A model type name that no class is registered under."""


def register_model_type(cls: M) -> M:
    """Class decorator: make ``cls`` available under ``cls.type_name``."""
    name = cls.type_name
    if not name or not name.replace("_", "").isalnum() or name != name.lower():
        raise ValueError(f"model type name {name!r} must be lower-case letters, digits and _")
    if name in _TYPES and _TYPES[name] is not cls:
        raise ValueError(f"model type {name!r} is already registered by {_TYPES[name].__name__}")
    _TYPES[name] = cls
    return cls


def unregister_model_type(name: str) -> None:
    """Remove a type again (plugins being unloaded, tests); unknown names are ignored."""
    _TYPES.pop(name, None)


def get_model_type(name: str) -> type[StationModel]:
    try:
        return _TYPES[name]
    except KeyError:
        known = ", ".join(sorted(_TYPES)) or "(none)"
        raise UnknownModelTypeError(f"unknown model type {name!r}; known types: {known}") from None


def model_type_names() -> list[str]:
    return sorted(_TYPES)
