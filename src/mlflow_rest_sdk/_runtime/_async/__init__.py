"""The runtime's I/O paths, written once for asyncio in ``_async/``; ``_sync/`` holds their
blocking twins, derived by ``make generate``."""
