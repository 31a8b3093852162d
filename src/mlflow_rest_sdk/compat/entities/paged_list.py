"""``PagedList``: one page of search results, a list that also carries the next page's token."""

from __future__ import annotations

from typing import TypeVar

__all__ = ["PagedList"]

T = TypeVar("T")


class PagedList(list[T]):
    """A list of results plus ``token``: pass it as ``page_token`` for the next page; None on
    the last page."""

    def __init__(self, items: list[T], token: str | None) -> None:
        super().__init__(items)
        self.token = token

    def to_list(self) -> list[T]:
        return list(self)
