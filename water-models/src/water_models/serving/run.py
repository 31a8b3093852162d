"""Start the service on uvicorn, in one process or several (``--workers``).

Several workers are separate processes that each import the application and build their own
fleet cache, so the settings travel through the environment (:meth:`ServeSettings.to_env`):
every worker sees exactly what the command line said. Each worker refreshes on its own jittered
schedule; they share the disk cache, whose writes are atomic renames.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from water_models.settings import ServeSettings

APP = "water_models.serving.app:app_from_env"
#: The loggers of the service and of the SDK under it, shown next to uvicorn's own lines.
SERVICE_LOGGERS = ("water_models", "mlflow_rest_sdk")


def log_config(log_level: str) -> dict[str, Any]:
    """uvicorn's logging set-up, plus the service's loggers at ``log_level``: uvicorn configures
    only its own loggers, in every worker process, so the service's INFO records (push active,
    webhook deliveries, refreshes) were dropped by logging's last-resort handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["service"] = {
        "()": "uvicorn.logging.DefaultFormatter",
        "fmt": "%(levelprefix)s %(name)s: %(message)s",
    }
    config["handlers"]["service"] = {
        "formatter": "service",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    for name in SERVICE_LOGGERS:
        config["loggers"][name] = {
            "handlers": ["service"],
            "level": log_level.upper(),
            "propagate": False,
        }
    return config


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
        log_config=log_config(log_level),
        # The service's own /health says more than uvicorn's access log line per probe.
        access_log=log_level == "debug",
    )
