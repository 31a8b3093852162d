"""Waiting between polls: the one thing the compat client's two twins do differently.

A hand-written pair whose names ``codegen/unasync.py`` maps onto each other: the asyncio source
awaits :func:`pause_async`, its derived blocking twin calls :func:`pause_sync`.
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["pause_async", "pause_sync"]


async def pause_async(seconds: float) -> None:
    await asyncio.sleep(seconds)


def pause_sync(seconds: float) -> None:
    time.sleep(seconds)
