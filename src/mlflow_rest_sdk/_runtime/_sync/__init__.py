# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/_runtime/_async/__init__.py
"""The runtime's I/O paths, written once for asyncio in ``_sync/``; ``_sync/`` holds their
blocking twins, derived by ``make generate``."""
