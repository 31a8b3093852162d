"""Alias changes that one worker received, for every worker of the service on this machine.

Why: with ``--workers N`` the processes share one port, and MLflow's delivery reaches whichever
worker accepts the connection; the others would only learn of the promotion at their next
listing. So the worker that verified a delivery appends the model's name to a small file in the
shared cache folder, and every worker (itself included) follows that file and reloads what it
names. Following is a ``stat`` and a read every ``poll`` seconds on a local file: no load on
MLflow, and a few tens of milliseconds added to a promotion.

Appends are single ``write`` calls on an ``O_APPEND`` descriptor, so lines from several writers
never interleave. The file is renamed aside when it grows past ``max_bytes``; a follower finishes
the old file before it opens the new one. Lines are lost only when a whole file lives shorter than
one poll (over ``max_bytes`` of names within ``poll`` seconds) or two workers rename at once:
that model then waits for the next listing, like a lost delivery. What is read is checked again
(:func:`water_models.naming.parse_registered_model_name` and the prefix), as anything on disk.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger("water_models")

#: Longest line accepted: a registered model name is at most 256 characters in MLflow.
MAX_LINE = 512


class PushJournal:
    """Publish a model name to every follower of ``path``; follow it with :meth:`start`."""

    def __init__(
        self,
        path: Path,
        on_name: Callable[[str], object],
        *,
        accept: Callable[[str], bool],
        poll: float = 0.05,
        max_bytes: int = 1_000_000,
    ) -> None:
        self.path = path
        self._on_name = on_name
        self._accept = accept
        self._poll = poll
        self._max_bytes = max_bytes
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def publish(self, name: str) -> None:
        """Append ``name`` for every follower; raises OSError when the file cannot be written."""
        line = f"{name}\n".encode()
        if len(line) > MAX_LINE or "\n" in name:
            raise ValueError(f"not a model name: {name[:80]!r}")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if size > self._max_bytes:
            with contextlib.suppress(FileNotFoundError):  # another worker renamed it first
                os.replace(self.path, self.path.with_name(self.path.name + ".old"))

    def start(self) -> None:
        """Follow the file from its current end (what came before, the first listing covers)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o600)
        os.lseek(fd, 0, os.SEEK_END)
        self._thread = threading.Thread(
            target=self._follow, args=(fd,), name="push-journal", daemon=True
        )
        self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _follow(self, fd: int) -> None:
        pending = b""
        try:
            while not self._stop.wait(self._poll):
                pending = self._read(fd, pending)
                try:
                    renamed = os.stat(self.path).st_ino != os.fstat(fd).st_ino
                except FileNotFoundError:
                    continue  # between a rename and the next append
                if renamed:
                    pending = self._read(fd, pending)  # the rest of the old file first
                    fd, old = os.open(self.path, os.O_RDONLY), fd
                    os.close(old)
                    pending = b""
        except Exception:  # the listing still keeps models fresh: log and stop following
            logger.exception("following %s failed; push reaches this worker no more", self.path)
        finally:
            os.close(fd)

    def _read(self, fd: int, pending: bytes) -> bytes:
        while chunk := os.read(fd, 65536):
            pending += chunk
        *lines, rest = pending.split(b"\n")
        for raw in lines:
            name = raw.decode("utf-8", "replace")
            if len(raw) < MAX_LINE and self._accept(name):
                self._on_name(name)
            else:
                logger.warning("ignored a line of %s that names no model of ours", self.path)
        return rest[-MAX_LINE:]
