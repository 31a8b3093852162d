"""What the generated endpoint table says about one operation, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RequestBody = Literal["json", "query", "raw", "none"]
ResponseBody = Literal["json", "raw", "text"]


@dataclass(frozen=True, slots=True)
class PathParam:
    name: str
    field: tuple[str, ...] | None  # dotted request field it comes from; None: a separate argument
    keep_slashes: bool


@dataclass(frozen=True, slots=True)
class Pagination:
    token_field: str
    token_in: Literal["query", "body"]
    next_token_field: str
    items_field: str
    max_results_field: str | None


@dataclass(frozen=True, slots=True)
class Endpoint:
    operation: str
    service: str
    method: str
    path: str
    path_params: tuple[PathParam, ...]
    request_body: RequestBody
    response_body: ResponseBody
    idempotent: bool
    required: tuple[str, ...]
    pagination: Pagination | None = None
    defaults: tuple[tuple[str, int | str | bool], ...] = ()  # sent when the caller gives none

    @property
    def is_registry(self) -> bool:
        """Model-registry operations can be routed to a separate registry server."""
        return self.service == "ModelRegistryService"
