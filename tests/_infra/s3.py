"""An S3 server on loopback (moto's, in a thread of this process), for MLflow's artifact store.

MLflow's artifact proxy reaches it through ``MLFLOW_S3_ENDPOINT_URL`` with dummy credentials;
tests read the bucket directly with :meth:`MotoS3.client` to prove artifacts really landed there.
"""

from __future__ import annotations

from typing import Any, Self

import boto3  # type: ignore[import-untyped]
from moto.server import ThreadedMotoServer

from .service import Service

__all__ = ["AWS_ENV", "MotoS3"]

#: Dummy credentials and region: moto accepts any, boto3 and MLflow insist on having some.
AWS_ENV: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class MotoS3(Service):
    """moto's S3 server on ``127.0.0.1`` and a port the OS picks, with ``buckets`` created.

    moto keeps its state per process, so two servers in one process see the same buckets: give
    each user its own bucket name.
    """

    def __init__(self, *buckets: str) -> None:
        self.buckets = buckets
        self._server: ThreadedMotoServer | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """The endpoint, e.g. ``http://127.0.0.1:PORT``."""
        if self._url is None:
            raise RuntimeError("the S3 server is not running: call start() first")
        return self._url

    def server_env(self) -> dict[str, str]:
        """What an MLflow server needs in its environment to store artifacts here."""
        return {"MLFLOW_S3_ENDPOINT_URL": self.url, **AWS_ENV}

    def client(self) -> Any:
        """A boto3 S3 client for this server."""
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"],
            region_name=AWS_ENV["AWS_DEFAULT_REGION"],
        )

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object key in ``bucket`` under ``prefix``, sorted."""
        paginator = self.client().get_paginator("list_objects_v2")
        found: list[str] = []
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            found += [entry["Key"] for entry in page.get("Contents", [])]
        return sorted(found)

    def start(self) -> Self:
        # Port 0: the OS picks a free port while binding, so no other process can take it first.
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        self._server = server
        host, port = server.get_host_and_port()
        self._url = f"http://{host}:{port}"
        try:
            client = self.client()
            for bucket in self.buckets:
                client.create_bucket(Bucket=bucket)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        self._url = None
        if server is not None:
            server.stop()
