"""The platform's version labels: ``{model_type}_v{major}.{minor}.{patch}_station_{station_id}``.

A retrain bumps the minor number; a change of features/target or of the model type's file
format bumps the major number; patch is for re-registering the same model (e.g. new metadata).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Bump = Literal["major", "minor", "patch"]

_LABEL = re.compile(
    r"^(?P<type>[a-z0-9_]+?)_v(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)"
    r"_station_(?P<station>[A-Za-z0-9][A-Za-z0-9_-]*)$"
)


@dataclass(frozen=True, order=True, slots=True)
class SemanticVersion:
    major: int
    minor: int
    patch: int

    def bump(self, part: Bump) -> SemanticVersion:
        if part == "major":
            return SemanticVersion(self.major + 1, 0, 0)
        if part == "minor":
            return SemanticVersion(self.major, self.minor + 1, 0)
        return SemanticVersion(self.major, self.minor, self.patch + 1)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


FIRST_VERSION = SemanticVersion(1, 0, 0)


def format_label(model_type: str, version: SemanticVersion, station_id: str) -> str:
    """E.g. ``xgboost_v1.2.0_station_1``."""
    return f"{model_type}_v{version}_station_{station_id}"


def parse_label(label: str) -> tuple[str, SemanticVersion, str]:
    """``(model_type, version, station_id)`` from a label; ``ValueError`` naming the label."""
    match = _LABEL.match(label)
    if match is None:
        raise ValueError(
            f"version label {label!r} is not of the form "
            "'{model_type}_v{major}.{minor}.{patch}_station_{station_id}'"
        )
    version = SemanticVersion(int(match["major"]), int(match["minor"]), int(match["patch"]))
    return match["type"], version, match["station"]


def next_version(
    previous: SemanticVersion | None, *, incompatible: bool, bump: Bump | None = None
) -> SemanticVersion:
    """The version after ``previous``: 1.0.0 first, major on incompatible change, else minor."""
    if previous is None:
        return FIRST_VERSION
    if incompatible:
        return previous.bump("major")
    return previous.bump(bump or "minor")
