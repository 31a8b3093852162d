"""The compat client, written once for asyncio; the ``_sync`` folder holds its derived twin."""
