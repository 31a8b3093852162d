"""Making non-idempotent creates safe to retry.

A create whose response was lost (timeout, reset, 502/504 after the request went out) may or may
not have happened. Retrying blindly leaves duplicates (MLflow's own client leaves ghost runs);
never retrying loses work. Instead each create that can be checked declares how: a lookup that
finds what an earlier attempt created (by a client-generated idempotency tag, or by its unique
name after RESOURCE_ALREADY_EXISTS). This module holds the I/O-free parts both clients share.

A lookup cannot see a first attempt that the server is still processing: when the server is slow,
the lookup finds nothing, the client creates again, and then the first attempt commits too. So a
create re-sent after an ambiguous failure is *reconciled*: once it succeeded, the client lists
every object carrying the create's key; when there are several, all clients keep the same one
(:func:`choose_survivor`: a total order on stable fields), remove the others and return the
survivor. A first attempt that commits after that second look still leaves a duplicate; the
window is the time the server takes to act on a request the client gave up on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from mlflow_rest_sdk._runtime.disguised import disguised_transient
from mlflow_rest_sdk._runtime.error_base import APIConnectionError, APIConnectionRefused
from mlflow_rest_sdk._runtime.message import Message
from mlflow_rest_sdk._runtime.transport import HttpResponse

IDEMPOTENCY_TAG = "mlflow_rest_sdk.idempotency_key"

T = TypeVar("T")
logger = logging.getLogger("mlflow_rest_sdk")

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
class Removal:
    """A call that removes one duplicate: a client method, its arguments, and what to log (ids,
    never request bodies or headers)."""

    method: str
    arguments: Mapping[str, Any]
    description: str


@dataclass(frozen=True)
class Settlement:
    """What reconciling decided: the create's response to return, and the duplicates to remove."""

    keep: Any
    removals: tuple[Removal, ...] = ()
    kept: str = ""  # what was kept, for the log


@dataclass(frozen=True)
class Reconcile:
    """A read that lists every object carrying the create's key, and ``settle``: from the
    re-sent create's response and the read's answer, what to keep and what to remove."""

    method: str
    arguments: Mapping[str, Any]
    settle: Callable[[Any, Any], Settlement]


@dataclass(frozen=True)
class Recovery:
    """How one create is made safe: ``prepare`` marks the request (e.g. adds an idempotency tag),
    ``find_lost`` looks for a lost attempt's result, ``find_existing`` resolves a conflict seen
    after an ambiguous attempt, ``reconcile`` removes the duplicate a late first attempt left
    after a create that was sent again."""

    prepare: Callable[[Message], Message] | None = None
    find_lost: Callable[[Message], Lookup] | None = None
    find_existing: Callable[[Message], Lookup] | None = None
    reconcile: Callable[[Message], Reconcile] | None = None


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
        transient = disguised_transient(response)
        if transient is not None:
            self.ambiguous = self.ambiguous or not transient.nothing_written
        elif response.status_code in AMBIGUOUS_STATUSES:
            self.ambiguous = True


def is_already_exists(response: HttpResponse) -> bool:
    return response.status_code in (400, 409) and b"RESOURCE_ALREADY_EXISTS" in response.content


def needs_reconciling(attempts: AttemptLog, outcome: HttpResponse) -> bool:
    """Whether a create's successful ``outcome`` came from a send after an ambiguous attempt, so
    that the earlier attempt may still commit (or have committed unseen by the lookup)."""
    return attempts.ambiguous and 200 <= outcome.status_code < 300


def choose_survivor(
    items: Iterable[T], identity: Callable[[T], Hashable], order: Callable[[T], Any]
) -> tuple[T, list[T]] | None:
    """The item to keep among duplicates, and the others (in order); None when there are none.

    Items with the same ``identity`` count once (the first seen). The survivor is the least by
    ``order``, which must be a total order on fields every client reads alike (e.g. start time,
    then id), so that clients reconciling the same key at once keep the same object.
    """
    unique: dict[Hashable, T] = {}
    for item in items:
        unique.setdefault(identity(item), item)
    ranked: Sequence[T] = sorted(unique.values(), key=order)
    if not ranked:
        return None
    return ranked[0], list(ranked[1:])


def log_settlement(operation: str, settlement: Settlement) -> None:
    if settlement.removals:
        logger.warning(
            "%s: a create sent again after an ambiguous failure left %d duplicate(s); kept %s, "
            "removed %s",
            operation,
            len(settlement.removals),
            settlement.kept,
            ", ".join(removal.description for removal in settlement.removals),
        )
    else:
        logger.info("%s: reconciled after an ambiguous failure: no duplicate", operation)


def log_unreconciled(operation: str, error: BaseException) -> None:
    logger.warning(
        "%s: could not check for a duplicate after an ambiguous failure (%s); one may remain",
        operation,
        type(error).__name__,
    )


def log_removal_failed(operation: str, removal: Removal, error: BaseException) -> None:
    logger.warning(
        "%s: could not remove duplicate %s (%s); it remains",
        operation,
        removal.description,
        type(error).__name__,
    )
