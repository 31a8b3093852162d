"""The harness's statistics."""

from __future__ import annotations

import pytest
from benchmarks.stats import quantile, summarize


def test_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    assert summarize([4.0, 1.0, 3.0, 2.0]).median == 2.5


def test_quantile_interpolates_between_neighbouring_values() -> None:
    assert quantile([0.0, 10.0], 0.25) == 2.5


def test_summarize_refuses_an_empty_series() -> None:
    with pytest.raises(ValueError, match="at least one"):
        summarize([])
