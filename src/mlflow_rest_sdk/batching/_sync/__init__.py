# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/batching/_async/__init__.py
"""The batching helpers' client methods, written once for asyncio; ``_sync/`` holds the derived
blocking twin."""
