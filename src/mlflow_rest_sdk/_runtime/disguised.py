"""MLflow's transient errors in disguise: store overloads and lock errors answered as 400 or 500.

MLflow turns database exceptions it does not classify into ``BAD_REQUEST`` or ``INTERNAL_ERROR``
with the driver's message as text, so a server whose connection pool ran dry says "your request
was bad". Such an answer is recognised here by its body, and the retry policy and the load limit
treat it as the overload it is. ``nothing_written`` says whether the store can have acted: a pool
timeout or a refused database connection happens before any statement runs, so any call may be
sent again; a lock or a deadlock aborts a transaction that had started, and a request may have
committed another before it, so only the idempotency rules decide (creates go through their
recovery).

Which releases disguise what (seen live on 3.17.2: ``tests/load/``,
``tests/production/test_database_refusals.py``, ``test_sqlite_lock_errors.py``,
``test_postgres_lock_errors.py``): the pool timeout (SQLAlchemy's ``TimeoutError``) is a 400 in
every release. From 2.1.0 the store answers SQLAlchemy's ``OperationalError`` as 503
``TEMPORARILY_UNAVAILABLE``, and the lock errors are ``OperationalError``s: 3.17.2 answers
``database is locked``, ``deadlock detected`` and ``could not serialize access`` as 503, which
the status rules retry for any call (its session was rolled back: nothing was written). Their
entries here match the 400 ``BAD_REQUEST`` that 2.0.x servers answer for them (sqlite's seen
live on 2.0.1: ``tests/releases/test_lock_errors_on_2_0.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlflow_rest_sdk._runtime.transport import HttpResponse

# The error codes MLflow wraps store failures in; an ordinary caller's mistake has its own code
# (``INVALID_PARAMETER_VALUE``...), so text echoed from a request cannot be taken for overload.
_WRAPPING_CODES = (b'"BAD_REQUEST"', b'"INTERNAL_ERROR"', b'"TEMPORARILY_UNAVAILABLE"')
_STATUSES = frozenset({400, 500})


@dataclass(frozen=True, slots=True)
class DisguisedTransient:
    """One store failure: its name (for logs), how its text reads, and what it can have done."""

    name: str
    pattern: re.Pattern[bytes]
    nothing_written: bool


DISGUISED_TRANSIENTS: tuple[DisguisedTransient, ...] = (
    DisguisedTransient(
        "sqlalchemy pool timeout",
        re.compile(rb"QueuePool limit of size \d+ overflow -?\d+ reached"),
        nothing_written=True,
    ),
    DisguisedTransient(
        "database connection refused",
        re.compile(rb"could not connect to server|connection to server at .{0,160}? failed"),
        nothing_written=True,
    ),
    DisguisedTransient(
        "postgresql connection slots exhausted",
        re.compile(rb"too many clients already|remaining connection slots are reserved"),
        nothing_written=True,
    ),
    # Disguised only by 2.0.x servers (400); from 2.1.0 these three arrive as plain 503s.
    DisguisedTransient(
        "sqlite database locked",
        re.compile(rb"database is locked"),
        nothing_written=False,
    ),
    DisguisedTransient(
        "postgresql deadlock",
        re.compile(rb"deadlock detected"),
        nothing_written=False,
    ),
    DisguisedTransient(
        "postgresql serialization failure",
        re.compile(rb"could not serialize access"),
        nothing_written=False,
    ),
)


def disguised_transient(response: HttpResponse) -> DisguisedTransient | None:
    """The store failure a 400 or 500 answer hides, or None for a real error."""
    if response.status_code not in _STATUSES:
        return None
    body = response.content
    if not any(code in body for code in _WRAPPING_CODES):
        return None
    for transient in DISGUISED_TRANSIENTS:
        if transient.pattern.search(body):
            return transient
    return None
