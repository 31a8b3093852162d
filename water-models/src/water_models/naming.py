"""Names the platform already uses in MLflow, and the check that keeps station ids safe in them."""

from __future__ import annotations

import re

_STATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

CHAMPION = "champion"
CHALLENGER = "challenger"


def normalize_station_id(station_id: str | int) -> str:
    """Station ids are used in experiment, model and file names: letters, digits, ``-``, ``_``."""
    text = str(station_id).strip()
    if isinstance(station_id, bool) or not _STATION_ID.match(text):
        raise ValueError(
            f"invalid station id {station_id!r}: use 1-64 letters, digits, '-' or '_' "
            "(starting with a letter or digit)"
        )
    return text


def experiment_name(station_id: str) -> str:
    return f"water-quality-station-{station_id}"


def registered_model_name(station_id: str, model_type: str) -> str:
    return f"water-quality-station-{station_id}-{model_type}"
