"""URL helpers that need no HTTP library, so modules that only word errors stay import-cheap.

:func:`redact_url` lives here because the artifact helpers redact presigned URLs, and importing
them must not import httpx; :func:`url_with_query` because every transport builds its query
string with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

__all__ = ["redact_url", "url_with_query"]


def redact_url(url: str) -> str:
    """Return ``url`` without user-info, query or fragment, fit for error messages."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = host if parts.port is None else f"{host}:{parts.port}"
    except ValueError:
        return "<unparseable URL>"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def url_with_query(url: str, params: Sequence[tuple[str, str]]) -> str:
    """Append ``params`` to ``url``, percent-encoded, repeated keys kept in their order.

    Done here rather than by the HTTP library: httpx groups repeated keys together, and
    aiohttp encodes spaces as ``+``; this way every transport sends the same query string.
    """
    if not params:
        return url
    separator = "&" if "?" in url else "?"
    return url + separator + urlencode(params, quote_via=quote, safe="")
