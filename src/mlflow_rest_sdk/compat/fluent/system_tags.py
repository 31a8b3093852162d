"""The tags MLflow puts on every run the fluent ``start_run`` creates: who started it, from
which script, at which git commit, as MLflow's run-context providers read them."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from functools import cache
from typing import Any

__all__ = ["resolve_tags"]

MLFLOW_USER = "mlflow.user"
MLFLOW_SOURCE_NAME = "mlflow.source.name"
MLFLOW_SOURCE_TYPE = "mlflow.source.type"
MLFLOW_GIT_COMMIT = "mlflow.source.git.commit"
MLFLOW_GIT_BRANCH = "mlflow.source.git.branch"
MLFLOW_GIT_REPO_URL = "mlflow.source.git.repoURL"


def _main_file() -> str | None:
    return sys.argv[0] if sys.argv and sys.argv[0] else None


def _user() -> str:
    """``MLFLOW_TRACKING_USERNAME`` when set (MLflow reads its credentials first), else the
    login name."""
    try:
        return os.environ.get("MLFLOW_TRACKING_USERNAME") or getpass.getuser()
    except (ImportError, KeyError, OSError):
        return "unknown"


def _git(folder: str, *arguments: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", folder, *arguments],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    output = done.stdout.strip()
    return output if done.returncode == 0 and output else None


def _strip_credentials(url: str) -> str:
    """A remote URL without its ``user:token@`` part: tags are shown to everyone."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    location, slash, path = rest.partition("/")
    return f"{scheme}://{location.rpartition('@')[2]}{slash}{path}"


@cache
def _git_tags(main_file: str) -> dict[str, str]:
    """Commit, branch and first remote of the repository holding ``main_file`` (nothing when it
    is in none, or ignored by it); read once per process, as MLflow caches them."""
    path = os.path.abspath(main_file)
    folder = os.path.dirname(path) if os.path.isfile(path) else path
    commit = _git(folder, "rev-parse", "HEAD")
    if commit is None or _git(folder, "check-ignore", path) is not None:
        return {}
    tags = {MLFLOW_GIT_COMMIT: commit}
    branch = _git(folder, "symbolic-ref", "--short", "-q", "HEAD")
    if branch is not None:
        tags[MLFLOW_GIT_BRANCH] = branch
    remotes = _git(folder, "remote")
    if remotes is not None:
        url = _git(folder, "remote", "get-url", remotes.splitlines()[0])
        if url is not None:
            tags[MLFLOW_GIT_REPO_URL] = _strip_credentials(url)
    return tags


def resolve_tags(user_tags: dict[str, Any]) -> dict[str, Any]:
    """The system tags, then ``MLFLOW_RUN_CONTEXT``'s (a JSON object), then the caller's, each
    overriding the ones before, in MLflow's order."""
    main_file = _main_file()
    tags: dict[str, Any] = {
        MLFLOW_USER: _user(),
        MLFLOW_SOURCE_NAME: main_file or "<console>",
        MLFLOW_SOURCE_TYPE: "LOCAL",
    }
    if main_file is not None:
        tags.update(_git_tags(main_file))
    context = os.environ.get("MLFLOW_RUN_CONTEXT")
    if context:
        tags.update(json.loads(context))
    tags.update(user_tags)
    return tags
