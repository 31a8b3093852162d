"""Recognising a refused connection, whatever HTTP library raised it (no library imported)."""

from __future__ import annotations

import errno

__all__ = ["is_connection_refused"]


def is_connection_refused(exc: BaseException) -> bool:
    """True if ``exc`` or anything in its cause chain (or exception groups) is a refusal."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError) or (
            isinstance(current, OSError) and current.errno == errno.ECONNREFUSED
        ):
            return True
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return False
