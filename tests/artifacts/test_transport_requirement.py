"""Artifact transfers need a streaming transport; a plain one gets a clear error, not a hang.

A hand-made transport stands in for a team's own HTTP stack (the case being tested): it
implements only the basic protocol, answering ``runs/get``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlflow_rest_sdk import MlflowClient
from mlflow_rest_sdk._runtime.transport import HttpRequest, HttpResponse


class PlainTransport:
    """Only ``send`` and ``close``: the :class:`Transport` protocol without streaming."""

    def send(self, request: HttpRequest) -> HttpResponse:
        run = {"run": {"info": {"run_id": "r", "artifact_uri": "mlflow-artifacts:/0/r/artifacts"}}}
        return HttpResponse(200, {}, json.dumps(run).encode())

    def close(self) -> None:
        return None


def test_a_transport_without_streaming_is_named_in_the_error(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text("x")
    with (
        MlflowClient("http://127.0.0.1:9", transport=PlainTransport()) as client,
        pytest.raises(TypeError, match=r"PlainTransport has none"),
    ):
        client.log_artifact("r", source)
