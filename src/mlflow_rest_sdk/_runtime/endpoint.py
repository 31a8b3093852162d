"""What the generated endpoint table says about one operation, as plain frozen data.

Release facts come from the spec's history (``docs/compatibility.md``): versions are kept as the
strings the spec has (``"3.0.0"``) and compared only when a call needs it
(``_runtime/server_release.py``), so an endpoint costs nothing more to import.
"""

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
    # The first MLflow release that serves the route (None: unknown, or no release serves it).
    first_release: str | None = None
    # Releases that did not serve it after all: (removed_in, back_in), oldest first.
    gaps: tuple[tuple[str, str], ...] = ()
    # Request fields younger than the route: (attribute path, first release), in field order; a
    # field of a nested message is a dotted path through lists and messages (``metrics.model_id``).
    later_fields: tuple[tuple[str, str], ...] = ()
    # Request fields that left and came back: (attribute name, removed_in, back_in).
    field_gaps: tuple[tuple[str, str, str], ...] = ()

    @property
    def is_registry(self) -> bool:
        """Model-registry operations can be routed to a separate registry server."""
        return self.service == "ModelRegistryService"
