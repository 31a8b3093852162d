"""Derive the blocking twin of asyncio source: a token rewrite, in the manner of ``unasync``.

A hand-written module in an ``_async/`` folder is the one source of a request path; its twin in the
sibling ``_sync/`` folder is written from it by :func:`derive_all` (``python -m codegen derive``,
run by ``make generate``) and is generated code like the rest. The rewrite works on tokens, not
text, so identifiers inside longer names are never touched by accident:

- ``async def`` / ``async with`` / ``async for`` lose ``async``; ``await`` disappears;
- ``Awaitable[X]`` becomes ``X``;
- names are mapped by :data:`NAME_REPLACEMENTS` first, then ``Async`` before a capital letter is
  dropped (``AsyncHttpxTransport`` -> ``HttpxTransport``, ``httpx.AsyncClient`` ->
  ``httpx.Client``); the same mapping applies to names in comments and strings, so docstrings and
  error messages name the blocking classes.

What truly differs between the two worlds (threads vs tasks, ``asyncio.to_thread`` for file I/O)
is not rewritten: the source calls a hand-written shim pair whose names map onto each other
(``artifacts/offload.py``, ``batching/fan_out.py``, the run loggers
``batching/async_run_logger.py`` / ``run_logger.py``).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tempfile
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SOURCE_DIR = "_async"
TARGET_DIR = "_sync"

#: Names whose blocking twin is not found by dropping ``Async``.
NAME_REPLACEMENTS: dict[str, str] = {
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
    "StopAsyncIteration": "StopIteration",
    "asynccontextmanager": "contextmanager",
    "AbstractAsyncContextManager": "AbstractContextManager",
    "aclose": "close",
    "aread": "read",
    "aiter_bytes": "iter_bytes",
    "aiter_raw": "iter_raw",
    "aiter_lines": "iter_lines",
    SOURCE_DIR: TARGET_DIR,
    # Shim pairs (hand-written, one per world): the source calls the asyncio side.
    "async_retrying": "sync_retrying",
    "resolve_async_transport": "resolve_sync_transport",
    "offload_async": "offload_sync",
    "fan_out_async": "fan_out_sync",
    "offloaded_chunks_async": "offloaded_chunks_sync",
    "async_client": "sync_client",
    "async_lock": "sync_lock",
    "pause_async": "pause_sync",
    # Modules of a hand-written pair named by their world (``batching/async_run_logger.py``).
    "async_run_logger": "run_logger",
}

_CAMEL_ASYNC = re.compile(r"Async(?=[A-Z])")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DROPPED_BEFORE = frozenset({"def", "with", "for"})


def rename(name: str) -> str:
    """The blocking twin of one identifier."""
    if name in NAME_REPLACEMENTS:
        return NAME_REPLACEMENTS[name]
    return _CAMEL_ASYNC.sub("", name)


def _rename_words(text: str) -> str:
    return _WORD.sub(lambda match: rename(match.group(0)), text)


@dataclass(frozen=True)
class _Token:
    kind: int
    text: str
    start: tuple[int, int]
    end: tuple[int, int]


def _tokens(source: str) -> list[_Token]:
    return [
        _Token(t.type, t.string, t.start, t.end)
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
    ]


def _offsets(source: str) -> list[int]:
    """Offset in ``source`` of each line's start (1-based rows, as tokenize counts them)."""
    starts = [0, 0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _matching_bracket(tokens: list[_Token], opening: int) -> int:
    depth = 0
    for index in range(opening, len(tokens)):
        text = tokens[index].text
        if text in "([{" and tokens[index].kind == tokenize.OP:
            depth += 1
        elif text in ")]}" and tokens[index].kind == tokenize.OP:
            depth -= 1
            if depth == 0:
                return index
    raise SyntaxError("unbalanced brackets after Awaitable")


def _dropped(tokens: list[_Token]) -> set[int]:
    """Indices of tokens the blocking twin leaves out (whitespace after them goes too)."""
    dropped: set[int] = set()
    for index, token in enumerate(tokens):
        if token.kind != tokenize.NAME:
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.text == "await" or (
            token.text == "async" and following is not None and following.text in _DROPPED_BEFORE
        ):
            dropped.add(index)
        elif token.text == "Awaitable" and following is not None and following.text == "[":
            dropped.update({index, index + 1, _matching_bracket(tokens, index + 1)})
    return dropped


def _rewritten(token: _Token) -> str:
    if token.kind == tokenize.NAME:
        return rename(token.text)
    if token.kind in (tokenize.STRING, tokenize.COMMENT):
        return _rename_words(token.text)
    return token.text


def unasync_source(source: str) -> str:
    """The blocking twin of asyncio ``source`` (unformatted: ruff formats it afterwards)."""
    tokens = _tokens(source)
    offsets = _offsets(source)
    dropped = _dropped(tokens)
    out: list[str] = []
    position = 0
    skip_gap = False
    for index, token in enumerate(tokens):
        begin = offsets[token.start[0]] + token.start[1]
        gap = source[position:begin]
        if not (skip_gap and gap.strip() == ""):
            out.append(gap)
        position = offsets[token.end[0]] + token.end[1]
        skip_gap = index in dropped
        if not skip_gap:
            out.append(_rewritten(token))
    out.append(source[position:])
    return "".join(out)


def header(source_path: str) -> str:
    return (
        "# Derived by `make generate` (python -m codegen derive): do not edit; change the source.\n"
        f"# Source: {source_path}\n"
    )


@dataclass(frozen=True)
class Derivation:
    """One source module and the blocking twin written from it (paths relative to the root)."""

    source: Path
    target: Path


def derivations(root: Path) -> list[Derivation]:
    """Every ``*.py`` in an ``_async/`` folder of the source trees of ``root``, sorted."""
    found: list[Derivation] = []
    for source in sorted(_source_files(root, SOURCE_DIR)):
        relative = source.relative_to(root)
        target = relative.parent.parent / TARGET_DIR / relative.name
        found.append(Derivation(relative, target))
    return found


def _source_files(root: Path, folder: str) -> Iterator[Path]:
    """``*.py`` files in ``folder``-named directories of ``root/src`` and of each distribution's
    ``root/<member>/src`` (tests and fixtures are not scanned)."""
    for tree in [root / "src", *sorted(root.glob("*/src"))]:
        yield from tree.glob(f"**/{folder}/*.py")


def render(root: Path, derivation: Derivation) -> str:
    source = (root / derivation.source).read_text(encoding="utf-8")
    return header(derivation.source.as_posix()) + unasync_source(source)


def _format(paths: list[Path], project_root: Path) -> None:
    """The project's ruff config over the twins: drop imports left unused, sort, format."""
    if not paths:
        return
    ruff = [sys.executable, "-m", "ruff"]
    config = ["--config", str(project_root / "pyproject.toml")]
    files = [str(p) for p in paths]
    fix_imports = ["check", *config, "--quiet", "--fix", "--select", "I,F401"]
    subprocess.run([*ruff, *fix_imports, *files], check=True)
    subprocess.run([*ruff, "format", *config, "--quiet", *files], check=True)


def _derived_files(root: Path) -> Iterator[Path]:
    """Files in ``_sync/`` folders that carry the derived header (relative to ``root``)."""
    for path in sorted(_source_files(root, TARGET_DIR)):
        relative = path.relative_to(root)
        with path.open(encoding="utf-8") as handle:
            if handle.readline().startswith("# Derived by "):
                yield relative


def derive_all(root: Path, out: Path | None = None, project_root: Path | None = None) -> list[Path]:
    """Write the blocking twin of every source under ``root`` into ``out`` (default: ``root``)
    and delete derived files whose source is gone; returns the targets (relative paths)."""
    destination = out or root
    found = derivations(root)
    wanted = {d.target for d in found}
    written: list[Path] = []
    for derivation in found:
        target = destination / derivation.target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(root, derivation), encoding="utf-8")
        written.append(target)
    if out is None:
        for stale in set(_derived_files(root)) - wanted:
            (root / stale).unlink()
    _format(written, project_root or root)
    return sorted(wanted)


def stale_twins(root: Path, project_root: Path | None = None) -> list[str]:
    """What ``derive_all`` would change under ``root``: edited, missing or orphaned twins."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        targets = derive_all(root, fresh, project_root or root)
        problems = []
        for target in targets:
            current = root / target
            if not current.exists():
                problems.append(f"{target}: missing")
            elif current.read_bytes() != (fresh / target).read_bytes():
                problems.append(f"{target}: differs from its source (edited by hand?)")
    problems += [
        f"{orphan}: its source is gone" for orphan in set(_derived_files(root)) - set(targets)
    ]
    return sorted(problems)
