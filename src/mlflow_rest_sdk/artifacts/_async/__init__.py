"""The artifact helpers' network half, written once for asyncio; ``_sync/`` holds the derived
blocking twin."""
