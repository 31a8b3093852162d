"""MLflow as it runs in production: PostgreSQL backend store, S3 artifacts behind the server's
artifact proxy, several uvicorn workers.

Each part is a real server on loopback: :class:`PostgresServer`, :class:`MotoS3` and
:class:`LocalMlflowServer` started with ``--backend-store-uri postgresql://...``,
``--artifacts-destination s3://BUCKET/PREFIX`` and ``--workers 4``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Self

from mlflow_rest_sdk.local_server import LocalMlflowServer

from .postgres import PostgresServer
from .s3 import MotoS3
from .service import Service

__all__ = ["ProductionTopology"]

#: As many uvicorn workers as a small production deployment runs.
PRODUCTION_WORKERS = 4
ARTIFACT_PREFIX = "mlflow-artifacts"
#: Each worker serves up to 40 requests at once (Starlette's thread pool for the Flask app), and
#: MLflow 3.17.2's ``log_batch`` holds one pooled connection while ``_log_metrics`` takes a second
#: one: with SQLAlchemy's default pool (5 + 10 overflow) 15 concurrent batches on one worker
#: deadlock it until ``pool_timeout`` (30 s) turns them into errors. A pool of 2 x 40 per worker
#: cannot run dry, as a production deployment must be sized.
POOL_ENV = {
    "MLFLOW_SQLALCHEMYSTORE_POOL_SIZE": "10",
    "MLFLOW_SQLALCHEMYSTORE_MAX_OVERFLOW": "70",
}
#: Room for every worker's full pool, plus our own connections.
POSTGRES_MAX_CONNECTIONS = PRODUCTION_WORKERS * 80 + 20


class ProductionTopology(Service):
    """PostgreSQL + moto S3 + a ``workers``-worker MLflow server on both; a context manager.

    :attr:`url` is the tracking URI; :attr:`bucket` and :attr:`prefix` say where the proxy puts
    artifacts, and :attr:`s3` reads them directly.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        workers: int = PRODUCTION_WORKERS,
        startup_timeout: float = 300.0,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.workers = workers
        self.startup_timeout = startup_timeout
        self.extra_env = dict(extra_env or {})
        # Unique per topology: moto's buckets are shared by every moto server in this process.
        self.bucket = f"mlflow-prod-{uuid.uuid4().hex[:12]}"
        self.prefix = ARTIFACT_PREFIX
        self.postgres = PostgresServer(
            startup_timeout=startup_timeout, max_connections=POSTGRES_MAX_CONNECTIONS
        )
        self.s3 = MotoS3(self.bucket)
        self._server: LocalMlflowServer | None = None
        self._stack = contextlib.ExitStack()

    @property
    def server(self) -> LocalMlflowServer:
        if self._server is None:
            raise RuntimeError("the topology is not running: call start() first")
        return self._server

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def artifacts_destination(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def start(self) -> Self:
        """Start PostgreSQL and S3 (they are independent), then MLflow on them."""
        try:
            self._stack.enter_context(self.postgres)
            self._stack.enter_context(self.s3)
            server = LocalMlflowServer(
                data_dir=self.data_dir,
                backend_store_uri=self.postgres.uri,
                artifacts_destination=self.artifacts_destination,
                workers=self.workers,
                startup_timeout=self.startup_timeout,
                extra_env={**POOL_ENV, **self.s3.server_env(), **self.extra_env},
            )
            self._server = self._stack.enter_context(server)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """MLflow first (its workers hold database connections), then S3 and PostgreSQL."""
        self._server = None
        self._stack.close()

    def __repr__(self) -> str:
        where = self._server.url if self._server is not None else "stopped"
        return f"ProductionTopology({where}, {self.workers} workers, {self.artifacts_destination})"
