"""Count TCP connections to a port from ``/proc/net/tcp``, without psutil.

A closed connection stays listed (TIME_WAIT) for about a minute, so the client ports seen after
a contender ran, minus those seen before, are the connections it opened.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["parse_proc_net_tcp", "peer_ports"]

_TABLES = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))


def parse_proc_net_tcp(text: str, port: int) -> set[int]:
    """The other end's port of every socket in ``text`` with ``port`` on one side (not LISTEN)."""
    found: set[int] = set()
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 4 or fields[3] == "0A":  # 0A = LISTEN
            continue
        local = int(fields[1].rsplit(":", 1)[1], 16)
        remote = int(fields[2].rsplit(":", 1)[1], 16)
        if local == port:
            found.add(remote)
        elif remote == port:
            found.add(local)
    return found


def peer_ports(port: int) -> set[int]:
    """Client ports of every connection to or from ``port`` on this host right now."""
    found: set[int] = set()
    for table in _TABLES:
        try:
            found |= parse_proc_net_tcp(table.read_text(), port)
        except OSError:
            continue
    return found
