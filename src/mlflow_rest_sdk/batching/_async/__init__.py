"""The batching helpers' client methods, written once for asyncio; ``_sync/`` holds the derived
blocking twin."""
