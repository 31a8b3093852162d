"""``models:/`` and ``runs:/`` URIs taken apart: pure functions, no I/O.

The forms are MLflow's: ``models:/name/3`` (a version), ``models:/name/Staging`` (the latest
version in a stage), ``models:/name/latest``, ``models:/name@champion`` (an alias),
``models:/m-<id>`` (a logged model) and ``runs:/<run_id>/path``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from mlflow_rest_sdk.compat.exceptions import MlflowException

__all__ = ["ModelUri", "parse_model_uri", "parse_runs_uri"]

_LATEST = "latest"


@dataclass(frozen=True)
class ModelUri:
    """What a ``models:/`` URI names: a logged model, or a registered model and one of version,
    stage or alias (none of them: its latest version)."""

    model_id: str | None = None
    name: str | None = None
    version: str | None = None
    stage: str | None = None
    alias: str | None = None


def _improper(uri: str) -> MlflowException:
    return MlflowException.invalid_parameter_value(
        f"Not a proper models:/ URI: {uri}. Models URIs must be of the form "
        "'models:/name/suffix' or 'models:/name@alias' where suffix is a version, stage, or "
        f"the string {_LATEST!r}, or 'models:/<model_id>'"
    )


def parse_model_uri(uri: str) -> ModelUri:
    """Split a ``models:/`` URI; anything else is an ``INVALID_PARAMETER_VALUE``."""
    parsed = urlparse(uri, allow_fragments=False)
    parts = parsed.path.lstrip("/").split("/") if parsed.path.startswith("/") else []
    if parsed.scheme != "models" or not parts or not parts[0].strip() or len(parts) > 2:
        raise _improper(uri)
    if len(parts) == 2:
        name, suffix = parts
        if not suffix.strip():
            raise _improper(uri)
        if suffix.isdigit():
            return ModelUri(name=name, version=suffix)
        if suffix.lower() == _LATEST:
            return ModelUri(name=name)
        return ModelUri(name=name, stage=suffix)
    name, at, alias = parts[0].partition("@")
    if at:
        if not name or not alias:
            raise _improper(uri)
        return ModelUri(name=name, alias=alias)
    if name.startswith("m-"):
        return ModelUri(model_id=name)
    return ModelUri(name=name)


def parse_runs_uri(uri: str) -> tuple[str, str]:
    """``runs:/<run_id>/path`` as ``(run_id, path)`` (path may be empty)."""
    parsed = urlparse(uri)
    run_id, _, path = parsed.path.lstrip("/").partition("/")
    if parsed.scheme != "runs" or not run_id:
        raise MlflowException.invalid_parameter_value(
            f"Not a proper runs:/ URI: {uri}. Runs URIs must be of the form 'runs:/<run_id>/path'"
        )
    return run_id, path
