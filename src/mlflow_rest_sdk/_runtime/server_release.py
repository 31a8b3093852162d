"""What the server's MLflow release allows, decided without I/O and shared by both clients.

A call needs a look at the server's release only when its route, or a field it sets, is newer
than the oldest release of the spec's history (``Endpoint.first_release``, ``later_fields``,
``gaps``): everyday calls need none, so they never cost a ``GET /version``. The request path
(``_async/client_base.py``) learns the release once per client when the first call needs it,
then asks :func:`refusal` whether to send.

Versions are compared by their release numbers only: a dev, rc or post build of X.Y.Z counts as
X.Y.Z. A ``3.1.0.dev0`` server is on its way to 3.1.0 and may have any of its features; treating
it as 3.1.0 never refuses a call it might serve, and what it lacks it answers with a 404, which
:func:`not_served` words as well as a pre-send check would.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import BaseModel

from mlflow_rest_sdk._runtime.endpoint import Endpoint
from mlflow_rest_sdk._runtime.error_base import EndpointNotServed, UnsupportedByServer
from mlflow_rest_sdk._runtime.transport import HttpResponse

__all__ = [
    "AUTO",
    "OFF",
    "Need",
    "Release",
    "ServerRelease",
    "needs_of",
    "not_served",
    "parse_release",
    "refusal",
    "serves",
]

#: ``server_version`` settings besides a release: learn it from ``GET /version``, or never check.
AUTO: Final = "auto"
OFF: Final = "off"

_VERSION = re.compile(
    r"v?(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<micro>\d+))?"
    r"(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview|dev|post)[-_.]?\d*)*"
    r"(?:\+[a-z0-9.]+)?",
    re.IGNORECASE,
)
# A server's answer to /version that is longer than this is a page, not a version.
_MAX_VERSION_TEXT = 64


@dataclass(frozen=True, order=True)
class Release:
    """An MLflow release as its three numbers; ``text`` is what the server or spec said."""

    major: int
    minor: int
    micro: int
    text: str = field(compare=False)

    def __str__(self) -> str:
        return self.text


@functools.cache
def parse_release(text: str) -> Release | None:
    """``"2.22.5"``, ``"3.1.0.dev0"``, ``"3.0.0rc1"``, ``"3.2"`` -> a Release; anything else
    (an HTML page, an empty body) -> None."""
    cleaned = text.strip()
    match = _VERSION.fullmatch(cleaned) if len(cleaned) <= _MAX_VERSION_TEXT else None
    if match is None:
        return None
    micro = match["micro"]
    return Release(int(match["major"]), int(match["minor"]), int(micro or 0), cleaned)


def _release(text: str | None) -> Release | None:
    return parse_release(text) if text is not None else None


@dataclass(frozen=True, slots=True)
class Need:
    """One thing a call needs of the server: its route (``field`` None) or a field it sets."""

    field: str | None
    first_release: str | None
    gaps: tuple[tuple[str, str], ...] = ()


def needs_of(
    endpoint: Endpoint,
    message: BaseModel | None,
    oldest: str | None,
    server: Release | None = None,
) -> tuple[Need, ...]:
    """What this call needs beyond the oldest release of the history: the route when it is
    newer (or has gaps), and each field the call sets that is newer than its route. A field
    that ``server``, when known, already has is not looked for. Cheap: a few comparisons, and
    for the routes that list nested fields one pass over the nested items."""
    floor = _release(oldest)
    found: list[Need] = []
    route = _release(endpoint.first_release)
    if endpoint.gaps or (route is not None and (floor is None or route > floor)):
        found.append(Need(None, endpoint.first_release, endpoint.gaps))
    if message is None:
        return tuple(found)
    later = endpoint.later_fields
    if server is not None:
        later = tuple((path, r) for path, r in later if (_release(r) or server) > server)
    if later:
        given = set().union(
            *(_set_under(message, parent, names) for parent, names in _groups(later))
        )
        found += [Need(path, release) for path, release in later if path in given]
    for name, removed_in, back_in in endpoint.field_gaps:
        if _set_under(message, (), frozenset({name})):
            found.append(Need(name, None, ((removed_in, back_in),)))
    return tuple(found)


@functools.cache
def _groups(
    later: tuple[tuple[str, str], ...],
) -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
    """Dotted field paths grouped by the message that holds them: ``metrics.model_id`` and
    ``metrics.dataset_name`` -> ``(("metrics",), {"model_id", "dataset_name"})``."""
    grouped: dict[tuple[str, ...], set[str]] = {}
    for path, _ in later:
        *parent, name = path.split(".")
        grouped.setdefault(tuple(parent), set()).add(name)
    return tuple((parent, frozenset(names)) for parent, names in grouped.items())


def _set_under(message: BaseModel, parent: tuple[str, ...], names: frozenset[str]) -> set[str]:
    """The dotted paths of ``names`` that the call gives a value in any message at ``parent``
    (through lists of nested messages). None and empty lists or maps are never sent: they do
    not count."""
    given: set[str] = set()
    for item in _messages_at(message, parent):
        for name in item.model_fields_set & names:
            value = getattr(item, name, None)
            if value is not None and value != [] and value != {}:
                given.add(name)
        if len(given) == len(names):
            break
    prefix = "".join(f"{part}." for part in parent)
    return {prefix + name for name in given}


def _messages_at(message: BaseModel, parts: Sequence[str]) -> list[BaseModel]:
    """The messages the call gives at ``parts`` below ``message``: one level at a time, lists
    flattened (a plain loop: a batch holds a thousand metrics)."""
    level: list[Any] = [message]
    for part in parts:
        below: list[Any] = []
        for item in level:
            if isinstance(item, BaseModel) and part in item.model_fields_set:
                value = getattr(item, part, None)
                if isinstance(value, list | tuple):
                    below.extend(value)
                elif value is not None:
                    below.append(value)
        level = below
    return [item for item in level if isinstance(item, BaseModel)]


def _shortfall(need: Need, server: Release) -> str | None:
    """Why ``server`` cannot honour ``need`` (None: it can)."""
    first = _release(need.first_release)
    if first is not None and server < first:
        return f"needs MLflow >= {need.first_release}"
    for removed_in, back_in in need.gaps:
        removed, back = _release(removed_in), _release(back_in)
        if removed is not None and back is not None and removed <= server < back:
            return f"is missing from MLflow {removed_in} up to {back_in} (back in {back_in})"
    return None


def serves(endpoint: Endpoint, server: Release) -> bool | None:
    """Whether a server of release ``server`` serves ``endpoint``'s route (None: the history
    does not say which release does); for reports such as the doctor's."""
    if endpoint.first_release is None:
        return None
    return _shortfall(Need(None, endpoint.first_release, endpoint.gaps), server) is None


