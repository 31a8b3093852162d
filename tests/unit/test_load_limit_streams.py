"""Artifact transfers with the tracking server go through the client's load limit like any call;
presigned part uploads to the object store do not; an overloaded answer to a transfer counts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.unit.scripted import ScriptedTransport, Step, reply

from mlflow_rest_sdk import LoadLimit, LoadStats, MlflowClient, RetryPolicy
from mlflow_rest_sdk._runtime.transport import HttpRequest
from mlflow_rest_sdk.artifacts import ArtifactSettings

RUN = {"run": {"info": {"run_id": "r1", "artifact_uri": "mlflow-artifacts:/1/r1/artifacts"}}}


@dataclass
class _Streamed:
    status_code: int
    headers: dict[str, str] = field(default_factory=dict)

    def iter_bytes(self, chunk_size: int = 65536) -> Iterator[bytes]:
        yield b"stored" if self.status_code == 200 else b'{"error_code": "TEMPORARILY_UNAVAILABLE"}'


class StreamingScript(ScriptedTransport):
    """Plays its JSON steps for ordinary calls; answers each stream with the next status, and
    records the client's load stats at the moment the stream is open."""

    def __init__(self, *steps: Step, stream_statuses: Iterable[int] = (200,)) -> None:
        super().__init__(*steps)
        self.stream_statuses = list(stream_statuses)
        self.streamed: list[HttpRequest] = []
        self.stats_while_streaming: list[LoadStats] = []
        self.client: MlflowClient | None = None

    @contextmanager
    def stream(
        self, request: HttpRequest, body: Iterable[bytes] | None = None
    ) -> Iterator[_Streamed]:
        for _chunk in body or ():
            pass
        self.streamed.append(request)
        assert self.client is not None
        self.stats_while_streaming.append(self.client.load_stats)
        yield _Streamed(self.stream_statuses.pop(0))


def _client(transport: StreamingScript, limit: LoadLimit) -> MlflowClient:
    client = MlflowClient(
        "http://mlflow.test",
        transport=transport,
        load_limit=limit,
        server_version="off",  # the script answers the transfer, not a /version probe
        retry=RetryPolicy(max_attempts=1),
    )
    transport.client = client
    return client


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "model.json"
    path.write_text('{"weights": [1, 2, 3]}')
    return path


def test_an_artifact_upload_holds_a_slot_under_the_load_limit_while_it_streams(
    small_file: Path,
) -> None:
    transport = StreamingScript(reply(body=RUN))
    with _client(transport, LoadLimit.fixed(3)) as client:
        client.log_artifact("r1", small_file)
        after = client.load_stats
    assert [stats.in_flight for stats in transport.stats_while_streaming] == [1]
    assert (after.in_flight, after.completed) == (0, 2)  # get_run, then the upload


def test_an_artifact_download_holds_a_slot_too(tmp_path: Path) -> None:
    listing = {"files": [{"path": "model.json", "is_dir": False, "file_size": 6}]}
    transport = StreamingScript(reply(body=RUN), reply(body=listing))
    with _client(transport, LoadLimit.fixed(3)) as client:
        client.download_artifacts("r1", "", tmp_path / "out")
    assert [stats.in_flight for stats in transport.stats_while_streaming] == [1]


def test_an_overloaded_answer_to_a_transfer_cuts_the_adaptive_limit(small_file: Path) -> None:
    transport = StreamingScript(reply(body=RUN), stream_statuses=[503])
    with _client(transport, LoadLimit(initial=8)) as client:
        with pytest.raises(Exception, match="503"):
            client.log_artifact("r1", small_file)
        stats = client.load_stats
    assert (stats.limit, stats.overloads) == (4, 1)


def test_a_part_upload_to_the_object_store_takes_no_slot_of_the_tracking_server(
    small_file: Path,
) -> None:
    created = {
        "upload_id": "u1",
        "credentials": [{"part_number": 1, "url": "https://store.test/part-1", "headers": {}}],
    }
    transport = StreamingScript(reply(body=RUN), reply(body=created), reply(body={}))
    settings = ArtifactSettings(multipart_threshold=1, part_size=5 * 1024 * 1024)
    with _client(transport, LoadLimit.fixed(3)) as client:
        client.log_artifact("r1", small_file, settings=settings)
    assert [request.url for request in transport.streamed] == ["https://store.test/part-1"]
    assert [stats.in_flight for stats in transport.stats_while_streaming] == [0]
