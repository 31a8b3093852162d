"""Following page tokens: the I/O-free bookkeeping behind every generated ``*_iter`` method."""

from __future__ import annotations

from typing import Any

from mlflow_rest_sdk._runtime.endpoint import Pagination
from mlflow_rest_sdk._runtime.error_base import ResponseDecodeError
from mlflow_rest_sdk._runtime.message import Message


class Pager:
    """Builds each page's request and collects items until the last page or ``max_items``."""

    def __init__(
        self, operation: str, pagination: Pagination, first: Message, max_items: int | None
    ) -> None:
        if max_items is not None and max_items < 0:
            raise ValueError(f"{operation}: max_items must be >= 0, got {max_items}")
        self._operation = operation
        self._pagination = pagination
        self._request = first
        self._remaining = max_items
        self._seen_tokens: set[str] = set()
        self.done = max_items == 0

    def request(self) -> Message:
        return self._request

    def accept(self, response: Message) -> list[Any]:
        """The items of one page (trimmed to ``max_items``); prepares the next request."""
        items = list(getattr(response, self._pagination.items_field) or [])
        if self._remaining is not None:
            items = items[: self._remaining]
            self._remaining -= len(items)
        token = getattr(response, self._pagination.next_token_field, None)
        if not token or self._remaining == 0:
            self.done = True
            return items
        if token in self._seen_tokens:
            raise ResponseDecodeError(
                f"{self._operation}: the server returned the page token {token!r} twice; "
                "stopping instead of looping forever"
            )
        self._seen_tokens.add(token)
        self._request = self._request.model_copy(update={self._pagination.token_field: token})
        return items
