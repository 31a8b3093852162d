# Derived by `make generate` (python -m codegen derive): do not edit; change the source.
# Source: src/mlflow_rest_sdk/compat/_async/__init__.py
"""The compat client, written once for asyncio; the ``_sync`` folder holds its derived twin."""
