"""Making non-idempotent creates safe to retry.

A create whose response was lost (timeout, reset, 502/504 after the request went out) may or may
not have happened. Retrying blindly leaves duplicates (MLflow's own client leaves ghost runs);
never retrying loses work. Instead each create that can be checked declares how: a lookup that
finds what an earlier attempt created (by a client-generated idempotency tag, or by its unique
name after RESOURCE_ALREADY_EXISTS). This module holds the I/O-free parts both clients share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mlflow_rest_sdk._runtime.error_base import APIConnectionError, APIConnectionRefused
from mlflow_rest_sdk._runtime.message import Message
from mlflow_rest_sdk._runtime.transport import HttpResponse

IDEMPOTENCY_TAG = "mlflow_rest_sdk.idempotency_key"

# Answers after which the server may have acted on the request before failing to reply.
AMBIGUOUS_STATUSES = frozenset({500, 502, 504})


@dataclass(frozen=True)
class Lookup:
    """A read (a client method and its arguments) and how to turn its answer into the create's
    response; ``extract`` returns None when nothing was found."""

    method: str
    arguments: Mapping[str, Any]
    extract: Callable[[Any], Any | None]


@dataclass(frozen=True)
class Recovery:
    """How one create is made safe: ``prepare`` marks the request (e.g. adds an idempotency tag),
    ``find_lost`` looks for a lost attempt's result, ``find_existing`` resolves a conflict seen
    after an ambiguous attempt."""

    prepare: Callable[[Message], Message] | None = None
    find_lost: Callable[[Message], Lookup] | None = None
    find_existing: Callable[[Message], Lookup] | None = None


@dataclass(frozen=True)
class Found:
    """The result of a create recovered by a lookup instead of a response."""

    value: Any


class AttemptLog:
    """Remembers whether any attempt so far may have reached the server and acted."""

    def __init__(self) -> None:
        self.ambiguous = False

    def saw_error(self, error: BaseException) -> None:
        if isinstance(error, APIConnectionError) and not isinstance(error, APIConnectionRefused):
            self.ambiguous = True

    def saw_response(self, response: HttpResponse) -> None:
        if response.status_code in AMBIGUOUS_STATUSES:
            self.ambiguous = True


def is_already_exists(response: HttpResponse) -> bool:
    return response.status_code in (400, 409) and b"RESOURCE_ALREADY_EXISTS" in response.content
