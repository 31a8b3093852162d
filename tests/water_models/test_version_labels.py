"""The platform's version labels and how they are bumped."""

from __future__ import annotations

import pytest

from water_models.versioning import (
    Bump,
    SemanticVersion,
    format_label,
    next_version,
    parse_label,
)


def test_labels_have_the_platform_form() -> None:
    assert format_label("xgboost", SemanticVersion(1, 2, 0), "1") == "xgboost_v1.2.0_station_1"


def test_labels_parse_back() -> None:
    assert parse_label("baseline_v3.0.1_station_north-2") == (
        "baseline",
        SemanticVersion(3, 0, 1),
        "north-2",
    )


def test_a_foreign_label_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"'v1\.2' is not of the form"):
        parse_label("v1.2")


@pytest.mark.parametrize(
    ("previous", "incompatible", "bump", "expected"),
    [
        (None, False, None, SemanticVersion(1, 0, 0)),
        (SemanticVersion(1, 2, 0), False, None, SemanticVersion(1, 3, 0)),
        (SemanticVersion(1, 2, 3), True, None, SemanticVersion(2, 0, 0)),
        (SemanticVersion(1, 2, 3), False, "patch", SemanticVersion(1, 2, 4)),
    ],
)
def test_retrain_bumps_minor_and_incompatible_change_bumps_major(
    previous: SemanticVersion | None,
    incompatible: bool,
    bump: Bump | None,
    expected: SemanticVersion,
) -> None:
    assert next_version(previous, incompatible=incompatible, bump=bump) == expected
