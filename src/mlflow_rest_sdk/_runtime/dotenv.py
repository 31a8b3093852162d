"""A reader for ``.env`` files, kept tiny so the SDK's runtime needs no extra dependency.

Supports ``KEY=value``, ``export KEY=value``, comments, blank lines and single- or
double-quoted values; no variable expansion (values are taken literally).
"""

from __future__ import annotations

import re
from pathlib import Path

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def parse_env(text: str, *, source: str = ".env") -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"{source}:{number}: expected KEY=value")
        key, raw = match.groups()
        values[key] = _unquote(raw, source, number)
    return values


def _unquote(raw: str, source: str, number: int) -> str:
    if raw[:1] in ("'", '"'):
        quote = raw[0]
        end = raw.find(quote, 1)
        if end == -1:
            raise ValueError(f"{source}:{number}: unterminated {quote} quote")
        return raw[1:end]
    return raw.split(" #", 1)[0].strip()


def read_env_file(path: Path) -> dict[str, str]:
    return parse_env(path.read_text(encoding="utf-8"), source=str(path))
