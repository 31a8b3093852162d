"""Multipart planning and transfer settings."""

from __future__ import annotations

import pytest

from mlflow_rest_sdk.artifacts import ArtifactSettings
from mlflow_rest_sdk.artifacts.planning import MAX_PARTS, MIN_PART_SIZE, Part, plan_parts

MiB = 1024 * 1024


def test_parts_cover_the_file_exactly_with_a_shorter_last_part() -> None:
    assert plan_parts(12 * MiB, 5 * MiB) == [
        Part(1, 0, 5 * MiB),
        Part(2, 5 * MiB, 5 * MiB),
        Part(3, 10 * MiB, 2 * MiB),
    ]


def test_a_file_of_exactly_n_parts_has_no_empty_tail() -> None:
    assert [p.size for p in plan_parts(10 * MiB, 5 * MiB)] == [5 * MiB, 5 * MiB]


def test_an_empty_file_is_one_empty_part() -> None:
    assert plan_parts(0, 5 * MiB) == [Part(1, 0, 0)]


def test_the_part_size_grows_to_stay_within_the_part_limit() -> None:
    size = MAX_PARTS * 5 * MiB + 1
    parts = plan_parts(size, 5 * MiB)
    assert len(parts) <= MAX_PARTS
    assert sum(p.size for p in parts) == size


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"chunk_size": 0}, "chunk_size"),
        ({"multipart_threshold": -1}, "multipart_threshold"),
        ({"part_size": MIN_PART_SIZE - 1}, "part_size"),
    ],
)
def test_bad_settings_name_the_field(kwargs: dict[str, int], field: str) -> None:
    with pytest.raises(ValueError, match=f"ArtifactSettings.{field}"):
        ArtifactSettings(**kwargs)
