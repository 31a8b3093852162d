"""``ViewType``: which experiments or runs a search returns, by lifecycle stage.

MLflow's ``ViewType`` is a class of integer constants; an ``IntEnum`` keeps those integers
(``ViewType.ALL == 3``, so code that passes ``3`` or ``ViewType.ALL`` works the same) and gives
the values a type a checker can follow.
"""

from __future__ import annotations

from enum import IntEnum

from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = ["ViewType"]


class ViewType(IntEnum):
    """``ACTIVE_ONLY`` (1), ``DELETED_ONLY`` (2) or ``ALL`` (3)."""

    ACTIVE_ONLY = 1
    DELETED_ONLY = 2
    ALL = 3

    @classmethod
    def from_string(cls, view_str: str) -> int:
        """``"active_only"``, ``"deleted_only"`` or ``"all"`` (MLflow's spelling) to its number."""
        for member in cls:
            if member.name.lower() == view_str:
                return int(member)
        raise MlflowException.invalid_parameter_value(
            f"Could not get valid view type corresponding to string {view_str}. "
            f"Valid view types are {[member.name.lower() for member in cls]}"
        )

    @classmethod
    def to_string(cls, view_type: int) -> str:
        """The number's lower-case name, as MLflow writes it (``3`` -> ``"all"``)."""
        try:
            return cls(view_type).name.lower()
        except ValueError:
            raise MlflowException.invalid_parameter_value(
                f"Could not get valid view type corresponding to {view_type}. "
                f"Valid view types are {[int(member) for member in cls]}"
            ) from None
