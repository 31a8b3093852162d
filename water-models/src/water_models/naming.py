"""Names the platform already uses in MLflow, and the check that keeps station ids safe in them."""

from __future__ import annotations

import re

_STATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_MODEL_TYPE = re.compile(r"^[a-z0-9_]+$")

CHAMPION = "champion"
CHALLENGER = "challenger"

#: Every registered model of the platform is named with this prefix: the fleet cache lists the
#: platform's models by it (``name LIKE 'water-quality-station-%'``), in one paged request.
REGISTERED_MODEL_PREFIX = "water-quality-station-"


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
    return f"{REGISTERED_MODEL_PREFIX}{station_id}-{model_type}"


def parse_registered_model_name(name: str) -> tuple[str, str] | None:
    """``(station_id, model_type)`` of a platform model name; None for any other name.

    Model type names hold no ``-`` (lower-case letters, digits, ``_``) while station ids may,
    so the type is what follows the last ``-``.
    """
    if not name.startswith(REGISTERED_MODEL_PREFIX):
        return None
    station, sep, model_type = name[len(REGISTERED_MODEL_PREFIX) :].rpartition("-")
    if not sep or not model_type or not _MODEL_TYPE.match(model_type):
        return None
    try:
        return normalize_station_id(station), model_type
    except ValueError:
        return None


def registered_model_filter(name_prefix: str) -> str:
    """The ``search_registered_models`` filter for names starting with ``name_prefix``.

    In LIKE, ``_`` matches any one character and ``%`` any run: a station prefix holding ``_``
    may match a few more names, which the caller drops by comparing the prefix exactly.
    """
    if "'" in name_prefix:
        raise ValueError(f"a registered model name prefix cannot hold a quote: {name_prefix!r}")
    return f"name LIKE '{name_prefix}%'"
