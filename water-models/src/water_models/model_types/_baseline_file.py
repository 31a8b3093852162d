"""The ``baseline`` model file's JSON schema, checked on load.

A module of its own so that registering the ``baseline`` type does not import pydantic: only
saving or loading a baseline model does.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class BaselineFile(BaseModel):
    """The JSON file's schema, checked on load."""

    model_config = ConfigDict(extra="forbid")

    format: str
    format_version: int
    feature_names: list[str]
    means: list[float]
    scales: list[float]
    coefficients: list[float]
    intercept: float
    alpha: float