def refusal(
    endpoint: Endpoint, needs: Sequence[Need], server: Release, server_url: str
) -> UnsupportedByServer | None:
    """The error to raise before sending, when ``server`` lacks the route or a set field."""
    for need in needs:
        reason = _shortfall(need, server)
        if reason is None:
            continue
        if need.field is None:
            return EndpointNotServed(
                f"{endpoint.operation} {reason}; the server at {server_url} runs {server}",
                operation=endpoint.operation,
                needs=need.first_release,
                server_release=server.text,
                server_url=server_url,
            )
        return UnsupportedByServer(
            f"{endpoint.operation}: field `{need.field}` {reason}; the server at {server_url} "
            f"runs {server}, which would ignore it without an error",
            operation=endpoint.operation,
            needs=need.first_release,
            server_release=server.text,
            server_url=server_url,
            field=need.field,
        )
    return None


def is_mlflow_error(response: HttpResponse) -> bool:
    """Whether the body is MLflow's JSON error (``{"error_code": ...}``), not a web page."""
    content = response.content.lstrip()
    if not content.startswith(b"{"):
        return False
    try:
        body = json.loads(content)
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("error_code"), str)


def not_served(
    endpoint: Endpoint,
    response: HttpResponse,
    server: Release | None,
    server_url: str,
    oldest: str | None,
) -> EndpointNotServed | None:
    """A 404 that is not MLflow's own error, on a route some release lacks, means the route is
    not there: an error naming the route and the release it needs. None for a route every
    release of the history serves (its 404 page says something else: a wrong path prefix, a
    missing file) and when the server's known release serves the route; those 404s are mapped
    as any other."""
    if response.status_code != 404 or is_mlflow_error(response):
        return None
    route = f"{endpoint.method} {endpoint.path}"
    if endpoint.first_release is None:
        needs = "no MLflow release known to this SDK serves it"
    else:
        need = Need(None, endpoint.first_release, endpoint.gaps)
        first, floor = _release(endpoint.first_release), _release(oldest)
        if not endpoint.gaps and first is not None and floor is not None and first <= floor:
            return None
        if server is not None and _shortfall(need, server) is None:
            return None
        needs = f"it needs MLflow >= {endpoint.first_release}"
    runs = f"runs {server}" if server is not None else "did not say which release it runs"
    return EndpointNotServed(
        f"{endpoint.operation}: the server at {server_url} does not serve {route} (HTTP 404, "
        f"not an MLflow error): {needs}; the server {runs}",
        operation=endpoint.operation,
        needs=endpoint.first_release,
        server_release=server.text if server is not None else None,
        server_url=server_url,
        sent=True,
    )


# Answers to GET /version that may change on the next try: the release stays to be learned.
_TRANSIENT = frozenset({401, 408, 425, 429})


class ServerRelease:
    """What one client knows of its server's release: set by configuration (a release, or
    ``off``), else learned once from ``GET /version``. When the server does not say, the
    release stays unknown and every call is sent as it would be without checks."""

    def __init__(self, setting: str = AUTO) -> None:
        self.checking = setting != OFF
        self.release: Release | None = None if setting in (AUTO, OFF) else parse_release(setting)
        self.settled = setting != AUTO

    def learn(self, response: HttpResponse) -> None:
        """Take the answer to ``GET /version``: a release, or a definite "will not say"."""
        status = response.status_code
        if 200 <= status < 300:
            self.release = parse_release(response.text)
            self.settled = True
        elif status < 500 and status not in _TRANSIENT:
            self.settled = True
