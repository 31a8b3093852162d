# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/artifacts/_async/__init__.py
"""The artifact helpers' network half, written once for asyncio; ``_sync/`` holds the derived
blocking twin."""
