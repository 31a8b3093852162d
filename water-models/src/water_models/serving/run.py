"""Start the service on uvicorn, in one process or several (``--workers``).

Several workers are separate processes that each import the application and build their own
fleet cache, so the settings travel through the environment (:meth:`ServeSettings.to_env`):
every worker sees exactly what the command line said. Each worker refreshes on its own jittered
schedule; they share the disk cache, whose writes are atomic renames.
"""

from __future__ import annotations

import os

from water_models.settings import ServeSettings

APP = "water_models.serving.app:app_from_env"


def serve(
    settings: ServeSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    log_level: str = "info",
) -> None:
    """Run until interrupted (SIGINT/SIGTERM stop uvicorn, which stops each cache)."""
    import uvicorn

    if workers < 1:
        raise ValueError(f"--workers must be at least 1, got {workers}")
    os.environ.update(settings.to_env())
    uvicorn.run(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        # The service's own /health says more than uvicorn's access log line per probe.
        access_log=log_level == "debug",
    )
