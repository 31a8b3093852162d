"""Page-token bookkeeping shared by every ``*_iter`` method."""

from __future__ import annotations

import pytest

from mlflow_rest_sdk._generated import endpoints as e
from mlflow_rest_sdk._runtime.pagination import Pager
from mlflow_rest_sdk.errors import ResponseDecodeError
from mlflow_rest_sdk.models import SearchExperiments, SearchExperimentsResponse


def _pager(max_items: int | None = None) -> Pager:
    assert e.SEARCH_EXPERIMENTS.pagination is not None
    return Pager(
        "search_experiments", e.SEARCH_EXPERIMENTS.pagination, SearchExperiments(), max_items
    )


def _page(ids: list[str], token: str | None) -> SearchExperimentsResponse:
    return SearchExperimentsResponse.model_validate(
        {"experiments": [{"experiment_id": i} for i in ids], "next_page_token": token}
    )


def test_the_next_request_carries_the_servers_token() -> None:
    pager = _pager()
    pager.accept(_page(["1"], "t1"))
    assert pager.request().to_wire() == {"page_token": "t1"}
    assert not pager.done


def test_a_page_without_a_token_is_the_last() -> None:
    pager = _pager()
    pager.accept(_page(["1"], None))
    assert pager.done


def test_max_items_trims_the_page_and_ends_the_walk() -> None:
    pager = _pager(max_items=3)
    assert len(pager.accept(_page(["1", "2"], "t1"))) == 2
    assert [x.experiment_id for x in pager.accept(_page(["3", "4"], "t2"))] == ["3"]
    assert pager.done


def test_a_token_seen_twice_is_an_error_not_an_endless_loop() -> None:
    pager = _pager()
    pager.accept(_page(["1"], "same"))
    with pytest.raises(ResponseDecodeError, match="twice"):
        pager.accept(_page(["2"], "same"))


def test_negative_max_items_is_refused() -> None:
    with pytest.raises(ValueError, match="max_items must be >= 0"):
        _pager(max_items=-1)


def test_max_items_zero_fetches_nothing() -> None:
    assert _pager(max_items=0).done
