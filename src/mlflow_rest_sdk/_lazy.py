"""Former home of :func:`mlflow_rest_sdk.lazy.lazy_attributes`, kept importable for old callers."""

from __future__ import annotations

from mlflow_rest_sdk.lazy import lazy_attributes

__all__ = ["lazy_attributes"]
