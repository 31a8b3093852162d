"""URL helpers that need no HTTP library, so modules that only word errors stay import-cheap.

:func:`redact_url` lives here rather than in :mod:`.httpx_transport` (which re-exports it): the
artifact helpers redact presigned URLs, and importing them must not import httpx.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["redact_url"]


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
